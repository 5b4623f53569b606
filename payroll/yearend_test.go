package payroll_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
)

// lastYear enrols nips in a 2025 cycle and returns a setter of their annual result there, as
// the cycle's workflow leaves it (employee_cycles.predikat, result_final).
func lastYear(t *testing.T, e *env, nips ...string) func(nip, predikat string, final bool) {
	t.Helper()
	ctx := context.Background()
	dl := map[string]time.Time{}
	for i, name := range store.DeadlineColumns {
		dl[name] = time.Date(2025, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 30 * 24 * time.Hour)
	}
	c, err := e.st.CreateCycle(ctx, store.Cycle{Year: 2025, Name: "Penilaian Kinerja 2025", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: nipHR})
	if err != nil {
		t.Fatal(err)
	}
	for _, nip := range nips {
		if _, err := e.st.Enrol(ctx, store.Enrolment{CycleID: c, NIP: nip, WorkflowID: "wf-2025-" + nip, PenilaiNIP: nipHead, AtasanNIP: nipHR, Phase: "selesai"}); err != nil {
			t.Fatal(err)
		}
	}
	return func(nip, predikat string, final bool) {
		t.Helper()
		if _, err := e.pool.Exec(ctx, `UPDATE employee_cycles SET predikat = $3, result_final = $4 WHERE cycle_id = $1 AND nip = $2`, c, nip, predikat, final); err != nil {
			t.Fatal(err)
		}
	}
}

