package web

import (
	"html/template"
	"strconv"
	"strings"
	"time"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

var funcs = template.FuncMap{
	"tanggal":     tanggal,
	"rupiah":      pay.Rupiah,
	"fase":        phaseLabel,
	"skp":         planStateLabel,
	"inc":         func(i int) int { return i + 1 },
	"kolom":       form.Field,
	"dict":        dict,
	"label":       label,
	"tanggalHari": dayText,
	"bulanKe":     isoMonthText,
	"desimal":     func(s string) string { return strings.Replace(s, ".", ",", 1) }, // "4.25" → "4,25"
}

// dayText writes a calendar day ("2027-03-15") as "15 Maret 2027"; anything else as it is.
func dayText(s string) string {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return strconv.Itoa(d.Day()) + " " + wib.Month(d.Month()) + " " + strconv.Itoa(d.Year())
}

// isoMonthText writes a month ("2027-03") as "Maret 2027"; anything else as it is.
func isoMonthText(s string) string {
	var m pay.Month
	if m.UnmarshalText([]byte(s)) != nil {
		return s
	}
	return m.Label()
}

// label is an option's label: label "utama" kinds → "Utama".
func label(value string, opts []option) string {
	for _, o := range opts {
		if o.Value == value {
			return o.Label
		}
	}
	return value
}

// dict passes several values to a sub-template: dict "Name" x "Label" y.
func dict(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i+1 < len(kv); i += 2 {
		k, _ := kv[i].(string)
		m[k] = kv[i+1]
	}
	return m
}

func itoa(i int64) string { return strconv.FormatInt(i, 10) }

// tanggal writes a moment in WIB as officials read it ("31 Januari 2026 pukul 23.59 WIB").
func tanggal(t any) string {
	switch t := t.(type) {
	case time.Time:
		return wib.Format(t)
	case *time.Time:
		if t != nil {
			return wib.Format(*t)
		}
	}
	return "—"
}

// phases are the phases of a year in their order, with their names on the pages.
// Due is the cycle date that ends the phase, when one does.
var phases = []struct {
	Phase workflows.Phase
	Label string
	Due   workflows.DeadlineName
}{
	{workflows.PhasePlanning, "Perencanaan SKP", workflows.DeadlinePlan},
	{workflows.PhaseExecution, "Pelaksanaan", workflows.DeadlineMonitoringStart},
	{workflows.PhaseMonitoring, "Pemantauan", workflows.DeadlineMonitoring},
	{workflows.PhaseEvaluation, "Penilaian", workflows.DeadlineEvaluation},
	{workflows.PhaseDialog, "Dialog kinerja", workflows.DeadlineDialog},
	{workflows.PhaseAppeal, "Keberatan", ""},
	{workflows.PhaseFollowUp, "Tindak lanjut", workflows.DeadlineFollowUp},
	{workflows.PhaseDone, "Selesai", ""},
}

func phaseLabel(p string) string {
	if workflows.Phase(p) == workflows.PhaseClosed {
		return "Ditutup"
	}
	for _, ph := range phases {
		if string(ph.Phase) == p {
			return ph.Label
		}
	}
	return p
}

func planStateLabel(s string) string {
	switch s {
	case "", "none":
		return "belum diajukan"
	case "submitted":
		return "menunggu persetujuan pejabat penilai"
	case "returned":
		return "dikembalikan untuk diperbaiki"
	case "approved":
		return "disetujui"
	}
	return s
}
