package period

import (
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
	for _, ps := range [][]Period{m, q} {
		for i := 1; i < len(ps); i++ {
			if !ps[i-1].Closes().Equal(ps[i].Opens()) {
				t.Errorf("%s closes %v, %s opens %v", ps[i-1].ID, ps[i-1].Closes(), ps[i].ID, ps[i].Opens())
			}
			if !ps[i-1].RatingDue().Before(ps[i-1].Closes()) || !ps[i-1].ReportDue().Before(ps[i-1].RatingDue()) {
				t.Errorf("%s: dates out of order", ps[i-1].ID)
			}
		}
	}
	if d := q[0].LastDay(); d != time.Date(2027, 3, 31, 0, 0, 0, 0, time.UTC) {
		t.Errorf("Q1 last day %v", d)
	}
	if p, ok := Current(2027, Monthly, time.Date(2027, 3, 15, 0, 0, 0, 0, wib.Location)); !ok || p.ID != "2027-02" {
		t.Errorf("mid-March the open period is February's: %v %v", p.ID, ok)
	}
	if _, ok := Current(2027, Monthly, time.Date(2027, 1, 10, 0, 0, 0, 0, wib.Location)); ok {
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
	if p, ok := OpenAt(Monthly, time.Date(2028, 1, 10, 0, 0, 0, 0, wib.Location)); !ok || p.ID != "2027-12" {
		t.Errorf("early January: %v %v", p.ID, ok)
	}
	if p, ok := OpenAt(Quarterly, time.Date(2028, 5, 10, 0, 0, 0, 0, wib.Location)); !ok || p.ID != "2028-Q1" {
		t.Errorf("May, quarterly: %v %v", p.ID, ok)
	}
}
