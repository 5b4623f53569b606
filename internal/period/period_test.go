package period

import (
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/wib"
)

func TestPeriodsOfAYear(t *testing.T) {
	m := Of(2027, Monthly)
	if len(m) != 12 || m[0].ID != "2027-01" || m[11].ID != "2027-12" || m[2].Label() != "Maret 2027" {
		t.Fatalf("monthly: %v", m)
	}
	q := Of(2027, Quarterly)
	if len(q) != 4 || q[0].ID != "2027-Q1" || q[3].Label() != "Triwulan IV 2027" || !q[1].Start.Equal(time.Date(2027, 4, 1, 0, 0, 0, 0, wib.Location)) {
		t.Fatalf("quarterly: %v", q)
	}
	if len(Of(2027, Midyear)) != 0 {
		t.Fatal("midyear has no periods")
	}
	// Windows tile the year: each period closes when the next opens.
	c := DefaultCalendar
	for _, ps := range [][]Period{m, q} {
		for i := 1; i < len(ps); i++ {
			if !ps[i-1].Closes(c).Equal(ps[i].Opens(c)) {
				t.Errorf("%s closes %v, %s opens %v", ps[i-1].ID, ps[i-1].Closes(c), ps[i].ID, ps[i].Opens(c))
			}
			if !ps[i-1].RatingDue(c).Before(ps[i-1].Closes(c)) || !ps[i-1].ReportDue(c).Before(ps[i-1].RatingDue(c)) {
				t.Errorf("%s: dates out of order", ps[i-1].ID)
			}
		}
	}
	if d := q[0].LastDay(); d != time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC) {
		t.Errorf("Q1 last day %v", d)
	}
	if p, ok := Current(2027, Monthly, c, time.Date(2027, 3, 15, 0, 0, 0, 0, wib.Location)); !ok || p.ID != "2027-02" {
		t.Errorf("mid-March the open period is February's: %v %v", p.ID, ok)
	}
	if _, ok := Current(2027, Monthly, c, time.Date(2027, 1, 10, 0, 0, 0, 0, wib.Location)); ok {
		t.Error("early January no period of 2027 is open")
	}
}

func TestParse(t *testing.T) {
	for _, id := range []string{"2027-03", "2027-Q4", "2027-12"} {
		if p, err := Parse(id); err != nil || p.ID != id {
			t.Errorf("%s: %v %v", id, p, err)
		}
	}
	for _, id := range []string{"2027-13", "2027-Q5", "2027-3", "27-03", "midyear", "2027-Q", ""} {
		if _, err := Parse(id); err == nil {
			t.Errorf("%q: want an error", id)
		}
	}
	for s, want := range map[string]Kind{"": Midyear, "monthly": Monthly, "quarterly": Quarterly} {
		if k, err := ParseKind(s); err != nil || k != want {
			t.Errorf("kind %q: %v %v", s, k, err)
		}
	}
	if _, err := ParseKind("weekly"); err == nil {
		t.Error("weekly: want an error")
	}
}

func TestOpenAt(t *testing.T) {
	if p, ok := OpenAt(Monthly, DefaultCalendar, time.Date(2028, 1, 10, 0, 0, 0, 0, wib.Location)); !ok || p.ID != "2027-12" {
		t.Errorf("early January: %v %v", p.ID, ok)
	}
	if p, ok := OpenAt(Quarterly, DefaultCalendar, time.Date(2028, 5, 10, 0, 0, 0, 0, wib.Location)); !ok || p.ID != "2028-Q1" {
		t.Errorf("May, quarterly: %v %v", p.ID, ok)
	}
}

