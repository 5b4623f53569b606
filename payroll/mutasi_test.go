package payroll_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/wib"
)

// A mutasi to another position pays that position's basic TPP from the month of its date: x
// moves on 15 March 2026 from staf (10.000.000) to kadis (15.000.000). March, paid before the
// mutasi took effect, is corrected by April's run (reversal and rapel naming the basic TPP);
// February stays; y, without a mutasi, and a mutasi recorded but not in effect change nothing.
func TestMutasiPaysTheNewPositionFromItsMonth(t *testing.T) {
	e := newEnv(t, 2, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	x, y := nipOf(1), nipOf(2)
	feb := pay.MonthOf(2026, 2)
	for _, nip := range []string{x, y} {
		if _, err := e.pool.Exec(ctx, `INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase)
			VALUES ($1, $2, $3, $4, $4, 'pelaksanaan')`, e.cycle, nip, "wf-"+nip, nipHead); err != nil {
			t.Fatal(err)
		}
		for _, m := range []pay.Month{feb, march, april} {
			e.predikat(nip, m, "baik", "")
		}
	}
	mutasi := func(nip string, date time.Time, applied bool) {
		t.Helper()
		var at *time.Time
		if applied {
			at = &date
		}
		if _, err := e.pool.Exec(ctx, `INSERT INTO mutasi (cycle_id, nip, effective_at, position, position_id, from_penilai_nip, to_penilai_nip,
				from_atasan_nip, to_atasan_nip, recorded_by, recorded_at, applied_at)
			VALUES ($1, $2, $3, 'Kepala Dinas', 'kadis', $4, $4, $4, $4, $5, $6, $7)`, e.cycle, nip, date, nipHead, nipHR, e.now, at); err != nil {
			t.Fatal(err)
		}
	}
	// y's mutasi is dated in April but has not taken effect (the year closed before it, say).
	mutasi(y, time.Date(2026, 4, 1, 0, 0, 0, 0, wib.Location), false)

	e.run(feb, 10)
	e.run(march, 10)
	if got := e.tpp(x, march); got != 10_000_000 {
		t.Fatalf("x March before the mutasi took effect: %d", got)
	}
	mutasi(x, time.Date(2026, 3, 15, 0, 0, 0, 0, wib.Location), true)
	e.run(april, 10)

	for _, c := range []struct {
		nip  string
		m    pay.Month
		want int64
	}{{x, feb, 10_000_000}, {x, march, 15_000_000}, {x, april, 15_000_000}, {y, march, 10_000_000}, {y, april, 10_000_000}} {
		if got := e.tpp(c.nip, c.m); got != c.want {
			t.Errorf("%s %s: TPP %s, want %s", c.nip, c.m, pay.Rupiah(got), pay.Rupiah(c.want))
		}
	}
	var reversals int
	for _, l := range e.lines(x) {
		if l.Period == "2026-03" && l.Kind == "tpp" && l.Entry == "line" && l.Amount == 15_000_000 &&
			!strings.Contains(l.Cause, "TPP dasar Rp 10.000.000 menjadi Rp 15.000.000") {
			t.Errorf("March's rapel names %q", l.Cause)
		}
		if l.Period == "2026-03" && l.Entry == "reversal" {
			reversals++
		}
		if l.Period == "2026-02" && l.Entry == "reversal" {
			t.Errorf("February reversed: %+v", l)
		}
	}
	if reversals == 0 {
		t.Error("March paid at the old position was not reversed")
	}
	if n := len(e.lines(y)); n == 0 {
		t.Fatal("y has no lines")
	}
	for _, l := range e.lines(y) {
		if l.Entry == "reversal" {
			t.Errorf("y corrected without a mutasi in effect: %+v", l)
		}
	}
}
