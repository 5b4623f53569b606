package pay

import (
	"errors"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
)

// presentDays lists n working days, all present, numbered 1..n.
func presentDays(n int) []Day {
	d := make([]Day, n)
	for i := range d {
		d[i] = Day{Day: i + 1, Kind: DayPresent}
	}
	return d
}

// want is the part of a slip a worked example pins down.
type want struct {
	tpp, gross, deductions, net, employer int64
	lines                                 map[string][]int64 // code → amounts in order
}

func check(t *testing.T, s Slip, w want) {
	t.Helper()
	if s.TPP != w.tpp || s.Gross != w.gross || s.Deductions != w.deductions || s.Net != w.net || s.Employer != w.employer {
		t.Errorf("totals: tpp %d gross %d deductions %d net %d employer %d; want %d %d %d %d %d",
			s.TPP, s.Gross, s.Deductions, s.Net, s.Employer, w.tpp, w.gross, w.deductions, w.net, w.employer)
	}
	got := map[string][]int64{}
	for _, l := range s.Lines {
		got[l.Code] = append(got[l.Code], l.Amount)
	}
	for code, amounts := range w.lines {
		if len(got[code]) != len(amounts) {
			t.Errorf("line %s: got %v, want %v", code, got[code], amounts)
			continue
		}
		for i := range amounts {
			if got[code][i] != amounts[i] {
				t.Errorf("line %s[%d] = %d, want %d", code, i, got[code][i], amounts[i])
			}
		}
	}
	checkSums(t, s)
}

// checkSums asserts the slip's totals are the sums of its lines.
func checkSums(t *testing.T, s Slip) {
	t.Helper()
	var gross, ded, emp, tpp int64
	for _, l := range s.Lines {
		switch l.Group {
		case GroupEarning:
			gross += l.Amount
			if l.Code != "pph21_allowance" {
				tpp += l.Amount
			}
		case GroupDeduction:
			ded += l.Amount
		case GroupEmployer:
			emp += l.Amount
		}
	}
	if gross != s.Gross || ded != s.Deductions || emp != s.Employer || tpp != s.TPP || s.Net != s.Gross-s.Deductions {
		t.Errorf("lines do not add up: earning %d/%d, tpp %d/%d, deductions %d/%d, employer %d/%d, net %d",
			gross, s.Gross, tpp, s.TPP, ded, s.Deductions, emp, s.Employer, s.Net)
	}
}

func compute(t *testing.T, p Policy, in Input) Slip {
	t.Helper()
	s, err := Compute(p, in)
	if err != nil {
		t.Fatalf("Compute: %v", err)
	}
	if s.PolicyID != p.ID || s.Month != in.Month {
		t.Errorf("slip names policy %q month %s; want %q %s", s.PolicyID, s.Month, p.ID, in.Month)
	}
	return s
}

var july = MonthOf(2025, 7)

func TestBalanganPNSBaikFullAttendance(t *testing.T) {
	// Basic TPP Rp10.000.000, salary Rp5.000.000, K/1 (TER B), 22 working days all present.
	// kinerja  = 10.000.000 × 60% × Baik 100% = 6.000.000
	// disiplin = 10.000.000 × 40%             = 4.000.000 (every day present: nothing lost)
	// TPP = 10.000.000. Gross-up: T = TER_B(5.000.000 + 10.000.000 + T) × (15.000.000 + T);
	// 15.000.000 / (1 − 6%) = 15.957.446,8 stays in the 6% row (≤ 16.400.000):
	// T = 6% × 15.957.447 = 957.446,82 → 957.447 (a fixed point: 15.957.447 is the base again).
	// IWP 1% × 15.000.000 = 150.000 → cap 120.000; BPJS 4% × 15.000.000 = 600.000 → cap 480.000 (employer).
	// gross 10.957.447; deductions 957.447 + 120.000 = 1.077.447; net 9.880.000 = TPP − IWP.
	s := compute(t, Balangan2025(), Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: presentDays(22)}, Salary: 5_000_000, PTKP: "K/1"})
	check(t, s, want{tpp: 10_000_000, gross: 10_957_447, deductions: 1_077_447, net: 9_880_000, employer: 480_000,
		lines: map[string][]int64{"basic": {10_000_000}, "kinerja": {6_000_000}, "disiplin": {4_000_000},
			"pph21_allowance": {957_447}, "pph21": {957_447}, "iwp": {120_000}, "bpjs": {480_000}, "accrual": nil, "status": nil}})
}

