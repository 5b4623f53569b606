package workflows

import (
	"strings"
	"time"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/wib"
)

// mutasiChangeID: a periodic year may take HR's mutasi (UpdateMutasi): at its date the approved SKP
// closes, the year moves to the new supervisors and a new SKP is drafted for the new position.
// Years started before never take it (they keep UpdateReassign).
const (
	mutasiChangeID                  = "mutasi-new-skp"
	versionMutasi  workflow.Version = 1
)

// mutasiCheckedChangeID: from this version a run's validators also require the mutasi's
// position_id and refuse a reassignment while a recorded mutasi waits for its date. Validators
// run again when a history is replayed, so runs started before keep the checks they had.
const (
	mutasiCheckedChangeID                  = "mutasi-position-pending"
	versionMutasiChecked  workflow.Version = 1
)

// deadlineMutasiPlan is when the new SKP is due after a mutasi; never a cycle date HR moves.
const deadlineMutasiPlan DeadlineName = "mutasi_plan_due"

// MutasiPlanTime is how long the employee and the new penilai have, from the mutasi's date, to
// draft and approve the new SKP (as at the start of a year: one month).
const MutasiPlanTime = 30 * 24 * time.Hour

const maxMutasiText = 200

// MutasiState is a recorded mutasi as the year keeps it across continue-as-new.
type MutasiState struct {
	Date       time.Time `json:"date"` // effective: 00:00 WIB of the day the new position starts
	PositionID string    `json:"position_id,omitempty"`
	Position   string    `json:"position"`
	Unit       string    `json:"unit,omitempty"`
	From       Person    `json:"from_penilai"`
	FromAtas   Person    `json:"from_atasan"`
	To         Person    `json:"to_penilai"`
	ToAtas     Person    `json:"to_atasan"`
	// OldPlan is the SKP that closes at Date: periods that start before Date are reported and
	// rated against it, by From.
	OldPlan        skp.Plan  `json:"old_plan"`
	OldPlanVersion int       `json:"old_plan_version"`
	Applied        bool      `json:"applied"` // Date came: supervisors moved, the new SKP is being drafted
	PlanDue        time.Time `json:"plan_due"`
}

// ParseMutasiDate reads an effective date "YYYY-MM-DD" as 00:00 WIB of that day.
func ParseMutasiDate(s string) (time.Time, error) {
	return time.ParseInLocation("2006-01-02", strings.TrimSpace(s), wib.Location)
}

// oldPeriod tells whether a period belongs to the SKP a mutasi closed: it started before the
// mutasi's date. A period straddling the date is therefore rated whole against the old SKP by the
// old penilai (the new SKP does not exist yet when that period is reported).
func (c *cycle) oldPeriod(p period.Period) bool {
	return c.mutasi != nil && p.Start.Before(c.mutasi.Date)
}

// oldPeriodPending: the period open or next to open started before the mutasi and is not rated yet.
func (c *cycle) oldPeriodPending() bool {
	all := period.Of(c.in.Year, c.kind)
	n := len(c.periodResults)
	if n >= len(all) || !c.oldPeriod(all[n]) {
		return false
	}
	return c.open == nil || c.open.p.ID != all[n].ID || !c.open.rated
}

// periodPlan is the SKP a period is reported and rated against.
func (c *cycle) periodPlan(p period.Period) skp.Plan {
	if c.oldPeriod(p) {
		return c.mutasi.OldPlan
	}
	return c.plan
}

// periodPenilai is who rates a period: the penilai of that time.
func (c *cycle) periodPenilai(p period.Period) Person {
	if c.oldPeriod(p) {
		return c.mutasi.From
	}
	return c.in.Penilai
}

// draftingAfterMutasi: the mutasi's date came and the new SKP is not approved yet.
func (c *cycle) draftingAfterMutasi() bool {
	return c.mutasi != nil && c.mutasi.Applied && c.planState != planApproved
}

// planDue is the date drafting and approval of the SKP under way is due by.
func (c *cycle) planDue() DeadlineName {
	if c.draftingAfterMutasi() {
		return deadlineMutasiPlan
	}
	return DeadlinePlan
}

