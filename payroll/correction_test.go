package payroll_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
)

var april = pay.MonthOf(2026, 4)

// A month paid without a predikat, and a month paid on a wrong attendance record, are both
// corrected by the next run: the old lines reversed, the new ones posted (rapel), each carrying
// the cause, and every employee's ledger adds up to what the rule gives now.
func TestCorrectionAfterPaymentIsReversalAndRapel(t *testing.T) {
	e := newEnv(t, 2, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	x, y := nipOf(1), nipOf(2)
	// March: x not yet rated (kinerja 0 under Balangan: TPP = disiplin 4.000.000); y Baik but
	// recorded absent without reason on 10 March (TPP 9.818.182, see the regional test).
	e.predikat(y, march, "baik", "")
	e.attendance(day(y, "2026-03-10", "absent_unexcused"))
	marchRun := e.run(march, 1)
	if got := e.tpp(x, march); got != 4_000_000 {
		t.Fatalf("x March before rating: %d, want 4.000.000", got)
	}
	if got := e.tpp(y, march); got != 9_818_182 {
		t.Fatalf("y March before correction: %d, want 9.818.182", got)
	}

	// After payment: x is rated Baik for March (an appeal decided it); y's 10 March was an
	// present after all (the machine failed; the correction is imported).
	e.predikat(x, march, "baik", "keberatan diputus")
	e.attendance(day(y, "2026-03-10", "present"))
	e.predikat(x, april, "baik", "")
	e.predikat(y, april, "baik", "")
	aprilRun := e.run(april, 1)

	for _, c := range []struct {
		nip, cause string
	}{{x, "predikat belum ada menjadi Baik"}, {y, "kehadiran dikoreksi pada tanggal 10"}} {
		ls := e.lines(c.nip)
		var reversals, rapel, aprilLines int
		byID := map[int64]line{}
		for _, l := range ls {
			byID[l.ID] = l
		}
		for _, l := range ls {
			switch {
			case l.RunID == aprilRun.ID && l.Period == "2026-03" && l.Entry == "reversal":
				reversals++
				orig := byID[*l.Reverses]
				if orig.RunID != marchRun.ID || orig.Amount != -l.Amount || orig.Kind != l.Kind {
					t.Errorf("%s: reversal %+v does not undo %+v", c.nip, l, orig)
				}
				if !strings.Contains(l.Cause, c.cause) {
					t.Errorf("%s: reversal cause %q, want it to name %q", c.nip, l.Cause, c.cause)
				}
			case l.RunID == aprilRun.ID && l.Period == "2026-03":
				rapel++
				if !strings.Contains(l.Cause, c.cause) {
					t.Errorf("%s: rapel cause %q, want it to name %q", c.nip, l.Cause, c.cause)
				}
			case l.RunID == aprilRun.ID && l.Period == "2026-04":
				aprilLines++
				if l.Cause != "" {
					t.Errorf("%s: April's first line has cause %q", c.nip, l.Cause)
				}
			}
		}
		if reversals == 0 || rapel == 0 || aprilLines == 0 {
			t.Errorf("%s: %d reversals, %d rapel lines, %d April lines", c.nip, reversals, rapel, aprilLines)
		}
	}
	// x: Baik 10.000.000 (was 4.000.000); y: every day counts, 10.000.000 (was 9.818.182).
	for _, nip := range []string{x, y} {
		if got := e.tpp(nip, march); got != 10_000_000 {
			t.Errorf("%s March after correction: %d, want 10.000.000", nip, got)
		}
	}

	// The ledger balances: reversals cancel what they reverse, and the lines in force for each
	// month are exactly what pay.Compute gives from the inputs the line keeps.
	versions, err := payroll.LoadVersions(ctx, e.pool)
	if err != nil {
		t.Fatal(err)
	}
	for _, nip := range []string{x, y} {
		var all, inForce int64
		err := e.pool.QueryRow(ctx, `SELECT sum(amount) FILTER (WHERE kind <> 'bpjs'),
			sum(amount) FILTER (WHERE kind <> 'bpjs' AND entry = 'line' AND NOT EXISTS (SELECT 1 FROM pay_lines x WHERE x.reverses_id = l.id))
			FROM pay_lines l WHERE nip = $1`, nip).Scan(&all, &inForce)
		if err != nil {
			t.Fatal(err)
		}
		var nets int64
		rows, err := e.pool.Query(ctx, `SELECT detail FROM pay_lines l WHERE nip = $1 AND kind = 'tpp' AND entry = 'line'
			AND NOT EXISTS (SELECT 1 FROM pay_lines x WHERE x.reverses_id = l.id)`, nip)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var raw []byte
			var d payroll.LineDetail
			if err := rows.Scan(&raw); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(raw, &d); err != nil {
				t.Fatal(err)
			}
			p, err := versions.InForce(d.Input.Month)
			if err != nil {
				t.Fatal(err)
			}
			s, err := pay.Compute(p, d.Input)
			if err != nil {
				t.Fatal(err)
			}
			nets += s.Net
		}
		rows.Close()
		if all != inForce || all != nets {
			t.Errorf("%s: ledger sums to %d, lines in force %d, slips' net %d", nip, all, inForce, nets)
		}
	}

	// A third run with nothing changed posts nothing for March again.
	mayRun := e.run(pay.MonthOf(2026, 5), 1)
	var again int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pay_lines WHERE run_id = $1 AND period <> '2026-05-01'`, mayRun.ID).Scan(&again); err != nil {
		t.Fatal(err)
	}
	if again != 0 {
		t.Errorf("a run with nothing changed posted %d lines for earlier months", again)
	}

	// A new policy version may not reach back into a paid month; from June it may.
	newer := policyWithID(pay.Balangan2025(), "balangan-2026-mei", pay.MonthOf(2026, 5))
	var pe store.PolicyError
	if err := e.st.AddPolicy(ctx, newer, nipHR, e.now); !errors.As(err, &pe) || pe.Field != "effective_from" {
		t.Errorf("a version effective in a paid month: %v, want an effective_from error", err)
	}
	newer.EffectiveFrom = pay.MonthOf(2026, 6)
	if err := e.st.AddPolicy(ctx, newer, nipHR, e.now); err != nil {
		t.Errorf("a version effective after the last paid month: %v", err)
	}
	// A policy that paid lines cannot be edited or removed, and lines cannot be edited.
	if _, err := e.pool.Exec(ctx, `UPDATE tpp_policies SET created_by = created_by WHERE id = 'balangan-2026'`); err == nil {
		t.Error("a used policy was updated")
	}
	if _, err := e.pool.Exec(ctx, `UPDATE pay_lines SET amount = amount + 1`); err == nil {
		t.Error("a ledger line was updated")
	}
}

// A run with an employee it could not compute is approved only once HR excludes them with a
// reason (audited); the month is not lost: once the data is fixed, the next run pays it late,
// saying why.
func TestUnpaidMonthIsPaidLate(t *testing.T) {
	// Manado's rule has no long-leave rules: a long leave cannot be paid until fixed.
	e := newEnv(t, 1, policyWithID(pay.Manado(), "manado-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	z := nipOf(1)
	e.predikat(z, march, "baik", "")
	if _, err := e.pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-03-01', '2026-03-01', 'cuti', 1)`, z); err != nil {
		t.Fatal(err)
	}
	r, err := payroll.CreateRun(ctx, e.pool, march, nil, nipHR, e.now)
	if err != nil {
		t.Fatal(err)
	}
	eng := payroll.Engine{Pool: e.pool}
	if _, err := eng.RunPage(ctx, r.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := payroll.FinishComputing(ctx, e.pool, r.ID, e.now); err != nil {
		t.Fatal(err)
	}
	got, err := payroll.GetRun(ctx, e.pool, r.ID)
	if err != nil || len(got.Errors) != 1 || got.Errors[0].NIP != z || got.Errors[0].Month != "2026-03" || !strings.Contains(got.Errors[0].Message, "leave") {
		t.Fatalf("run errors %+v (%v), want z's March naming the leave", got.Errors, err)
	}
	// Approval is refused while z is neither fixed nor excluded, naming z and why.
	var ue *payroll.UnresolvedError
	if err := payroll.Decide(ctx, e.pool, r.ID, true, nipHR, e.now); !errors.As(err, &ue) || len(ue.Errors) != 1 ||
		!strings.Contains(err.Error(), z) || !strings.Contains(err.Error(), "leave") {
		t.Fatalf("approval with z unresolved: %v", err)
	}
	// HR excludes z with a reason (a reason is required, and only a failed employee can be excluded).
	var xe *payroll.ExclusionError
	if err := payroll.Exclude(ctx, e.pool, r.ID, z, " ", nipHR, e.now); !errors.As(err, &xe) || xe.Field != "reason" {
		t.Errorf("an exclusion without a reason: %v", err)
	}
	if err := payroll.Exclude(ctx, e.pool, r.ID, nipHead, "tidak perlu dibayar", nipHR, e.now); !errors.As(err, &xe) || xe.Field != "nip" {
		t.Errorf("excluding an employee computed fine: %v", err)
	}
	for range 2 { // again is harmless
		if err := payroll.Exclude(ctx, e.pool, r.ID, z, "cuti CLTN keliru dicatat; diperbaiki bulan depan", nipHR, e.now); err != nil {
			t.Fatal(err)
		}
	}
	var audited int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'payroll.excluded' AND subject_nip = $1 AND actor_nip = $2
		AND after->>'reason' LIKE 'cuti CLTN%'`, z, nipHR).Scan(&audited); err != nil || audited != 1 {
		t.Errorf("%d audit rows of the exclusion (%v), want 1", audited, err)
	}
	if got, err := payroll.GetRun(ctx, e.pool, r.ID); err != nil || len(got.Exclusions) != 1 || got.Exclusions[0].NIP != z {
		t.Errorf("run exclusions %+v (%v)", got.Exclusions, err)
	}
	if err := payroll.Decide(ctx, e.pool, r.ID, true, nipHR, e.now); err != nil {
		t.Fatal(err)
	}
	if n := len(e.lines(z)); n != 0 {
		t.Fatalf("z has %d lines for a month that could not be computed", n)
	}
	// The leave was recorded by mistake; April's run pays March late.
	if _, err := e.pool.Exec(ctx, `DELETE FROM pay_leaves WHERE nip = $1`, z); err != nil {
		t.Fatal(err)
	}
	e.predikat(z, april, "baik", "")
	e.run(april, 10)
	if got := e.tpp(z, march); got != 10_000_000 {
		t.Errorf("z's March paid late: %d, want 10.000.000", got)
	}
	for _, l := range e.lines(z) {
		if l.Period == "2026-03" && !strings.Contains(l.Cause, "dibayar susulan") {
			t.Errorf("March's late line has cause %q", l.Cause)
		}
	}
}