func TestBalanganCPNSButuhPerbaikanTwoAbsentDays(t *testing.T) {
	// Basic Rp10.000.000, CPNS, Butuh Perbaikan, 22 working days, absent without reason on the
	// 7th and 8th. Salary Rp3.000.000, TK/0 (TER A).
	// status: CPNS 80% → basis 8.000.000 (line −2.000.000)
	// kinerja  = 8.000.000 × 60% × 80% = 3.840.000
	// disiplin = 8.000.000 × 40%       = 3.200.000; each absent day takes 1/22: 145.454,55 → 145.455, twice
	// TPP = 3.840.000 + 3.200.000 − 290.910 = 6.749.090
	// gross-up: 9.749.090 / (1 − 2%) = 9.948.051,02 in A's 2% row (9.650.000-10.050.000): T = 198.961
	// (2% × 9.948.051 = 198.961,02). IWP 1% × 9.749.090 = 97.490,9 → 97.491. BPJS 4% → 389.963,6 → 389.964.
	// gross 6.948.051; deductions 198.961 + 97.491 = 296.452; net 6.651.599.
	days := presentDays(22)
	days[6].Kind, days[7].Kind = DayAbsentUnexcused, DayAbsentUnexcused
	s := compute(t, Balangan2025(), Input{Month: july, Status: CPNS, Predikat: appraisal.ButuhPerbaikan, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: days}, Salary: 3_000_000, PTKP: "TK/0"})
	check(t, s, want{tpp: 6_749_090, gross: 6_948_051, deductions: 296_452, net: 6_651_599, employer: 389_964,
		lines: map[string][]int64{"status": {-2_000_000}, "kinerja": {3_840_000}, "disiplin": {3_200_000},
			"accrual": {-145_455, -145_455}, "pph21": {198_961}, "iwp": {97_491}, "bpjs": {389_964}}})
	for _, l := range s.Lines {
		if l.Code == "accrual" && (l.Day != 7 && l.Day != 8 || l.Reason != string(DayAbsentUnexcused)) {
			t.Errorf("accrual line names day %d reason %q", l.Day, l.Reason)
		}
	}
}

