package payroll_test

import (
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/pay"
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
	x, y := nipOf(1), nipOf(2)

	// The 2025 cycle: x's result is final (Sangat Kurang); y's is not yet (an appeal is pending).
	result := lastYear(t, e, x, y)
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