// The default calendar is the one fixed in code before cycles had their own: the report opens 3
// days before the period ends, is due 5 days after, the rating 10 days after.
func TestDefaultCalendarUnchanged(t *testing.T) {
	p, _ := Parse("2027-03")
	c := DefaultCalendar
	at := func(mo time.Month, d int) time.Time { return time.Date(2027, mo, d, 0, 0, 0, 0, wib.Location) }
	for name, got := range map[string][2]time.Time{
		"opens":      {p.Opens(c), at(time.March, 29)},
		"report due": {p.ReportDue(c), at(time.April, 6)},
		"rating due": {p.RatingDue(c), at(time.April, 11)},
		"closes":     {p.Closes(c), at(time.April, 28)},
	} {
		if !got[0].Equal(got[1]) {
			t.Errorf("%s: %v, want %v", name, got[0], got[1])
		}
	}
	if errs := c.Check(Monthly); len(errs) != 0 {
		t.Errorf("the default calendar must pass its own check: %v", errs)
	}
}

func TestCalendarMovesEveryDate(t *testing.T) {
	p, _ := Parse("2027-Q2")
	c := Calendar{OpensDays: 7, ReportDays: 10, RatingDays: 20}
	at := func(mo time.Month, d int) time.Time { return time.Date(2027, mo, d, 0, 0, 0, 0, wib.Location) }
	if !p.Opens(c).Equal(at(time.June, 24)) || !p.ReportDue(c).Equal(at(time.July, 11)) ||
		!p.RatingDue(c).Equal(at(time.July, 21)) || !p.Closes(c).Equal(at(time.September, 24)) {
		t.Errorf("Q2 under %+v: opens %v, report %v, rating %v, closes %v", c, p.Opens(c), p.ReportDue(c), p.RatingDue(c), p.Closes(c))
	}
	// A period opens under the cycle's calendar: 24 June is Q2's window with 7 days, not with 3.
	if got, ok := Current(2027, Quarterly, c, at(time.June, 25)); !ok || got.ID != "2027-Q2" {
		t.Errorf("25 June, 7 days: %v %v", got.ID, ok)
	}
	if got, ok := Current(2027, Quarterly, DefaultCalendar, at(time.June, 25)); !ok || got.ID != "2027-Q1" {
		t.Errorf("25 June, default: %v %v", got.ID, ok)
	}
}

func TestCalendarCheck(t *testing.T) {
	fields := func(errs []FieldError) (out []string) {
		for _, e := range errs {
			out = append(out, e.Field)
		}
		return out
	}
	for _, tc := range []struct {
		c    Calendar
		k    Kind
		want []string
	}{
		{Calendar{0, 1, 2}, Monthly, nil},
		{Calendar{14, 13, 13}, Monthly, []string{FieldRatingDays}}, // rating not after report
		{Calendar{10, 10, 18}, Monthly, []string{FieldRatingDays}}, // 28 days: would outlive February
		{Calendar{10, 10, 18}, Quarterly, nil},                     // a quarter has room
		{Calendar{-1, 0, 61}, Midyear, []string{FieldOpensDays, FieldReportDays, FieldRatingDays}},
		{Calendar{15, 31, 9}, Quarterly, []string{FieldOpensDays, FieldReportDays, FieldRatingDays}},
	} {
		if got := fields(tc.c.Check(tc.k)); strings.Join(got, ",") != strings.Join(tc.want, ",") {
			t.Errorf("%+v %s: fields %v, want %v (%v)", tc.c, tc.k, got, tc.want, tc.c.Check(tc.k))
		}
	}
	// Every calendar the check lets through keeps the windows tiled and the rating due before the
	// period closes, in every month of a leap and a common year.
	for _, k := range []Kind{Monthly, Quarterly} {
		for o := 0; o <= MaxOpensDays; o++ {
			for r := 1; r <= MaxReportDays; r++ {
				for g := r + 1; g <= MaxRatingDays; g++ {
					c := Calendar{o, r, g}
					if len(c.Check(k)) != 0 {
						continue
					}
					for _, y := range []int{2027, 2028} {
						for _, p := range Of(y, k) {
							if !p.RatingDue(c).Before(p.Closes(c)) || !p.Opens(c).After(p.Start) {
								t.Fatalf("%+v %s: %s rating due %v, closes %v", c, k, p.ID, p.RatingDue(c), p.Closes(c))
							}
						}
					}
				}
			}
		}
	}
}