func TestBalanganLeave(t *testing.T) {
	// Cuti of 3 months (under 6): flat 40% of basic 10.000.000 = 4.000.000, no kinerja or disiplin.
	// Salary 5.000.000, K/0 (TER A): 9.000.000 / (1 − 1,75%) = 9.160.305,34 (row 8.550.000-9.650.000):
	// T = 1,75% × 9.160.305 = 160.305,34 → 160.305. IWP 1% × 9.000.000 = 90.000; BPJS 360.000.
	// gross 4.160.305; deductions 250.305; net 3.910.000.
	in := Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Leave: &Leave{Kind: LeaveCuti, Months: 3}, Salary: 5_000_000, PTKP: "K/0"}
	s := compute(t, Balangan2025(), in)
	check(t, s, want{tpp: 4_000_000, gross: 4_160_305, deductions: 250_305, net: 3_910_000, employer: 360_000,
		lines: map[string][]int64{"leave": {4_000_000}, "kinerja": nil, "disiplin": nil, "pph21": {160_305}, "iwp": {90_000}}})

	// The boundaries of the length rule: 5 → 40%, 6 and 12 → 20%, 13 → 0; MPP, hukuman disiplin, CLTN → 0.
	for _, c := range []struct {
		kind   LeaveKind
		months int
		tpp    int64
	}{{LeaveCuti, 5, 4_000_000}, {LeaveCuti, 6, 2_000_000}, {LeaveCuti, 12, 2_000_000}, {LeaveCuti, 13, 0},
		{LeaveMPP, 4, 0}, {LeaveHukumanDisiplin, 1, 0}, {LeaveCLTN, 24, 0}} {
		in.Leave = &Leave{Kind: c.kind, Months: c.months}
		if s := compute(t, Balangan2025(), in); s.TPP != c.tpp || s.Net < 0 {
			t.Errorf("%s %d months: TPP %d net %d, want TPP %d", c.kind, c.months, s.TPP, s.Net, c.tpp)
		}
	}
	// Zero TPP still owes IWP on the salary under Balangan's base; the net stops at 0.
	in.Leave = &Leave{Kind: LeaveCLTN, Months: 24}
	s = compute(t, Balangan2025(), in)
	if s.Net != 0 || s.Gross != 0 {
		t.Errorf("CLTN: gross %d net %d, want 0 and 0", s.Gross, s.Net)
	}
	for _, l := range s.Lines {
		if l.Code == "iwp" && (l.Amount != 0 || !l.Capped) {
			t.Errorf("CLTN: IWP line %+v, want 0 and capped by the zero-net rule", l)
		}
	}
	// The zero-net rule takes IWP before PPh 21. Without gross-up, cuti of 6 months (20%: TPP
	// 2.000.000) on a salary of 20.000.000 under K/0, the salary payroll withholding nothing:
	// PPh 21 = TER A 9% (19.750.000-24.150.000) × 22.000.000 = 1.980.000; IWP 220.000 → cap 120.000.
	// 2.100.000 > 2.000.000: IWP gives up 100.000 (to 20.000), PPh 21 stays; net 0.
	noGrossUp := Balangan2025()
	noGrossUp.PPh21.GrossUp = false
	in.Salary = 20_000_000
	in.Leave = &Leave{Kind: LeaveCuti, Months: 6}
	s = compute(t, noGrossUp, in)
	check(t, s, want{tpp: 2_000_000, gross: 2_000_000, deductions: 2_000_000, net: 0, employer: 480_000,
		lines: map[string][]int64{"pph21": {1_980_000}, "iwp": {20_000}}})
	noGrossUp.AllowNegativeNet = true
	s = compute(t, noGrossUp, in)
	check(t, s, want{tpp: 2_000_000, gross: 2_000_000, deductions: 2_100_000, net: -100_000, employer: 480_000,
		lines: map[string][]int64{"pph21": {1_980_000}, "iwp": {120_000}}})
	in.Leave = &Leave{Kind: LeaveCLTN, Months: 24}

	// Manado states no leave rule: refused, naming the field.
	var fe FieldError
	if _, err := Compute(Manado(), in); !errors.As(err, &fe) || fe.Field != "leave" {
		t.Errorf("Manado long leave: %v, want a FieldError on leave", err)
	}
}

func TestBalanganNoPredikatPaysOnlyDisiplin(t *testing.T) {
	s := compute(t, Balangan2025(), Input{Month: july, Status: PNS, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: presentDays(20)}, Salary: 0, PTKP: "TK/0"})
	// kinerja 10.000.000 × 60% × 0% = 0; disiplin 4.000.000; TER A 0% up to 5.400.000.
	check(t, s, want{tpp: 4_000_000, gross: 4_000_000, deductions: 40_000, net: 3_960_000, employer: 160_000,
		lines: map[string][]int64{"kinerja": {0}, "disiplin": {4_000_000}, "pph21_allowance": {0}, "iwp": {40_000}}})
}

func TestBalanganPlt(t *testing.T) {
	// higher_of: own 5.000.000 acting 8.000.000 → max(8.000.000, 5.000.000 + 1.600.000) = 8.000.000;
	// own 9.000.000 acting 8.000.000 → max(8.000.000, 10.600.000) = 10.600.000.
	for _, c := range []struct{ own, acting, basis int64 }{{5_000_000, 8_000_000, 8_000_000}, {9_000_000, 8_000_000, 10_600_000}} {
		s := compute(t, Balangan2025(), Input{Month: july, Status: PNS, Predikat: appraisal.SangatBaik, BasicTPP: c.own,
			Plt: &Plt{ActingBasicTPP: c.acting}, Attendance: Attendance{Days: presentDays(21)}, PTKP: "TK/0"})
		check(t, s, want{tpp: c.basis, gross: s.Gross, deductions: s.Deductions, net: s.Net, employer: s.Employer,
			lines: map[string][]int64{"basic": {c.own}, "plt": {c.basis - c.own}}})
	}
	p := Balangan2025()
	p.Plt = PltRule{Mode: PltActingFull}
	s := compute(t, p, Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 9_000_000,
		Plt: &Plt{ActingBasicTPP: 8_000_000}, Attendance: Attendance{Days: presentDays(21)}, PTKP: "TK/0"})
	if s.TPP != 8_000_000 {
		t.Errorf("acting_full: TPP %d, want 8.000.000", s.TPP)
	}
}

