package pay

import (
	"fmt"
	"strings"
)

// How the policy's codes read in Bahasa Indonesia: the one table the slip's lines (Compute) and
// the policy page (web) both use, so a code never shows raw and never reads two ways.
var (
	dayLabels = map[DayKind]string{
		DayPresent: "hadir", DayAbsentExcused: "tidak masuk dengan keterangan", DayAbsentUnexcused: "tidak masuk tanpa keterangan",
		DayLeave: "cuti", DayNoRecord: "tidak ada catatan kehadiran",
	}
	eventLabels = map[Event]string{
		EventAbsentUnexcused: "tidak masuk tanpa keterangan", EventAbsentExcused: "tidak masuk dengan keterangan",
		EventLate: "terlambat", EventEarlyLeave: "pulang sebelum waktunya", EventNoRecord: "tidak ada catatan kehadiran",
		EventMissedAssembly: "tidak mengikuti apel",
	}
	leaveLabels = map[LeaveKind]string{
		LeaveCuti: "cuti", LeaveMPP: "masa persiapan pensiun", LeaveHukumanDisiplin: "menjalani hukuman disiplin",
		LeaveCLTN: "cuti di luar tanggungan negara",
	}
	baseLabels             = map[Base]string{BaseDisiplin: "pot disiplin", BaseTotal: "TPP"}
	contributionBaseLabels = map[ContributionBase]string{OnSalaryPlusTPP: "gaji dan TPP", OnTPP: "TPP"}
)

// label is the table's text for code, or the code itself quoted when the table lacks it (a
// policy stored by a newer version), so nothing is silently blank.
func label[K ~string](table map[K]string, code K) string {
	if s, ok := table[code]; ok {
		return s
	}
	return fmt.Sprintf("%q", string(code))
}

func (k DayKind) Label() string          { return label(dayLabels, k) }
func (e Event) Label() string            { return label(eventLabels, e) }
func (k LeaveKind) Label() string        { return label(leaveLabels, k) }
func (b Base) Label() string             { return label(baseLabels, b) }
func (b ContributionBase) Label() string { return label(contributionBaseLabels, b) }

// Label says how a Plt is paid ("TPP sendiri + 20% TPP jabatan yang dirangkap").
func (r PltRule) Label() string {
	switch r.Mode {
	case PltActingFull:
		return "100% TPP jabatan yang dirangkap"
	case PltOwnPlusShare:
		return "TPP sendiri + " + Percent(r.ShareBP) + " TPP jabatan yang dirangkap"
	case PltHigherOf:
		return "yang lebih besar dari 100% TPP jabatan yang dirangkap atau TPP sendiri + " + Percent(r.ShareBP)
	}
	return fmt.Sprintf("%q", string(r.Mode))
}

// Label names what a cut rule charges: the event, with its minutes for a timed one
// ("terlambat 31–60 menit", "pulang sebelum waktunya 91 menit atau lebih").
func (c CutRule) Label() string {
	s := c.Event.Label()
	if c.Event != EventLate && c.Event != EventEarlyLeave {
		return s
	}
	switch {
	case c.MaxMinutes == 0:
		return fmt.Sprintf("%s %d menit atau lebih", s, max(c.MinMinutes, 1))
	case c.MinMinutes == c.MaxMinutes:
		return fmt.Sprintf("%s %d menit", s, c.MinMinutes)
	}
	return fmt.Sprintf("%s %d–%d menit", s, max(c.MinMinutes, 1), c.MaxMinutes)
}

// Label names a long-leave rule's range of months ("cuti 2–6 bulan", "masa persiapan pensiun").
func (r LeaveRule) Label() string {
	s := r.Kind.Label()
	switch {
	case r.MinMonths == 0 && r.MaxMonths == 0:
		return s
	case r.MaxMonths == 0:
		return fmt.Sprintf("%s %d bulan atau lebih", s, r.MinMonths)
	case r.MinMonths == r.MaxMonths:
		return fmt.Sprintf("%s %d bulan", s, r.MinMonths)
	}
	return fmt.Sprintf("%s %d–%d bulan", s, r.MinMonths, r.MaxMonths)
}

// AccrualLabel says how the disiplin pot is earned over the month.
func (p Policy) AccrualLabel() string {
	if len(p.DisiplinAccruesOn) == 0 {
		return "utuh sebulan"
	}
	kinds := make([]string, len(p.DisiplinAccruesOn))
	for i, k := range p.DisiplinAccruesOn {
		kinds[i] = k.Label()
	}
	return "bertambah per hari kerja yang " + strings.Join(kinds, ", ")
}

// Percent writes basis points as a percentage the way people read it: 2500 → "25%", 125 →
// "1,25%", 250 → "2,5%".
func Percent(bp int64) string {
	if bp%100 == 0 {
		return fmt.Sprintf("%d%%", bp/100)
	}
	s := fmt.Sprintf("%d,%02d", bp/100, bp%100)
	if bp%10 == 0 {
		s = s[:len(s)-1]
	}
	return s + "%"
}
