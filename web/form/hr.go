package form

import (
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
)

// DateTimeLocal is the value of an <input type="datetime-local">, read as WIB.
const DateTimeLocal = "2006-01-02T15:04"

// DateTime reads a datetime-local field as WIB; text it cannot read is the zero time, which the
// application layer refuses naming the field ("wajib diisi").
func DateTime(s string) time.Time {
	t, err := time.ParseInLocation(DateTimeLocal, strings.TrimSpace(s), wib.Location)
	if err != nil {
		return time.Time{}
	}
	return t
}

// DateTimeValue writes t as a datetime-local field's value in WIB ("" for the zero time).
func DateTimeValue(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(wib.Location).Format(DateTimeLocal)
}

// whole reads a whole number; empty is 0 (the default), text it cannot read -1, which every
// bound of the application layer refuses naming the field.
func whole(s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// wholeOrDefault reads a whole number that may be left empty: nil then (the application
// layer's default); text it cannot read is -1, refused naming the field.
func wholeOrDefault(s string) *int {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	n := whole(s)
	return &n
}

// DeadlineField names a deadline's input, the same path the application layer's refusal uses.
func DeadlineField(name string) string { return "deadlines." + name }

// ParseCycle reads the new cycle form: year, name, one datetime-local per deadline and the
// three durations in days, and the period calendar in days (period.Field*).
func ParseCycle(v url.Values) hrinput.NewCycle {
	in := hrinput.NewCycle{Year: whole(v.Get("year")), Name: v.Get("name"), Deadlines: map[string]time.Time{},
		AppealWindowDays: whole(v.Get("appeal_window_days")), DecisionSLADays: whole(v.Get("decision_sla_days")),
		ReminderDays: whole(v.Get("reminder_days")), EvaluationPeriod: strings.TrimSpace(v.Get("evaluation_period"))}
	in.PeriodOpensDays = wholeOrDefault(v.Get(period.FieldOpensDays))
	in.PeriodReportDays = wholeOrDefault(v.Get(period.FieldReportDays))
	in.PeriodRatingDays = wholeOrDefault(v.Get(period.FieldRatingDays))
	if in.Year == -1 {
		in.Year = 0
	}
	for _, n := range store.DeadlineColumns {
		in.Deadlines[n] = DateTime(v.Get(DeadlineField(n)))
	}
	return in
}

// ParseDelegation reads the Plt/Plh form; its datetime-local times become RFC 3339 in WIB, and
// text that is no time is passed on as typed for the application layer to refuse.
func ParseDelegation(v url.Values) hrinput.NewDelegation {
	at := func(name string) string {
		s := strings.TrimSpace(v.Get(name))
		if t := DateTime(s); !t.IsZero() {
			return t.Format(time.RFC3339)
		}
		return s
	}
	return hrinput.NewDelegation{PrincipalNIP: v.Get("principal_nip"), DelegateNIP: v.Get("delegate_nip"),
		Kind: v.Get("kind"), StartsAt: at("starts_at"), EndsAt: at("ends_at"), Reason: v.Get("reason")}
}