func TestManadoLateEarlyAbsent(t *testing.T) {
	// Basic 10.000.000, PNS, Baik, 22 working days: the 1st late 20 min, the 2nd late 45 min,
	// the 3rd leaves 70 min early, the 4th absent without reason. Salary 4.000.000, TK/0, no gross-up.
	// kinerja 6.000.000; disiplin pot 4.000.000.
	// accrual: the 4th does not accrue: 4.000.000 / 22 = 181.818,18 → 181.818; pot now 3.818.182
	// cuts of that pot: late 20 → 1% = 38.181,82 → 38.182; late 45 → 2% = 76.363,64 → 76.364;
	// early 70 → 3% = 114.545,46 → 114.545; absent → 10% = 381.818,2 → 381.818 (together 610.909)
	// TPP = 10.000.000 − 181.818 − 610.909 = 9.207.273
	// PPh 21: 4.000.000 + 9.207.273 = 13.207.273, TER A 5% row (12.500.000-13.750.000): 660.363,65 → 660.364
	// IWP 1% × 13.207.273 = 132.072,73 → cap 120.000; BPJS 528.290,92 → cap 480.000.
	// gross 9.207.273; deductions 780.364; net 8.426.909.
	days := presentDays(22)
	days[0].LateMinutes = 20
	days[1].LateMinutes = 45
	days[2].EarlyMinutes = 70
	days[3].Kind = DayAbsentUnexcused
	s := compute(t, Manado(), Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: days}, Salary: 4_000_000, PTKP: "TK/0"})
	check(t, s, want{tpp: 9_207_273, gross: 9_207_273, deductions: 780_364, net: 8_426_909, employer: 480_000,
		lines: map[string][]int64{"accrual": {-181_818}, "cut": {-38_182, -76_364, -114_545, -381_818},
			"pph21": {660_364}, "iwp": {120_000}, "pph21_allowance": nil}})
	var days4 []int
	for _, l := range s.Lines {
		if l.Code == "cut" {
			days4 = append(days4, l.Day)
		}
	}
	if len(days4) != 4 || days4[0] != 1 || days4[1] != 2 || days4[2] != 3 || days4[3] != 4 {
		t.Errorf("cut lines name days %v, want [1 2 3 4]", days4)
	}
}

func TestTulangBawangTiersNoRecordAssembly(t *testing.T) {
	// Basic 8.000.000, PNS, Sangat Baik, 21 working days: late 15, 40, 75, 100 minutes on the
	// 1st-4th, no record on the 5th, missed assembly on the 6th. Salary 4.500.000, K/3 (TER C).
	// kinerja 4.800.000; disiplin pot 3.200.000 (no accrual).
	// 0,5% × 3.200.000 = 16.000; 1% = 32.000; 1,25% = 40.000; 1,5% = 48.000;
	// no record 0,6% × 8.000.000 (total TPP) = 48.000; assembly 2% × 3.200.000 = 64.000: 248.000.
	// TPP 7.752.000. PPh 21: 12.252.000 in C's 3% row (12.050.000-12.950.000) = 367.560.
	// IWP 122.520 → 120.000; BPJS 490.080 → 480.000. net 7.752.000 − 367.560 − 120.000 = 7.264.440.
	days := presentDays(21)
	days[0].LateMinutes, days[1].LateMinutes, days[2].LateMinutes, days[3].LateMinutes = 15, 40, 75, 100
	days[4].Kind = DayNoRecord
	days[5].MissedAssembly = true
	s := compute(t, TulangBawang(), Input{Month: july, Status: PNS, Predikat: appraisal.SangatBaik, BasicTPP: 8_000_000,
		Attendance: Attendance{Days: days}, Salary: 4_500_000, PTKP: "K/3"})
	check(t, s, want{tpp: 7_752_000, gross: 7_752_000, deductions: 487_560, net: 7_264_440, employer: 480_000,
		lines: map[string][]int64{"cut": {-16_000, -32_000, -40_000, -48_000, -48_000, -64_000}, "pph21": {367_560}}})

	// Tier edges: 30|31, 60|61, 90|91, 120|121 minutes.
	p := TulangBawang()
	for _, c := range []struct {
		min int
		bp  int64
	}{{1, 50}, {30, 50}, {31, 100}, {60, 100}, {61, 125}, {90, 125}, {91, 150}, {120, 150}, {121, 150}, {1440, 150}} {
		if r, ok := p.cutFor(EventLate, c.min); !ok || r.BP != c.bp {
			t.Errorf("late %d min: %v %d bp, want %d", c.min, ok, r.BP, c.bp)
		}
	}
	if _, ok := p.cutFor(EventEarlyLeave, 30); ok {
		t.Error("Tulang Bawang has no early-leave cut, found one")
	}
}

