package form

import (
	"net/url"
	"testing"
	"time"
)

func TestParseCycleReadsWIBAndMarksWhatItCannotRead(t *testing.T) {
	in := ParseCycle(url.Values{"year": {"2027"}, "name": {"Penilaian 2027"}, "deadlines.plan_due": {"2027-01-31T23:59"},
		"deadlines.dialog_due": {"31/01/2027"}, "appeal_window_days": {"x"}, "reminder_days": {" 5 "}})
	if in.Year != 2027 || in.Name != "Penilaian 2027" {
		t.Errorf("year and name: %+v", in)
	}
	if got := in.Deadlines["plan_due"]; !got.Equal(time.Date(2027, 1, 31, 16, 59, 0, 0, time.UTC)) {
		t.Errorf("plan_due %v, want 23.59 WIB", got)
	}
	if !in.Deadlines["dialog_due"].IsZero() || !in.Deadlines["followup_due"].IsZero() {
		t.Errorf("unreadable and missing dates must be zero (refused as wajib diisi): %v", in.Deadlines)
	}
	if in.AppealWindowDays != -1 || in.DecisionSLADays != 0 || in.ReminderDays != 5 {
		t.Errorf("days: %d %d %d, want -1 (refused), 0 (default), 5", in.AppealWindowDays, in.DecisionSLADays, in.ReminderDays)
	}
	if got := DateTimeValue(in.Deadlines["plan_due"]); got != "2027-01-31T23:59" {
		t.Errorf("the value written back: %q", got)
	}
}

func TestParseDelegationTimes(t *testing.T) {
	in := ParseDelegation(url.Values{"starts_at": {"2026-12-01T08:00"}, "ends_at": {"besok"}})
	if in.StartsAt != "2026-12-01T08:00:00+07:00" || in.EndsAt != "besok" {
		t.Errorf("times: %q %q", in.StartsAt, in.EndsAt)
	}
}
