package pay

import (
	"errors"
	"testing"
	"time"
)

func bounded(v int64, limit int64) int64 { return int64(uint64(v) % uint64(limit+1)) }

// FuzzCompute feeds Compute every bounded input shape: it never panics, never errs on valid
// input, its lines add up to its totals, TPP stays between 0 and the month's basis, and the net
// is never negative unless the policy allows it.
func FuzzCompute(f *testing.F) {
	f.Add(uint8(0), int64(10_000_000), int64(5_000_000), int64(-1), uint8(1), uint8(0), []byte{0, 0, 0, 0, 2, 0}, uint8(7), false, uint8(0), uint8(4), int64(0), int64(0), int64(0), int64(0), uint8(0))
	f.Add(uint8(1), int64(10_000_000), int64(4_000_000), int64(8_000_000), uint8(2), uint8(1), []byte{0, 20, 0, 45, 3, 0, 1, 70}, uint8(12), true, uint8(0), uint8(0), int64(165_000_000), int64(9_900_000), int64(2_850_000), int64(100_000), uint8(1))
	f.Add(uint8(2), int64(8_000_000), int64(4_500_000), int64(-1), uint8(0), uint8(2), []byte{4, 0, 0, 15, 5, 0}, uint8(3), false, uint8(3), uint8(7), int64(0), int64(0), int64(0), int64(0), uint8(2))
	f.Add(uint8(0), int64(0), int64(MaxAmount), int64(-1), uint8(5), uint8(1), []byte{}, uint8(12), true, uint8(9), uint8(3), int64(12*MaxAmount), int64(0), int64(0), int64(MaxAmount), uint8(3))
	f.Fuzz(func(t *testing.T, region uint8, basic, salary, acting int64, pred, status uint8, raw []byte, month uint8,
		ladder bool, leave, ptkp uint8, ytdGross, ytdWithheld, pension, salaryPPh int64, tweak uint8) {
		p := []Policy{Balangan2025(), Manado(), TulangBawang()}[region%3]
		p.PPh21.GrossUp = p.PPh21.GrossUp != (tweak&1 == 1)
		p.AllowNegativeNet = tweak&2 == 2
		m := MonthOf(2025, time.Month(month%12+1))
		in := Input{
			Month: m, Status: statuses[status%3], BasicTPP: bounded(basic, MaxAmount), Salary: bounded(salary, MaxAmount),
			SalaryPPh21: bounded(salaryPPh, MaxAmount), LadderCut: ladder, PTKP: ptkps[ptkp%8],
		}
		if pred%6 < 5 {
			in.Predikat = predikats[pred%6]
		}
		if acting >= 0 {
			in.Plt = &Plt{ActingBasicTPP: bounded(acting, MaxAmount)}
		}
		if leave%4 == 3 {
			in.Leave = &Leave{Kind: leaveKinds[int(leave/4)%4], Months: int(leave / 16)}
		}
		for i := 0; i+1 < len(raw) && len(in.Attendance.Days) < m.Days(); i += 2 {
			d := Day{Day: len(in.Attendance.Days) + 1, Kind: dayKinds[raw[i]%5]}
			switch d.Kind {
			case DayPresent:
				minutes := int(raw[i+1]) % 241 * 6 // 0..1440
				if raw[i]&8 == 0 {
					d.LateMinutes = minutes
				} else {
					d.EarlyMinutes = minutes
				}
				d.MissedAssembly = raw[i]&16 == 16
			case DayLeave:
				d.LeaveType = leaveTypes[int(raw[i+1])%len(leaveTypes)]
			}
			in.Attendance.Days = append(in.Attendance.Days, d)
		}
		if len(in.Attendance.Days) == 0 && in.Leave == nil {
			in.Attendance.Days = presentDays(1)
		}
		if m.Month == 12 {
			in.TaxYear = &TaxYear{GrossJanNov: bounded(ytdGross, 12*MaxAmount), WithheldJanNov: bounded(ytdWithheld, 12*MaxAmount), PensionYear: bounded(pension, 12*MaxAmount)}
		}

		s, err := Compute(p, in)
		var fe FieldError
		if in.Leave != nil && errors.As(err, &fe) && fe.Field == "leave" {
			if _, ok := p.leaveRule(in.Leave.Kind, in.Leave.Months); ok {
				t.Fatalf("leave covered by the policy refused: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid input refused: %v\n%+v", err, in)
		}
		checkSums(t, s)
		var basis int64
		for _, l := range s.Lines {
			if l.Group == GroupBasis {
				basis += l.Amount
			}
			if (l.Code == "cut" || l.Code == "accrual" || l.Code == "ladder") && l.Amount > 0 {
				t.Errorf("a cut adds money: %+v", l)
			}
		}
		if s.TPP < 0 || s.TPP > basis {
			t.Errorf("TPP %d outside [0, basis %d]", s.TPP, basis)
		}
		if s.Net < 0 && !p.AllowNegativeNet {
			t.Errorf("net %d below zero under a policy that forbids it", s.Net)
		}
		if s.PolicyID != p.ID {
			t.Errorf("slip policy %q, want %q", s.PolicyID, p.ID)
		}
	})
}