func TestDisiplinFloorsAtZero(t *testing.T) {
	// A policy whose cuts outrun the pot: 60% of the pot per absent day; three absent days of
	// a 2.000.000 basic: pot 800.000; 480.000, then 320.000 (capped: 480.000 would go below 0), then 0.
	p := TulangBawang()
	p.Cuts = []CutRule{{Event: EventAbsentUnexcused, BP: 6_000, Base: BaseDisiplin}, {Event: EventNoRecord, BP: 10_000, Base: BaseTotal}}
	days := presentDays(5)
	days[0].Kind, days[1].Kind, days[2].Kind = DayAbsentUnexcused, DayAbsentUnexcused, DayAbsentUnexcused
	s := compute(t, p, Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 2_000_000,
		Attendance: Attendance{Days: days}, PTKP: "TK/0"})
	check(t, s, want{tpp: 1_200_000, gross: 1_200_000, deductions: 12_000, net: 1_188_000, employer: 48_000,
		lines: map[string][]int64{"cut": {-480_000, -320_000, 0}}})
	// A no-record day at 100% of the total takes everything left, never more.
	days[4].Kind = DayNoRecord
	s = compute(t, p, Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 2_000_000,
		Attendance: Attendance{Days: days}, PTKP: "TK/0"})
	if s.TPP != 0 || s.Net != 0 {
		t.Errorf("after a 100%% total cut: TPP %d net %d, want 0", s.TPP, s.Net)
	}
	checkSums(t, s)
}

func TestLadderCutInCompute(t *testing.T) {
	// Manado, full attendance, Baik, basic 10.000.000: TPP 10.000.000, then -25% = 7.500.000.
	// PPh 21: 7.500.000 is the top of TER A's 1,25% row (6.750.000-7.500.000): 93.750.
	// IWP 75.000; BPJS 300.000 (employer). net 7.500.000 − 93.750 − 75.000 = 7.331.250.
	s := compute(t, Manado(), Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: presentDays(22)}, LadderCut: true, PTKP: "TK/0"})
	check(t, s, want{tpp: 7_500_000, gross: 7_500_000, deductions: 168_750, net: 7_331_250, employer: 300_000,
		lines: map[string][]int64{"ladder": {-2_500_000}, "iwp": {75_000}, "pph21": {93_750}}})
}

func TestIWPAndBPJSCaps(t *testing.T) {
	// Manado, full attendance, Baik: TPP = basic. Salary 5.000.000. IWP and BPJS are on salary + TPP.
	for _, c := range []struct {
		basic           int64
		iwp, bpjs       int64
		iwpCap, bpjsCap bool
	}{
		{6_999_949, 119_999, 479_998, false, false}, // 11.999.949: 119.999,49 → 119.999; 479.997,96 → 479.998
		{7_000_000, 120_000, 480_000, false, false}, // exactly the Rp12.000.000 ceiling
		{7_000_050, 120_000, 480_000, true, true},   // 120.000,5 would round to 120.001: capped
		{50_000_000, 120_000, 480_000, true, true},
	} {
		s := compute(t, Manado(), Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: c.basic,
			Attendance: Attendance{Days: presentDays(22)}, Salary: 5_000_000, PTKP: "TK/0"})
		checkSums(t, s)
		for _, l := range s.Lines {
			if l.Code == "iwp" && (l.Amount != c.iwp || l.Capped != c.iwpCap || l.Group != GroupDeduction) {
				t.Errorf("basic %d: IWP %+v, want %d capped=%v", c.basic, l, c.iwp, c.iwpCap)
			}
			if l.Code == "bpjs" && (l.Amount != c.bpjs || l.Capped != c.bpjsCap || l.Group != GroupEmployer) {
				t.Errorf("basic %d: BPJS %+v, want %d capped=%v", c.basic, l, c.bpjs, c.bpjsCap)
			}
		}
	}
}

