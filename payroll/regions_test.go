package payroll_test

import (
	"context"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/store"
)

// March 2026 has 22 working days Monday-Friday: 2-6, 9-13, 16-20, 23-27, 30-31.
var march = pay.MonthOf(2026, 3)

func day(nip, date, kind string) store.AttendanceRow {
	return store.AttendanceRow{NIP: nip, Day: date, Kind: kind}
}

// The three regional rules, stored as policy data through the store (JSON round trip), run
// through the payroll over imported attendance, to the rupiah.
func TestRegionalRulesThroughStoredPolicies(t *testing.T) {
	t.Run("Balangan", func(t *testing.T) {
		e := newEnv(t, 4, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
		ctx := context.Background()
		// 1: PNS, Baik, one day absent without reason (10 March): the pot accrues on 21 of 22 days.
		//    kinerja 10.000.000 × 60% × 100% = 6.000.000; disiplin 4.000.000 − 4.000.000/22
		//    (181.818,18 → 181.818) = 3.818.182; TPP 9.818.182.
		e.predikat(nipOf(1), march, "baik", "")
		e.attendance(day(nipOf(1), "2026-03-10", "absent_unexcused"))
		// 2: CPNS without a predikat for March: 80% → 8.000.000; kinerja 0 (Balangan pays none
		//    without a predikat); disiplin 3.200.000, all days present; TPP 3.200.000.
		if _, err := e.pool.Exec(ctx, `UPDATE employees SET status = 'CPNS' WHERE nip = $1`, nipOf(2)); err != nil {
			t.Fatal(err)
		}
		// 3: Plt of the head for all of March, Sangat Baik: the larger of 100% of the acting post
		//    (15.000.000) and own + 20% (10.000.000 + 3.000.000): 15.000.000, all of it paid.
		e.predikat(nipOf(3), march, "sangat_baik", "")
		if _, err := e.st.CreateDelegation(ctx, store.Delegation{PrincipalNIP: nipHead, DelegateNIP: nipOf(3), Kind: "plt",
			StartsAt: time.Date(2026, 2, 20, 0, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC),
			Reason: "Surat Perintah Plt Nomor 800/3/BKPSDM", CreatedBy: nipHR, CreatedAt: e.now}); err != nil {
			t.Fatal(err)
		}
		// 4: cuti besar of 3 months covering March: flat 40% of 10.000.000 = 4.000.000.
		e.predikat(nipOf(4), march, "baik", "")
		if _, err := e.pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-02-01', '2026-04-01', 'cuti', 3)`, nipOf(4)); err != nil {
			t.Fatal(err)
		}
		e.run(march, 10)
		for i, want := range []int64{9_818_182, 3_200_000, 15_000_000, 4_000_000} {
			if got := e.tpp(nipOf(i+1), march); got != want {
				t.Errorf("pegawai %d: TPP %d, want %d", i+1, got, want)
			}
		}
	})

	t.Run("Manado", func(t *testing.T) {
		e := newEnv(t, 1, policyWithID(pay.Manado(), "manado-2026", pay.MonthOf(2026, 1)))
		// Baik; late 45 min on 3 March, absent without reason on 10 March, left 20 min early on 12 March.
		// pot 4.000.000 accrues on 21 of 22 days: −181.818 → 3.818.182.
		// 3 March late 31-60 min: 2% of 3.818.182 = 76.363,64 → 76.364
		// 10 March absent: 10% = 381.818,2 → 381.818
		// 12 March early ≤30 min: 1% = 38.181,82 → 38.182
		// disiplin 3.818.182 − 496.364 = 3.321.818; TPP 6.000.000 + 3.321.818 = 9.321.818.
		e.predikat(nipOf(1), march, "baik", "")
		late := day(nipOf(1), "2026-03-03", "present")
		late.LateMinutes = 45
		early := day(nipOf(1), "2026-03-12", "present")
		early.EarlyMinutes = 20
		e.attendance(late, day(nipOf(1), "2026-03-10", "absent_unexcused"), early)
		e.run(march, 10)
		if got := e.tpp(nipOf(1), march); got != 9_321_818 {
			t.Errorf("TPP %d, want 9.321.818", got)
		}
	})

	t.Run("Tulang Bawang", func(t *testing.T) {
		e := newEnv(t, 2, policyWithID(pay.TulangBawang(), "tuba-2026", pay.MonthOf(2026, 1)))
		// 1: Baik; late 75 min on 3 March: 1,25% of the pot 4.000.000 = 50.000; no record on 5
		//    March: 0,6% of the whole 10.000.000 = 60.000; missed assembly on 9 March: 2% of the pot =
		//    80.000. TPP 10.000.000 − 190.000 = 9.810.000.
		e.predikat(nipOf(1), march, "baik", "")
		late := day(nipOf(1), "2026-03-03", "present")
		late.LateMinutes = 75
		apel := day(nipOf(1), "2026-03-09", "present")
		apel.MissedAssembly = true
		e.attendance(late, day(nipOf(1), "2026-03-05", "no_record"), apel)
		// 2: 11 days absent without reason in February reach the PP 94/2021 step "TPP −25% for 6
		//    months" from March: a clean March pays 10.000.000 − 25% = 7.500.000.
		e.predikat(nipOf(2), march, "baik", "")
		var feb []store.AttendanceRow
		for _, d := range []string{"02", "03", "04", "05", "09", "10", "11", "12", "16", "17", "18"} {
			feb = append(feb, day(nipOf(2), "2026-02-"+d, "absent_unexcused"))
		}
		e.attendance(feb...)
		e.run(march, 10)
		if got := e.tpp(nipOf(1), march); got != 9_810_000 {
			t.Errorf("pegawai 1: TPP %d, want 9.810.000", got)
		}
		if got := e.tpp(nipOf(2), march); got != 7_500_000 {
			t.Errorf("pegawai 2 (PP 94/2021): TPP %d, want 7.500.000", got)
		}
	})
}