// The year's final result posts, through pay_lines, what each region's rule attaches to it: a
// reward (annual_reward) with January and a sanction's cut (annual_cut) in the months it covers,
// each its own line once per (employee, month, kind); an appeal that changes the result is
// corrected by reversal and rapel naming it. Worked examples to the rupiah on a basic TPP of
// Rp7.345.679 (kinerja 60% = 4.407.407,4 → 4.407.407; disiplin pot 40% = 2.938.271,6 →
// 2.938.272). January 2026 has 22 working days. The annual amounts are assumed (DOMAIN.md
// gives none), a different rule per region.
func TestAnnualResultByRegionRule(t *testing.T) {
	jan, feb := pay.MonthOf(2026, 1), pay.MonthOf(2026, 2)
	for _, c := range []struct {
		name   string
		policy pay.Policy
		rules  []pay.AnnualRule
		cutOf  string // x's final 2025 predikat, which the rule cuts
		setup  func(e *env, x string)
		// x's January: the tpp line before the annual rule and the cut; y's reward.
		xTPP, xCut, yTPP, yReward int64
	}{
		{
			// Full attendance: 4.407.407 + 2.938.272 = 7.345.679. Sangat Kurang: −25% of
			// 7.345.679 = 1.836.419,75 → 1.836.420. Sangat Baik: +50% of the basic =
			// 3.672.839,5 → 3.672.840.
			name: "Balangan", policy: pay.Balangan2025(), cutOf: "sangat_kurang",
			rules: []pay.AnnualRule{{Predikat: appraisal.SangatBaik, RewardBP: 5_000}, {Predikat: appraisal.SangatKurang, CutBP: 2_500, CutMonths: 3}},
			xTPP:  7_345_679, xCut: 1_836_420, yTPP: 7_345_679, yReward: 3_672_840,
		},
		{
			// x late 45 minutes on 6 January: 2% of the pot 2.938.272 = 58.765,44 → 58.765;
			// 4.407.407 + 2.879.507 = 7.286.914. Kurang: −10% = 728.691,4 → 728.691.
			// Sangat Baik: +25% of the basic = 1.836.419,75 → 1.836.420.
			name: "Manado", policy: pay.Manado(), cutOf: "kurang",
			rules: []pay.AnnualRule{{Predikat: appraisal.SangatBaik, RewardBP: 2_500}, {Predikat: appraisal.Kurang, CutBP: 1_000, CutMonths: 6}},
			setup: func(e *env, x string) {
				e.attendance(store.AttendanceRow{NIP: x, Day: "2026-01-06", Kind: "present", LateMinutes: 45})
			},
			xTPP: 7_286_914, xCut: 728_691, yTPP: 7_345_679, yReward: 1_836_420,
		},
		{
			// x without an attendance record on 7 January: 0.6% of the whole TPP 7.345.679 =
			// 44.074,07 → 44.074; 7.301.605. Sangat Kurang: −50% = 3.650.802,5 → 3.650.803.
			// Sangat Baik: +100% of the basic = 7.345.679.
			name: "TulangBawang", policy: pay.TulangBawang(), cutOf: "sangat_kurang",
			rules: []pay.AnnualRule{{Predikat: appraisal.SangatBaik, RewardBP: 10_000}, {Predikat: appraisal.SangatKurang, CutBP: 5_000, CutMonths: 2}},
			setup: func(e *env, x string) {
				e.attendance(store.AttendanceRow{NIP: x, Day: "2026-01-07", Kind: "no_record"})
			},
			xTPP: 7_301_605, xCut: 3_650_803, yTPP: 7_345_679, yReward: 7_345_679,
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := c.policy
			p.ID, p.EffectiveFrom, p.Annual = strings.ToLower(c.name)+"-2026", jan, c.rules
			e := newEnv(t, 2, p)
			ctx := context.Background()
			if _, err := e.pool.Exec(ctx, `UPDATE positions SET tpp_basic = 7345679 WHERE id = 'staf'`); err != nil {
				t.Fatal(err)
			}
			x, y := nipOf(1), nipOf(2)
			result := lastYear(t, e, x, y)
			result(x, c.cutOf, true)
			result(y, "sangat_baik", true)
			for _, m := range []pay.Month{jan, feb} {
				e.predikat(x, m, "baik", "")
				e.predikat(y, m, "baik", "")
			}
			if c.setup != nil {
				c.setup(e, x)
			}
			e.run(jan, 10)
			for _, w := range []struct {
				nip, kind string
				want      int64
			}{{x, "tpp", c.xTPP}, {x, "annual_cut", -c.xCut}, {x, "annual_reward", 0}, {y, "tpp", c.yTPP}, {y, "annual_reward", c.yReward}, {y, "annual_cut", 0}} {
				if got := e.inForce(w.nip, jan, w.kind); got != w.want {
					t.Errorf("%s January %s: %d, want %d", w.nip, w.kind, got, w.want)
				}
			}
			// The statement shows the annual line with the predikat and year it comes from.
			st, err := payroll.ReadStatement(ctx, e.pool, x, jan)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, l := range st.Lines {
				found = found || (l.Kind == "annual_cut" && l.Label == "potongan predikat tahunan")
			}
			for _, l := range st.Slip.Lines {
				found = found && (l.Code != "annual_cut" || strings.Contains(l.Label, "predikat tahunan 2025"))
			}
			if !found || st.Slip.TPP != c.xTPP-c.xCut {
				t.Errorf("x's January statement: slip TPP %d (want %d), lines %+v", st.Slip.TPP, c.xTPP-c.xCut, st.Lines)
			}

			// February: x's appeal turns the 2025 result into Baik. January is reversed and paid
			// again without the cut; y's January is not touched.
			result(x, "baik", true)
			fr := e.run(feb, 10)
			if got := e.inForce(x, jan, "annual_cut"); got != 0 {
				t.Errorf("x's January cut still in force after the appeal: %d", got)
			}
			if got := e.tpp(x, jan); got != c.xTPP {
				t.Errorf("x's January after the appeal: %d, want %d", got, c.xTPP)
			}
			var reversedCut bool
			for _, l := range e.lines(x) {
				if l.RunID == fr.ID && l.Period == "2026-01" && l.Entry == "reversal" {
					reversedCut = reversedCut || (l.Kind == "annual_cut" && l.Amount == c.xCut)
					if !strings.Contains(l.Cause, "predikat tahunan 2025") {
						t.Errorf("reversal cause %q does not name the annual result", l.Cause)
					}
				}
			}
			if !reversedCut {
				t.Errorf("February's run did not reverse x's January cut of %d", c.xCut)
			}
			for _, l := range e.lines(y) {
				if l.RunID == fr.ID && l.Period == "2026-01" {
					t.Errorf("y's January posted again: %+v", l)
				}
			}
		})
	}
}