func TestDecemberRecomputation(t *testing.T) {
	// Manado (no gross-up), December 2025, Baik, full attendance: TPP 10.000.000; salary 5.000.000; K/1.
	// Year: Jan-Nov gross 11 × 15.000.000 = 165.000.000; withheld 11 × 900.000 (TER B 6%) = 9.900.000;
	// own pension contributions 2.850.000.
	// annual gross 180.000.000; biaya jabatan 5% = 9.000.000 → cap 6.000.000;
	// neto 180.000.000 − 6.000.000 − 2.850.000 = 171.150.000; PTKP K/1 63.000.000;
	// PKP 108.150.000; tax 5% × 60.000.000 + 15% × 48.150.000 = 3.000.000 + 7.222.500 = 10.222.500;
	// December PPh 21 = 10.222.500 − 9.900.000 = 322.500. net 10.000.000 − 322.500 − 120.000 = 9.557.500.
	dec := MonthOf(2025, 12)
	in := Input{Month: dec, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: presentDays(20)}, Salary: 5_000_000, PTKP: "K/1",
		TaxYear: &TaxYear{GrossJanNov: 165_000_000, WithheldJanNov: 9_900_000, PensionYear: 2_850_000}}
	s := compute(t, Manado(), in)
	check(t, s, want{tpp: 10_000_000, gross: 10_000_000, deductions: 442_500, net: 9_557_500, employer: 480_000,
		lines: map[string][]int64{"pph21": {322_500}}})

	// Over-withheld by 777.500 (11.000.000 withheld): December refunds it on the slip.
	in.TaxYear = &TaxYear{GrossJanNov: 165_000_000, WithheldJanNov: 11_000_000, PensionYear: 2_850_000}
	s = compute(t, Manado(), in)
	check(t, s, want{tpp: 10_000_000, gross: 10_000_000, deductions: -777_500 + 120_000, net: 10_657_500, employer: 480_000,
		lines: map[string][]int64{"pph21": {-777_500}}})

	// Balangan grosses up: T = 322.500 + 15% × floor₁₀₀₀(T) (the 15% layer): iterating 0 → 322.500 →
	// 370.800 → 378.000 → 379.200 → 379.350 → 379.350. Check: gross 180.379.350, neto 171.529.350,
	// PKP 108.529.000, tax 3.000.000 + 7.279.350 = 10.279.350, less 9.900.000 = 379.350.
	in.TaxYear = &TaxYear{GrossJanNov: 165_000_000, WithheldJanNov: 9_900_000, PensionYear: 2_850_000}
	s = compute(t, Balangan2025(), in)
	check(t, s, want{tpp: 10_000_000, gross: 10_379_350, deductions: 499_350, net: 9_880_000, employer: 480_000,
		lines: map[string][]int64{"pph21_allowance": {379_350}, "pph21": {379_350}}})

	// Under gross-up an over-withheld year (11.000.000 withheld) pays no allowance and withholds
	// nothing; the 777.500 the region bore goes back to the region, shown but not paid out.
	in.TaxYear = &TaxYear{GrossJanNov: 165_000_000, WithheldJanNov: 11_000_000, PensionYear: 2_850_000}
	s = compute(t, Balangan2025(), in)
	check(t, s, want{tpp: 10_000_000, gross: 10_000_000, deductions: 120_000, net: 9_880_000, employer: 480_000,
		lines: map[string][]int64{"pph21_allowance": {0}, "pph21": {0}, "pph21_overpaid": {777_500}}})

	in.TaxYear = nil
	var fe FieldError
	if _, err := Compute(Manado(), in); !errors.As(err, &fe) || fe.Field != "tax_year" {
		t.Errorf("December without tax_year: %v", err)
	}
}

