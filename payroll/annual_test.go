package payroll_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/store"
)

// The final annual result posts through the same ledger: a sanction's cut in the months it
// covers and a reward with January; a result that becomes final, or changes on appeal, after
// January was paid is corrected by reversal and rapel in the next run.
func TestAnnualResultPostsThroughTheLedger(t *testing.T) {
	p := pay.Balangan2025()
	p.ID, p.EffectiveFrom = "balangan-2026", pay.MonthOf(2026, 1)
	// Assumed for the test (DOMAIN.md lists rewards and sanctions without amounts): Sangat Baik
	// brings 50% of the basic TPP once; Sangat Kurang cuts 25% of TPP for three months.
	p.Annual = []pay.AnnualRule{{Predikat: appraisal.SangatBaik, RewardBP: 5_000}, {Predikat: appraisal.SangatKurang, CutBP: 2_500, CutMonths: 3}}
	e := newEnv(t, 2, p)
	ctx := context.Background()
	x, y := nipOf(1), nipOf(2)

	// The 2025 cycle: x's result is final (Sangat Kurang); y's is not yet (an appeal is pending).
	dl := map[string]time.Time{}
	for i, name := range store.DeadlineColumns {
		dl[name] = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 30 * 24 * time.Hour)
	}
	c2025, err := e.st.CreateCycle(ctx, store.Cycle{Year: 2025, Name: "Penilaian Kinerja 2025", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: nipHR})
	if err != nil {
		t.Fatal(err)
	}
	for _, nip := range []string{x, y} {
		if _, err := e.st.Enrol(ctx, store.Enrolment{CycleID: c2025, NIP: nip, WorkflowID: "wf-2025-" + nip, PenilaiNIP: nipHead, AtasanNIP: nipHR, Phase: "selesai"}); err != nil {
			t.Fatal(err)
		}
	}
	result := func(nip, predikat string, final bool) {
		t.Helper()
		if _, err := e.pool.Exec(ctx, `UPDATE employee_cycles SET predikat = $3, result_final = $4 WHERE cycle_id = $1 AND nip = $2`, c2025, nip, predikat, final); err != nil {
			t.Fatal(err)
		}
	}
	result(x, "sangat_kurang", true)
	result(y, "sangat_baik", false)

	jan, feb := pay.MonthOf(2026, 1), pay.MonthOf(2026, 2)
	for _, m := range []pay.Month{jan, feb} {
		e.predikat(x, m, "baik", "")
		e.predikat(y, m, "baik", "")
	}
	e.run(jan, 10)
	// x: Baik, full attendance 10.000.000, less 25% for Sangat Kurang 2025 = 7.500.000; y: nothing yet.
	if got := e.tpp(x, jan); got != 7_500_000 {
		t.Errorf("x January with the sanction: %d, want 7.500.000", got)
	}
	if got := e.tpp(y, jan); got != 10_000_000 {
		t.Errorf("y January before the result is final: %d, want 10.000.000", got)
	}

	// In February the appeals are decided: x's result becomes Baik (no sanction), y's stands final.
	result(x, "baik", true)
	result(y, "sangat_baik", true)
	feb26 := e.run(feb, 10)
	// January again: x 10.000.000 (the cut undone), y 10.000.000 + 50% × 10.000.000 = 15.000.000.
	if got := e.tpp(x, jan); got != 10_000_000 {
		t.Errorf("x January after the appeal: %d, want 10.000.000", got)
	}
	if got := e.tpp(y, jan); got != 15_000_000 {
		t.Errorf("y January with the reward: %d, want 15.000.000", got)
	}
	for _, nip := range []string{x, y} {
		if got := e.tpp(nip, feb); got != 10_000_000 {
			t.Errorf("%s February: %d, want 10.000.000", nip, got)
		}
		found := false
		for _, l := range e.lines(nip) {
			if l.RunID == feb26.ID && l.Period == "2026-01" && l.Entry == "reversal" {
				found = true
				if !strings.Contains(l.Cause, "predikat tahunan 2025") {
					t.Errorf("%s: the reversal's cause %q does not name the annual result", nip, l.Cause)
				}
			}
		}
		if !found {
			t.Errorf("%s: February's run did not reverse January", nip)
		}
	}
}