// checkPeriodPlan refuses a report or rating of a period after a mutasi while its SKP is not approved.
func (c *cycle) checkPeriodPlan(p period.Period) error {
	if !c.oldPeriod(p) && c.mutasi != nil && c.planState != planApproved {
		return reject(ErrWrongPhase, "SKP untuk jabatan %s belum disetujui pejabat penilai; %s dilaporkan dan dinilai terhadap SKP baru itu",
			c.mutasi.Position, p.Label())
	}
	return nil
}

func (c *cycle) validateMutasi(in MutasiInput) error {
	if err := c.checkRequest(in.Request, activities.RoleHR, ""); err != nil {
		return err
	}
	if !c.mutasiOK || !c.periodic {
		return reject(ErrWrongPhase, "mutasi dengan SKP baru berlaku untuk tahun kinerja yang dinilai per periode (bulanan atau triwulanan) dan dimulai setelah fitur ini tersedia; gunakan pembaruan pejabat penilai")
	}
	if c.phase == PhasePlanning || c.planState != planApproved {
		return reject(ErrWrongPhase, "SKP tahun ini belum disetujui; setelah mutasi cukup perbarui pejabat penilai (reassign-supervisors)")
	}
	all := period.Of(c.in.Year, c.kind)
	if c.mutasi != nil && !(c.mutasi.Applied && c.planState == planApproved) {
		return reject(ErrWrongPhase, "mutasi per %s belum selesai: SKP untuk jabatan %s belum disetujui", wib.Format(c.mutasi.Date), c.mutasi.Position)
	}
	if n := len(c.periodResults); c.mutasi != nil && n < len(all) && c.oldPeriod(all[n]) {
		// The year keeps one former penilai: a second mutasi waits until the first one's periods are rated.
		return reject(ErrWrongPhase, "%s masih dinilai pejabat penilai sebelum mutasi per %s; catat mutasi berikutnya setelah periode itu selesai",
			all[n].Label(), wib.Format(c.mutasi.Date))
	}
	if c.phase != PhaseExecution && c.phase != PhaseMonitoring {
		return reject(ErrWrongPhase, "mutasi dicatat selama periode penilaian berjalan; tahun ini sudah pada tahap %s", c.phase)
	}
	d, err := ParseMutasiDate(in.EffectiveDate)
	if err != nil {
		return reject(ErrInvalid, "effective_date: tanggal berlaku mutasi wajib diisi dengan format TTTT-BB-HH (contoh 2026-05-01)")
	}
	earliest := time.Time{}
	switch {
	case c.open != nil:
		earliest = c.open.p.Start.Add(24 * time.Hour) // the open period keeps its penilai: the date falls after its first day
	case len(c.periodResults) < len(all): // the next period to open (periods() counts it as taken already)
		earliest = all[len(c.periodResults)].Start
	default:
		return reject(ErrWrongPhase, "semua periode penilaian tahun ini sudah berjalan")
	}
	last := all[len(all)-1]
	if d.Before(earliest) {
		return reject(ErrInvalid, "effective_date: paling awal %s; periode sebelumnya sudah berjalan dengan SKP dan pejabat penilai lama", wib.Format(earliest))
	}
	if !d.Before(last.Start) {
		return reject(ErrInvalid, "effective_date: harus sebelum %s agar masih ada periode untuk SKP baru", wib.Format(last.Start))
	}
	if c.mutasiChecked && strings.TrimSpace(in.PositionID) == "" {
		return reject(ErrInvalid, "position_id: jabatan baru wajib dipilih dari data jabatan organisasi")
	}
	if strings.TrimSpace(in.Position) == "" { // the API names the position it found
		return reject(ErrInvalid, "position_id: jabatan baru wajib dipilih dari data jabatan organisasi")
	}
	if utf8.RuneCountInString(in.Position) > maxMutasiText || utf8.RuneCountInString(in.PositionID) > maxMutasiText {
		return reject(ErrInvalid, "position_id: nama jabatan paling banyak %d karakter", maxMutasiText)
	}
	if utf8.RuneCountInString(in.Unit) > maxMutasiText {
		return reject(ErrInvalid, "unit: paling banyak %d karakter", maxMutasiText)
	}
	return c.checkSupervisors(in.ReassignInput)
}