// Runs over disjoint unit subtrees are open together; one that overlaps an open run is
// refused, naming it.
func TestConcurrentRunsOverDisjointScopes(t *testing.T) {
	e := newEnv(t, 2, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	scope := func(u string) *string { return &u }
	dinas, err := payroll.CreateRun(ctx, e.pool, march, scope("dinas"), nipHR, e.now)
	if err != nil {
		t.Fatal(err)
	}
	// BKPSDM is beside Dinas: allowed, for the same month.
	bkpsdm, err := payroll.CreateRun(ctx, e.pool, march, scope("bkpsdm"), nipHR, e.now)
	if err != nil {
		t.Fatalf("a run for a disjoint scope: %v", err)
	}
	// Bidang is inside Dinas, Pemda around it, no scope is the whole region: refused.
	for _, s := range []*string{scope("bidang"), scope("dinas"), scope("pemda"), nil} {
		_, err := payroll.CreateRun(ctx, e.pool, march, s, nipHR, e.now)
		var open *payroll.RunOpenError
		if !errors.As(err, &open) || !errors.Is(err, payroll.ErrRunOpen) || !strings.Contains(err.Error(), "beririsan") {
			t.Errorf("scope %v: %v, want an overlap refusal", s, err)
			continue
		}
		if s != nil && *s == "pemda" && open.RunID != dinas.ID && open.RunID != bkpsdm.ID {
			t.Errorf("pemda refused naming run %d", open.RunID)
		}
		if s != nil && *s == "bidang" && (open.RunID != dinas.ID || open.Scope != "Dinas") {
			t.Errorf("bidang refused naming run %d (%s), want Dinas's run %d", open.RunID, open.Scope, dinas.ID)
		}
	}
	// Both compute and are approved; each pays only its own employees, once. Staff 1 moves to
	// BKPSDM after Dinas's run computed them: BKPSDM's run lists them instead of paying twice,
	// and is approved once HR excludes them.
	eng := payroll.Engine{Pool: e.pool}
	for _, r := range []payroll.Run{dinas, bkpsdm} {
		if _, err := eng.RunPage(ctx, r.ID, "", ""); err != nil {
			t.Fatal(err)
		}
		if err := payroll.FinishComputing(ctx, e.pool, r.ID, e.now); err != nil {
			t.Fatal(err)
		}
		if r.ID == dinas.ID {
			if _, err := e.pool.Exec(ctx, `UPDATE employees SET unit_id = 'bkpsdm' WHERE nip = $1`, nipOf(1)); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := payroll.GetRun(ctx, e.pool, r.ID)
		if err != nil || len(got.Errors) != 1 || got.Errors[0].NIP != nipOf(1) || !strings.Contains(got.Errors[0].Message, fmt.Sprintf("#%d", dinas.ID)) {
			t.Fatalf("BKPSDM's run errors %+v (%v), want staff 1 naming Dinas's run", got.Errors, err)
		}
		if err := payroll.Exclude(ctx, e.pool, r.ID, nipOf(1), "dibayar oleh penggajian Dinas", nipHR, e.now); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []payroll.Run{dinas, bkpsdm} {
		if err := payroll.Decide(ctx, e.pool, r.ID, true, nipHR, e.now); err != nil {
			t.Fatal(err)
		}
	}
	var inDinas, inBKPSDM, twice int
	if err := e.pool.QueryRow(ctx, `SELECT count(DISTINCT nip) FILTER (WHERE run_id = $1), count(DISTINCT nip) FILTER (WHERE run_id = $2),
		(SELECT count(*) FROM (SELECT nip FROM pay_lines WHERE kind = 'tpp' GROUP BY nip HAVING count(*) > 1) d) FROM pay_lines`,
		dinas.ID, bkpsdm.ID).Scan(&inDinas, &inBKPSDM, &twice); err != nil {
		t.Fatal(err)
	}
	if inDinas != 3 || inBKPSDM != 1 || twice != 0 { // Dinas: the head and 2 staff; BKPSDM: HR
		t.Errorf("dinas paid %d, bkpsdm %d, %d employees paid twice", inDinas, inBKPSDM, twice)
	}
	// With Dinas's run decided, a run inside it may start.
	if _, err := payroll.CreateRun(ctx, e.pool, pay.MonthOf(2026, 4), scope("bidang"), nipHR, e.now); err != nil {
		t.Errorf("a run inside a decided run's scope: %v", err)
	}
}

// A run whose lines for an employee add up to less than zero transfers nothing to them: the
// shortfall is carried as its own line and taken back by the next run, shown in the statement.
func TestNegativeTotalIsCarriedToTheNextRun(t *testing.T) {
	e := newEnv(t, 1, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	z := nipOf(1)
	april, may := pay.MonthOf(2026, 4), pay.MonthOf(2026, 5)
	e.predikat(z, march, "baik", "")
	e.run(march, 10)
	// March's predikat is corrected to Sangat Kurang, and April is an unpaid CLTN month (0%):
	// April's run takes back more than it pays.
	e.predikat(z, march, "sangat_kurang", "keberatan diputus")
	if _, err := e.pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-04-01', '2026-04-01', 'cltn', 1)`, z); err != nil {
		t.Fatal(err)
	}
	ar := e.run(april, 10)
	var sum, carryOut int64
	for _, l := range e.lines(z) {
		if l.RunID != ar.ID || l.Kind == "bpjs" {
			continue
		}
		if l.Kind == "carry_out" {
			carryOut += l.Amount
			if !strings.Contains(l.Cause, "kurang dari nol") {
				t.Errorf("carry_out cause %q", l.Cause)
			}
		} else {
			sum += l.Amount
		}
	}
	if sum >= 0 || carryOut != -sum {
		t.Fatalf("April's lines sum to %d, carried %d: want a negative sum carried whole", sum, carryOut)
	}
	ts, err := payroll.Transfers(ctx, e.pool, ar.ID)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := payroll.WriteBankCSV(&buf, ar, ts); err != nil {
		t.Fatal(err)
	}
	var zt payroll.Transfer
	for _, x := range ts {
		if x.NIP == z {
			zt = x
		}
	}
	if zt.NIP != z || zt.Amount != 0 || zt.Carry != carryOut || strings.Contains(buf.String(), z) {
		t.Errorf("April's transfer for z: %+v; bank file:\n%s", ts, buf.String())
	}
	st, err := payroll.ReadStatement(ctx, e.pool, z, april)
	if err != nil {
		t.Fatal(err)
	}
	if st.Transfer != 0 || len(st.Carries) != 1 || st.Carries[0].Amount != carryOut || st.Carries[0].Label == "" {
		t.Errorf("April's statement: transfer %d, carries %+v", st.Transfer, st.Carries)
	}

	// May (back at work, Baik) takes the shortfall back as its own line.
	e.predikat(z, may, "baik", "")
	mr := e.run(may, 10)
	var mayOwn, carryIn int64
	for _, l := range e.lines(z) {
		if l.RunID != mr.ID || l.Kind == "bpjs" {
			continue
		}
		if l.Kind == "carry_in" {
			carryIn += l.Amount
			if !strings.Contains(l.Cause, "kekurangan penggajian 2026-04") {
				t.Errorf("carry_in cause %q", l.Cause)
			}
		} else {
			mayOwn += l.Amount
		}
	}
	if carryIn != -carryOut {
		t.Errorf("May took back %d, want %d", carryIn, -carryOut)
	}
	if ts, err = payroll.Transfers(ctx, e.pool, mr.ID); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := payroll.WriteBankCSV(&buf, mr, ts); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := mayOwn + carryIn
	var got string
	for _, r := range rows {
		if r[0] == z {
			got = r[4]
		}
	}
	if want <= 0 || got != fmt.Sprint(want) {
		t.Errorf("May's bank row for z: %q, want %d (own %d, carried %d)", got, want, mayOwn, carryIn)
	}
	// A third run takes nothing back again, and z's ledger sums to what was transferred.
	jr := e.run(pay.MonthOf(2026, 6), 10)
	var again int
	var total, transferred int64
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE run_id = $2 AND kind LIKE 'carry%'),
		coalesce(sum(amount) FILTER (WHERE kind <> 'bpjs'), 0) FROM pay_lines WHERE nip = $1`, z, jr.ID).Scan(&again, &total); err != nil {
		t.Fatal(err)
	}
	for _, r := range []payroll.Run{ar, mr, jr} {
		ts, err := payroll.Transfers(ctx, e.pool, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range ts {
			if x.NIP == z {
				if x.Amount < 0 {
					t.Errorf("run %d transfers %d to z", r.ID, x.Amount)
				}
				transferred += x.Amount
			}
		}
	}
	var march int64
	if err := e.pool.QueryRow(ctx, `SELECT coalesce(sum(amount) FILTER (WHERE kind <> 'bpjs'), 0) FROM pay_lines WHERE nip = $1 AND run_id = (SELECT min(id) FROM payroll_runs)`, z).Scan(&march); err != nil {
		t.Fatal(err)
	}
	if again != 0 || total != march+transferred {
		t.Errorf("June carried %d lines; ledger %d, transferred %d + March %d", again, total, transferred, march)
	}
}
