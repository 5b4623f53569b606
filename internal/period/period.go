// Package period holds the evaluation periods inside a year (PermenPANRB 6/2022: periodic
// evaluation, quarterly in the official example, monthly in many regions because TPP is monthly)
// and the calendar of each: when its report opens, when the report and the rating are due, and
// when it closes unrated. Pure: workflows/ and the pages both read it.
package period

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kinerja/platform/internal/wib"
)

// Kind is a cycle's evaluation period, HR's choice per cycle.
type Kind string

const (
	Monthly   Kind = "monthly"
	Quarterly Kind = "quarterly"
	// Midyear is the single mid-year check-in (compressed rehearsal cycles, years started before
	// periods existed); stored as NULL.
	Midyear Kind = "midyear"
)

// ParseKind accepts the stored codes; "" is Midyear.
func ParseKind(s string) (Kind, error) {
	switch k := Kind(s); k {
	case Monthly, Quarterly, Midyear:
		return k, nil
	case "":
		return Midyear, nil
	}
	return "", fmt.Errorf("harus monthly (bulanan), quarterly (triwulanan) atau midyear (satu kali tengah tahun)")
}

// Periodic tells whether the year is rated period by period.
func (k Kind) Periodic() bool { return k == Monthly || k == Quarterly }

// Label is the name users read.
func (k Kind) Label() string {
	switch k {
	case Monthly:
		return "Bulanan"
	case Quarterly:
		return "Triwulanan"
	}
	return "Satu kali tengah tahun"
}

// Calendar is when a period's report opens and when its report and rating are due, HR's setting
// per cycle (migration 0032): no regulation fixes these days, regions set their own. Whole days.
type Calendar struct {
	// OpensDays: the report opens this many days before the period ends (its last working days).
	OpensDays int `json:"opens_days"`
	// ReportDays and RatingDays count from the period's end.
	ReportDays int `json:"report_days"`
	RatingDays int `json:"rating_days"`
}

// DefaultCalendar is the calendar of cycles that set none, and of years started before cycles
// had one (their workflow input carries no calendar).
var DefaultCalendar = Calendar{OpensDays: 3, ReportDays: 5, RatingDays: 10}

// Bounds of a calendar, in days. A period's rating must be due before the period closes (when the
// next period's report opens): a month after the shortest next month (28 days), a quarter after
// the shortest next quarter (90 days).
const (
	MaxOpensDays  = 14
	MaxReportDays = 30
	MaxRatingDays = 60
)

// CalendarFields name the calendar's settings as HR's input and the cycle JSON spell them.
const (
	FieldOpensDays  = "period_opens_days"
	FieldReportDays = "period_report_days"
	FieldRatingDays = "period_rating_days"
)

// FieldError is a calendar setting at fault, and why (Bahasa Indonesia).
type FieldError struct{ Field, Msg string }

func (e FieldError) Error() string { return e.Field + ": " + e.Msg }

// Check lists what is wrong with c for a cycle of kind k, each naming its field; none for a sane
// calendar. The single mid-year check-in has no periods, so only the bounds apply there.
func (c Calendar) Check(k Kind) []FieldError {
	var out []FieldError
	if c.OpensDays < 0 || c.OpensDays > MaxOpensDays {
		out = append(out, FieldError{FieldOpensDays, fmt.Sprintf("harus 0 sampai %d hari (bawaan %d): laporan dibuka sekian hari sebelum periode berakhir", MaxOpensDays, DefaultCalendar.OpensDays)})
	}
	if c.ReportDays < 1 || c.ReportDays > MaxReportDays {
		out = append(out, FieldError{FieldReportDays, fmt.Sprintf("harus 1 sampai %d hari (bawaan %d) setelah periode berakhir", MaxReportDays, DefaultCalendar.ReportDays)})
	}
	switch {
	case c.RatingDays < 1 || c.RatingDays > MaxRatingDays:
		out = append(out, FieldError{FieldRatingDays, fmt.Sprintf("harus 1 sampai %d hari (bawaan %d) setelah periode berakhir", MaxRatingDays, DefaultCalendar.RatingDays)})
	case c.RatingDays <= c.ReportDays:
		out = append(out, FieldError{FieldRatingDays, fmt.Sprintf("batas penilaian (%d hari) harus setelah batas laporan (%d hari): penilai perlu waktu setelah laporan masuk", c.RatingDays, c.ReportDays)})
	case k.Periodic() && len(out) == 0 && c.OpensDays+c.RatingDays >= shortestNext(k):
		out = append(out, FieldError{FieldRatingDays, fmt.Sprintf("dengan periode %s, batas penilaian ditambah hari pembukaan laporan (%d + %d) harus kurang dari %d hari: periode ditutup saat laporan periode berikutnya dibuka",
			strings.ToLower(k.Label()), c.RatingDays, c.OpensDays, shortestNext(k))})
	}
	return out
}

