package pay

import (
	"fmt"
	"slices"
)

// DayKind is what the attendance record says about one working day.
type DayKind string

const (
	DayPresent         DayKind = "present"          // hadir (possibly late or early)
	DayAbsentExcused   DayKind = "absent_excused"   // tidak masuk dengan keterangan sah (izin, dinas luar, sakit dengan surat)
	DayAbsentUnexcused DayKind = "absent_unexcused" // tanpa keterangan: counts on the PP 94/2021 ladder
	DayLeave           DayKind = "leave"            // cuti, with its type
	DayNoRecord        DayKind = "no_record"        // no record at all (machine or person failed to log)
)

var (
	dayKinds   = []DayKind{DayPresent, DayAbsentExcused, DayAbsentUnexcused, DayLeave, DayNoRecord}
	leaveTypes = []string{"cuti_tahunan", "cuti_sakit", "cuti_besar", "cuti_melahirkan", "cuti_alasan_penting", "cltn"}
)

// Day is one working day's record. Only working days are listed; their count is the month's
// working days.
type Day struct {
	Day            int     `json:"day"` // day of the month
	Kind           DayKind `json:"kind"`
	LateMinutes    int     `json:"late_minutes,omitempty"`
	EarlyMinutes   int     `json:"early_minutes,omitempty"`
	LeaveType      string  `json:"leave_type,omitempty"`
	MissedAssembly bool    `json:"missed_assembly,omitempty"`
}

// Attendance is a month of working days.
type Attendance struct {
	Days []Day `json:"days"`
}

// Validate checks the records against month m.
func (a Attendance) Validate(m Month) error {
	if len(a.Days) > 31 {
		return fieldErr("attendance.days", "paling banyak 31 hari kerja")
	}
	seen := map[int]bool{}
	for i, d := range a.Days {
		f := func(n string) string { return fmt.Sprintf("attendance.days[%d].%s", i, n) }
		if d.Day < 1 || d.Day > m.Days() {
			return fieldErr(f("day"), "tanggal %d tidak ada di bulan %s", d.Day, m)
		}
		if seen[d.Day] {
			return fieldErr(f("day"), "tanggal %d tercatat dua kali", d.Day)
		}
		seen[d.Day] = true
		if !slices.Contains(dayKinds, d.Kind) {
			return fieldErr(f("kind"), "jenis kehadiran tidak dikenal: %q", d.Kind)
		}
		if d.Kind != DayPresent && (d.LateMinutes != 0 || d.EarlyMinutes != 0 || d.MissedAssembly) {
			return fieldErr(f("kind"), "terlambat, pulang cepat dan apel hanya dicatat pada hari hadir")
		}
		if d.LateMinutes < 0 || d.LateMinutes > maxMinutes {
			return fieldErr(f("late_minutes"), "harus antara 0 dan %d", maxMinutes)
		}
		if d.EarlyMinutes < 0 || d.EarlyMinutes > maxMinutes {
			return fieldErr(f("early_minutes"), "harus antara 0 dan %d", maxMinutes)
		}
		if (d.Kind == DayLeave) != (d.LeaveType != "") {
			return fieldErr(f("leave_type"), "jenis cuti wajib untuk hari cuti dan hanya untuk hari cuti")
		}
		if d.Kind == DayLeave && !slices.Contains(leaveTypes, d.LeaveType) {
			return fieldErr(f("leave_type"), "jenis cuti tidak dikenal: %q", d.LeaveType)
		}
	}
	return nil
}

// UnexcusedDays counts the month's days absent without reason, for the absence ladder.
func (a Attendance) UnexcusedDays() int {
	n := 0
	for _, d := range a.Days {
		if d.Kind == DayAbsentUnexcused {
			n++
		}
	}
	return n
}

// LongestUnexcusedRun is the longest run of consecutive working days absent without reason
// across the given months, in order (a run may cross a month's end): PP 94/2021 dismisses
// after 10. Days within a month are taken in date order.
func LongestUnexcusedRun(months ...Attendance) int {
	longest, run := 0, 0
	for _, a := range months {
		days := slices.Clone(a.Days)
		slices.SortFunc(days, func(x, y Day) int { return x.Day - y.Day })
		for _, d := range days {
			if d.Kind != DayAbsentUnexcused {
				run = 0
				continue
			}
			run++
			longest = max(longest, run)
		}
	}
	return longest
}
