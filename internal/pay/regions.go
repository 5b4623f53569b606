package pay

import "github.com/kinerja/platform/internal/appraisal"

// The three regional rules of shared/DOMAIN.md as data. What DOMAIN.md states is marked
// "stated"; every other value is this package's reading or a placeholder, marked "assumed",
// for HR to confirm against the region's Perkada before use.

// nationalDeductions are IWP 1% of salary + TPP capped at Rp120.000, deducted from the
// employee, and BPJS Kesehatan 4% of salary + TPP capped at Rp480.000 (4% of the Rp12.000.000
// wage ceiling of Perpres 64/2020), the employer's share: shown, not deducted.
func nationalDeductions(p *Policy) {
	p.IWP = Contribution{RateBP: 100, Cap: 120_000, Base: OnSalaryPlusTPP, Deducted: true}
	p.BPJS = Contribution{RateBP: 400, Cap: 480_000, Base: OnSalaryPlusTPP, Deducted: false}
}

// balanganPredikat is Balangan's monthly predikat table (stated).
func balanganPredikat() map[appraisal.Predikat]int64 {
	return map[appraisal.Predikat]int64{
		appraisal.SangatBaik: 10_000, appraisal.Baik: 10_000, appraisal.ButuhPerbaikan: 8_000,
		appraisal.Kurang: 6_000, appraisal.SangatKurang: 4_000,
	}
}

// Balangan2025 is Kabupaten Balangan's 2025 rule. Stated: 60/40; predikat SB 100, B 100, BP 80,
// K 60, SK 40, none 0; CPNS 80%; Plt either 100% of the acting post or own + 20% of it; leave
// under 6 months 40%, 6-12 months 20%, over 12 months, MPP, hukuman disiplin, CLTN 0%; PPh 21
// by TER, grossed up; IWP and BPJS; net = realisasi − IWP. Assumed: a Plt gets the larger of
// the two Plt amounts (DOMAIN does not say which applies when); "attendance %" is the share of
// working days present or on cuti, so every other working day takes 1/working-days of the
// disiplin pot, and there are no other disiplin cuts.
func Balangan2025() Policy {
	p := Policy{
		ID: "balangan-2025", Name: "Kabupaten Balangan 2025", EffectiveFrom: MonthOf(2025, 1),
		KinerjaBP: 6_000, DisiplinBP: 4_000,
		PredikatBP: balanganPredikat(), NoPredikatBP: 0,
		StatusBP: map[Status]int64{CPNS: 8_000},
		Leave: []LeaveRule{
			{Kind: LeaveCuti, MinMonths: 0, MaxMonths: 5, PayBP: 4_000},
			{Kind: LeaveCuti, MinMonths: 6, MaxMonths: 12, PayBP: 2_000},
			{Kind: LeaveCuti, MinMonths: 13, PayBP: 0},
			{Kind: LeaveMPP, PayBP: 0},
			{Kind: LeaveHukumanDisiplin, PayBP: 0},
			{Kind: LeaveCLTN, PayBP: 0},
		},
		Plt:               PltRule{Mode: PltHigherOf, ShareBP: 2_000},
		DisiplinAccruesOn: []DayKind{DayPresent, DayLeave},
		PPh21:             TaxRule{GrossUp: true},
	}
	nationalDeductions(&p)
	return p
}

// Manado is Kota Manado's rule. Stated: the disiplin pot accrues per working day present;
// cuts as % of the pot: absent 10% a day, late ≤30 min 1%, 31-60 min 2%, >60 min 3%, the same
// for leaving early; floored at 0. Assumed: 60/40 (DOMAIN: every regional example); Balangan's
// predikat table and CPNS 80% (DOMAIN gives none for Manado); cuti and excused absence accrue
// like presence; an unexcused absence both stops accrual and takes its 10%, as DOMAIN lists
// both; Plt own + 20%; no gross-up; no long-leave rules (a long leave is refused until HR
// adds them).
func Manado() Policy {
	minutes := func(e Event) []CutRule {
		return []CutRule{
			{Event: e, MinMinutes: 1, MaxMinutes: 30, BP: 100, Base: BaseDisiplin},
			{Event: e, MinMinutes: 31, MaxMinutes: 60, BP: 200, Base: BaseDisiplin},
			{Event: e, MinMinutes: 61, BP: 300, Base: BaseDisiplin},
		}
	}
	p := Policy{
		ID: "manado-2025", Name: "Kota Manado", EffectiveFrom: MonthOf(2025, 1),
		KinerjaBP: 6_000, DisiplinBP: 4_000,
		PredikatBP: balanganPredikat(), NoPredikatBP: 0,
		StatusBP:          map[Status]int64{CPNS: 8_000},
		Plt:               PltRule{Mode: PltOwnPlusShare, ShareBP: 2_000},
		DisiplinAccruesOn: []DayKind{DayPresent, DayLeave, DayAbsentExcused},
		Cuts: append(append([]CutRule{{Event: EventAbsentUnexcused, BP: 1_000, Base: BaseDisiplin}},
			minutes(EventLate)...), minutes(EventEarlyLeave)...),
	}
	nationalDeductions(&p)
	return p
}

// TulangBawang is Kabupaten Tulang Bawang's rule. Stated: late 1-30 min 0.5% of the disiplin
// pot, 31-60 min 1%, 61-90 min 1.25%, 91-120 min 1.5%; no attendance record 0.6% of the total
// TPP a day; missed assembly 2% of the disiplin pot. Assumed: late above 120 min keeps the top
// rate 1.5% (DOMAIN gives no higher tier); no cut for leaving early or an unexcused absence
// beyond the PP 94/2021 ladder (DOMAIN lists none); 60/40, Balangan's predikat table, CPNS 80%,
// Plt own + 20%, no gross-up, no long-leave rules.
func TulangBawang() Policy {
	p := Policy{
		ID: "tulang-bawang-2025", Name: "Kabupaten Tulang Bawang", EffectiveFrom: MonthOf(2025, 1),
		KinerjaBP: 6_000, DisiplinBP: 4_000,
		PredikatBP: balanganPredikat(), NoPredikatBP: 0,
		StatusBP: map[Status]int64{CPNS: 8_000},
		Plt:      PltRule{Mode: PltOwnPlusShare, ShareBP: 2_000},
		Cuts: []CutRule{
			{Event: EventLate, MinMinutes: 1, MaxMinutes: 30, BP: 50, Base: BaseDisiplin},
			{Event: EventLate, MinMinutes: 31, MaxMinutes: 60, BP: 100, Base: BaseDisiplin},
			{Event: EventLate, MinMinutes: 61, MaxMinutes: 90, BP: 125, Base: BaseDisiplin},
			{Event: EventLate, MinMinutes: 91, MaxMinutes: 120, BP: 150, Base: BaseDisiplin},
			{Event: EventLate, MinMinutes: 121, BP: 150, Base: BaseDisiplin},
			{Event: EventNoRecord, BP: 60, Base: BaseTotal},
			{Event: EventMissedAssembly, BP: 200, Base: BaseDisiplin},
		},
	}
	nationalDeductions(&p)
	return p
}