// shortestNext is the fewest days a period of kind k can last (February; the first quarter of a
// common year), the room a period's rating has before the next one's report opens.
func shortestNext(k Kind) int {
	if k == Quarterly {
		return 90
	}
	return 28
}

// Period is one evaluation period of a year: [Start, End) in WIB.
type Period struct {
	ID    string    `json:"id"` // "2027-03" or "2027-Q1"
	Kind  Kind      `json:"kind"`
	Start time.Time `json:"start"`
	End   time.Time `json:"end"` // exclusive: the first moment of the next period
}

// Of lists the periods of year in order; none for Midyear.
func Of(year int, k Kind) []Period {
	var out []Period
	switch k {
	case Monthly:
		for m := 1; m <= 12; m++ {
			out = append(out, month(year, m))
		}
	case Quarterly:
		for q := 1; q <= 4; q++ {
			out = append(out, quarter(year, q))
		}
	}
	return out
}

func month(year, m int) Period {
	start := time.Date(year, time.Month(m), 1, 0, 0, 0, 0, wib.Location)
	return Period{ID: fmt.Sprintf("%04d-%02d", year, m), Kind: Monthly, Start: start, End: start.AddDate(0, 1, 0)}
}

func quarter(year, q int) Period {
	start := time.Date(year, time.Month(3*(q-1)+1), 1, 0, 0, 0, 0, wib.Location)
	return Period{ID: fmt.Sprintf("%04d-Q%d", year, q), Kind: Quarterly, Start: start, End: start.AddDate(0, 3, 0)}
}

// Parse reads a period ID ("2027-03", "2027-Q1").
func Parse(id string) (Period, error) {
	bad := fmt.Errorf("periode %q tidak dikenal: gunakan TTTT-BB (bulan) atau TTTT-Qn (triwulan)", id)
	y, rest, ok := strings.Cut(id, "-")
	if !ok || len(y) != 4 {
		return Period{}, bad
	}
	year, err := strconv.Atoi(y)
	if err != nil || year < 2000 || year > 2100 {
		return Period{}, bad
	}
	if len(rest) == 2 && rest[0] == 'Q' {
		q := int(rest[1] - '0')
		if q < 1 || q > 4 {
			return Period{}, bad
		}
		return quarter(year, q), nil
	}
	m, err := strconv.Atoi(rest)
	if err != nil || len(rest) != 2 || m < 1 || m > 12 {
		return Period{}, bad
	}
	return month(year, m), nil
}

// Label is the period as officials write it: "Maret 2027", "Triwulan I 2027".
func (p Period) Label() string {
	if p.Kind == Quarterly {
		roman := [...]string{"I", "II", "III", "IV"}
		return fmt.Sprintf("Triwulan %s %d", roman[(int(p.Start.Month())-1)/3], p.Start.Year())
	}
	return wib.Month(p.Start.Month()) + " " + strconv.Itoa(p.Start.Year())
}

// Opens is when the employee may report the period's realisasi under calendar c.
func (p Period) Opens(c Calendar) time.Time { return p.End.AddDate(0, 0, -c.OpensDays) }

// ReportDue is when the realisasi report is due under calendar c.
func (p Period) ReportDue(c Calendar) time.Time { return p.End.AddDate(0, 0, c.ReportDays) }

// RatingDue is when the penilai's rating is due under calendar c.
func (p Period) RatingDue(c Calendar) time.Time { return p.End.AddDate(0, 0, c.RatingDays) }

// Closes is when the period stops waiting for its rating and stays unrated: when the next
// period's report opens, so at any moment at most one period of a year is open.
func (p Period) Closes(c Calendar) time.Time {
	next := p.End.AddDate(0, 3, 0)
	if p.Kind == Monthly {
		next = p.End.AddDate(0, 1, 0)
	}
	return next.AddDate(0, 0, -c.OpensDays)
}

// FirstDay and LastDay are the period's calendar dates (as period_results keeps them: a date
// without a zone).
func (p Period) FirstDay() time.Time {
	return time.Date(p.Start.Year(), p.Start.Month(), p.Start.Day(), 0, 0, 0, 0, time.UTC)
}

func (p Period) LastDay() time.Time {
	last := p.End.AddDate(0, 0, -1)
	return time.Date(last.Year(), last.Month(), last.Day(), 0, 0, 0, 0, time.UTC)
}

// Current is the period of year open at t under calendar c (Opens ≤ t < Closes), if any.
func Current(year int, k Kind, c Calendar, t time.Time) (Period, bool) {
	for _, p := range Of(year, k) {
		if !t.Before(p.Opens(c)) && t.Before(p.Closes(c)) {
			return p, true
		}
	}
	return Period{}, false
}

// OpenAt is the period of kind open at t under calendar c in t's year or, early in January, the
// year before.
func OpenAt(k Kind, c Calendar, t time.Time) (Period, bool) {
	t = t.In(wib.Location)
	if p, ok := Current(t.Year(), k, c, t); ok {
		return p, true
	}
	return Current(t.Year()-1, k, c, t)
}