// pendingMutasi refuses a change of supervisors while a recorded mutasi has not reached its date:
// the mutasi moves the year at that date to the supervisors it names, and the periods before it
// stay with the penilai it recorded; a reassignment in between would be overwritten or split them.
func (c *cycle) pendingMutasi() error {
	if m := c.mutasi; c.mutasiChecked && m != nil && !m.Applied {
		return reject(ErrWrongPhase, "mutasi tercatat berlaku %s ke jabatan %s: pejabat penilai berpindah ke %s pada tanggal itu; perbarui pejabat penilai setelah tanggal berlaku",
			wib.Format(m.Date), m.Position, m.To.Name)
	}
	return nil
}

// recordMutasi keeps HR's mutasi and waits, beside the periods, for its date.
func (c *cycle) recordMutasi(ctx workflow.Context, in MutasiInput) (Status, error) {
	before := c.begin(in.Request)
	d, _ := ParseMutasiDate(in.EffectiveDate) // validated
	c.mutasi = &MutasiState{Date: d, PositionID: strings.TrimSpace(in.PositionID), Position: strings.TrimSpace(in.Position), Unit: strings.TrimSpace(in.Unit),
		From: c.in.Penilai, FromAtas: c.in.Atasan, To: in.Penilai, ToAtas: in.Atasan,
		OldPlan: c.plan, OldPlanVersion: c.planVersion, PlanDue: d.Add(MutasiPlanTime)}
	c.deadlines[deadlineMutasiPlan] = c.mutasi.PlanDue
	st, err := c.done(ctx, before, in.Request, "mutasi.recorded", activities.Record{Mutasi: c.mutasiRecord()}, nil)
	workflow.Go(ctx, c.runMutasi)
	return st, err
}

func (c *cycle) mutasiRecord() *activities.Mutasi {
	m := c.mutasi
	return &activities.Mutasi{EffectiveAt: m.Date, PositionID: m.PositionID, Position: m.Position, Unit: m.Unit, FromPenilai: m.From.NIP,
		ToPenilai: m.To.NIP, FromAtasan: m.FromAtas.NIP, ToAtasan: m.ToAtas.NIP, ClosesPlanVersion: m.OldPlanVersion}
}

// runMutasi, at the mutasi's date, closes the old SKP, moves the year to the new supervisors and
// opens the drafting of the new SKP; then waits for its approval as planning does (reminder, then
// escalation to the new atasan and HR). A run continuing as new starts it again from its state.
func (c *cycle) runMutasi(ctx workflow.Context) {
	m := c.mutasi
	if c.sleepUntilTime(ctx, m.Date); c.closed {
		return
	}
	if !m.Applied {
		m.Applied = true
		c.in.Penilai, c.in.Atasan = m.To, m.ToAtas
		c.plan, c.planState = skp.Plan{}, planNone
		rec := c.mutasiRecord()
		rec.Applied = true
		if !c.oldPeriodPending() {
			rec.FromPenilai = "" // nothing left for the former penilai: the API need not let them in
		}
		c.apply(ctx, step{key: "mutasi-applied-" + m.Date.Format("20060102"), action: "mutasi.applied",
			record: activities.Record{Mutasi: rec},
			open: []activities.TaskSpec{c.task(TaskDraftPlan, activities.RolePegawai, c.in.Employee.NIP,
				"Susun dan ajukan SKP untuk jabatan "+m.Position, deadlineMutasiPlan)},
			notices: []activities.Notice{{Kind: "info", Role: activities.RolePegawai, NIP: c.in.Employee.NIP,
				Title: "SKP lama ditutup per " + wib.Format(m.Date) + " karena mutasi ke " + m.Position}}})
	}
	emp := c.in.Employee
	c.waitFor(ctx, deadlineMutasiPlan, func() bool { return c.planState == planApproved },
		func() (string, string, string) {
			if c.planState == planSubmitted {
				return activities.RolePenilai, c.in.Penilai.NIP, "Setujui atau kembalikan SKP " + emp.Name
			}
			return activities.RolePegawai, emp.NIP, "Ajukan SKP untuk jabatan " + m.Position
		},
		TaskPlanOverdue, "SKP baru "+emp.Name+" setelah mutasi belum ditetapkan melewati batas waktu", nil)
}