func TestBasicFromComponents(t *testing.T) {
	b, err := Components{BebanKerja: 3_000_000, PrestasiKerja: 2_000_000, KondisiKerja: 500_000, KelangkaanProfesi: 250_000}.Basic()
	if err != nil || b != 5_750_000 {
		t.Errorf("Basic = %d, %v; want 5.750.000", b, err)
	}
	var fe FieldError
	if _, err := (Components{KondisiKerja: -1}).Basic(); !errors.As(err, &fe) || fe.Field != "kondisi_kerja" {
		t.Errorf("negative component: %v", err)
	}
	if _, err := (Components{BebanKerja: MaxAmount, PrestasiKerja: 1}).Basic(); !errors.As(err, &fe) || fe.Field != "basic_tpp" {
		t.Errorf("sum over the bound: %v", err)
	}
}

func TestInputErrorsNameTheField(t *testing.T) {
	ok := Input{Month: july, Status: PNS, Predikat: appraisal.Baik, BasicTPP: 1_000_000,
		Attendance: Attendance{Days: presentDays(3)}, PTKP: "TK/0"}
	if _, err := Compute(Balangan2025(), ok); err != nil {
		t.Fatalf("valid input refused: %v", err)
	}
	for field, mutate := range map[string]func(*Input){
		"month":                           func(in *Input) { in.Month = Month{} },
		"status":                          func(in *Input) { in.Status = "honorer" },
		"predikat":                        func(in *Input) { in.Predikat = "luar_biasa" },
		"basic_tpp":                       func(in *Input) { in.BasicTPP = MaxAmount + 1 },
		"salary":                          func(in *Input) { in.Salary = -1 },
		"ptkp":                            func(in *Input) { in.PTKP = "K/4" },
		"attendance.days":                 func(in *Input) { in.Attendance.Days = nil },
		"attendance.days[1].day":          func(in *Input) { in.Attendance.Days[1].Day = 1 },
		"attendance.days[0].day":          func(in *Input) { in.Attendance.Days[0].Day = 32 },
		"attendance.days[2].kind":         func(in *Input) { in.Attendance.Days[2] = Day{Day: 3, Kind: DayAbsentUnexcused, LateMinutes: 5} },
		"attendance.days[0].late_minutes": func(in *Input) { in.Attendance.Days[0].LateMinutes = 1441 },
		"attendance.days[0].leave_type":   func(in *Input) { in.Attendance.Days[0] = Day{Day: 1, Kind: DayLeave} },
		"tax_year":                        func(in *Input) { in.TaxYear = &TaxYear{} },
		"plt.acting_basic_tpp":            func(in *Input) { in.Plt = &Plt{ActingBasicTPP: -5} },
		"leave.months":                    func(in *Input) { in.Leave = &Leave{Kind: LeaveCuti, Months: -1} },
	} {
		in := ok
		in.Attendance.Days = presentDays(3)
		mutate(&in)
		var fe FieldError
		if _, err := Compute(Balangan2025(), in); !errors.As(err, &fe) || fe.Field != field || fe.Message == "" {
			t.Errorf("%s: got %v", field, err)
		}
	}
	// A month before the policy took effect is refused.
	early := ok
	early.Month = MonthOf(2024, 12)
	if _, err := Compute(Balangan2025(), early); err == nil {
		t.Error("a month before effective_from was computed")
	}
}

func TestMulDivRoundsHalfUpAndRefusesOverflow(t *testing.T) {
	for _, c := range []struct{ a, b, c, want int64 }{
		{1, 5_000, 10_000, 1}, {1, 4_999, 10_000, 0}, {3, 1, 2, 2}, {5, 1, 2, 3}, {7, 1, 3, 2}, {8, 1, 3, 3},
		{MaxAmount, FullBP * FullBP, FullBP * FullBP, MaxAmount},
	} {
		if got, err := mulDiv(c.a, c.b, c.c); err != nil || got != c.want {
			t.Errorf("mulDiv(%d,%d,%d) = %d, %v; want %d", c.a, c.b, c.c, got, err, c.want)
		}
	}
	if _, err := mulDiv(1<<62, 1<<62, 1); !errors.Is(err, ErrOverflow) {
		t.Errorf("overflow: %v", err)
	}
	if _, err := add(1<<62, 1<<62); !errors.Is(err, ErrOverflow) {
		t.Errorf("add overflow: %v", err)
	}
}
