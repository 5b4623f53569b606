package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
)

// deadlineLabels name a cycle's deadlines as HR reads them, in the cycle's order.
var deadlineLabels = []option{
	{"plan_due", "Batas penyusunan dan persetujuan SKP"},
	{"monitoring_start", "Mulai pemantauan kinerja"},
	{"monitoring_due", "Batas pemantauan (laporan dan umpan balik)"},
	{"evaluation_start", "Mulai penilaian kinerja"},
	{"evaluation_due", "Batas penilaian kinerja"},
	{"dialog_due", "Batas dialog kinerja"},
	{"followup_due", "Batas tindak lanjut"},
}

func dateTimeValue(t time.Time) string { return form.DateTimeValue(t) }

// durationText writes a cycle's duration in days, or as it is for a rehearsal compressed to minutes.
func durationText(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + " hari"
	}
	return d.String()
}

// cycles lists the cycles (HR of any scope and admins), from the same function as the cycle routes.
func (p *pages) cycles(c *gin.Context) {
	cs, err := p.app.Cycles(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, http.StatusOK, "hr_cycles.html", view{Title: "Siklus penilaian kinerja", Nav: "siklus",
		Data: map[string]any{"Cycles": cs, "CanCreate": orgWideHR(me(c))}})
}

// cycleForm is the new cycle form: what was typed and the errors next to their fields.
type cycleForm struct {
	Typed     url.Values
	Errors    form.Errors
	Message   string
	Deadlines []option
	Periods   []option // the evaluation periods HR may choose
}

// evaluationPeriods are the choices of a cycle's evaluation period (internal/period).
var evaluationPeriods = []option{
	{string(period.Monthly), period.Monthly.Label()},
	{string(period.Quarterly), period.Quarterly.Label()},
	{string(period.Midyear), period.Midyear.Label() + " (siklus latihan yang dipadatkan)"},
}

// deadlineWords puts HR's names of the deadlines in place of their codes in the messages
// ("tidak boleh sebelum plan_due" reads "tidak boleh sebelum batas penyusunan ...").
func deadlineWords(errs form.Errors) form.Errors {
	for k, msg := range errs {
		for _, d := range deadlineLabels {
			msg = strings.ReplaceAll(msg, d.Value, strings.ToLower(d.Label[:1])+d.Label[1:])
		}
		errs[k] = msg
	}
	return errs
}

func (p *pages) showCycleForm(c *gin.Context, status int, f cycleForm) {
	f.Deadlines, f.Periods = deadlineLabels, evaluationPeriods
	f.Errors = deadlineWords(f.Errors)
	if f.Errors == nil {
		f.Errors = form.Errors{}
	}
	p.render(c, status, "hr_cycle_new.html", view{Title: "Buat siklus baru", Nav: "siklus", Data: f})
}

func (p *pages) newCycleForm(c *gin.Context) {
	if err := p.app.OrgWide(c); err != nil {
		p.fail(c, err)
		return
	}
	year := time.Now().In(wib.Location).Year() + 1
	def := period.DefaultCalendar
	p.showCycleForm(c, http.StatusOK, cycleForm{Typed: url.Values{"year": {strconv.Itoa(year)},
		"appeal_window_days": {"14"}, "decision_sla_days": {"14"}, "reminder_days": {"3"},
		period.FieldOpensDays: {strconv.Itoa(def.OpensDays)}, period.FieldReportDays: {strconv.Itoa(def.ReportDays)},
		period.FieldRatingDays: {strconv.Itoa(def.RatingDays)}}})
}

// createCycle sends the form to the same function as POST /api/cycles; a refusal comes back with
// each field's message next to it and everything as typed.
func (p *pages) createCycle(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	cy, err := p.app.CreateCycle(c, form.ParseCycle(c.Request.PostForm))
	if err == nil {
		c.Redirect(http.StatusSeeOther, cyclePath(cy.ID)+"?ok=siklus-dibuat")
		return
	}
	errs := p.app.FieldErrors(c.Request.Context(), err)
	if errs == nil {
		p.fail(c, err)
		return
	}
	p.showCycleForm(c, http.StatusUnprocessableEntity, cycleForm{Typed: c.Request.PostForm, Errors: errs,
		Message: "Periksa kembali isian yang ditandai."})
}

// cycleView is a cycle's page: its deadlines, the move form, and the outcome of a move.
type cycleView struct {
	Cycle     store.Cycle
	Deadlines []deadlineRow
	CanMove   bool
	Typed     url.Values
	Errors    form.Errors
	Moved     *movedView
	Modes     []option
	Scopes    []store.TreeUnit // the units HR may launch the cycle for: web/hr_launch.go
}

type deadlineRow struct {
	Name, Label string
	At          time.Time
}

type movedView struct {
	hrinput.DeadlineMoved
	Label string
}

func (p *pages) cycle(c *gin.Context) {
	cy, err := p.app.Cycle(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.showCycle(c, http.StatusOK, cy, cycleView{})
}

func (p *pages) showCycle(c *gin.Context, status int, cy store.Cycle, v cycleView) {
	v.Cycle, v.CanMove, v.Modes, v.Scopes = cy, orgWideHR(me(c)), distributionModes, p.launchScopes(c)
	for _, d := range deadlineLabels {
		v.Deadlines = append(v.Deadlines, deadlineRow{d.Value, d.Label, cy.Deadlines[d.Value]})
	}
	if v.Errors == nil {
		v.Errors = form.Errors{}
	}
	v.Errors = deadlineWords(v.Errors)
	if v.Typed == nil {
		v.Typed = url.Values{"name": {deadlineLabels[0].Value}}
	}
	p.render(c, status, "hr_cycle.html", view{Title: cy.Name, Nav: "siklus", Data: v})
}

// deleteCycle removes a cycle nothing refers to yet; a refusal says why on the error page.
func (p *pages) deleteCycle(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	if err := p.app.DeleteCycle(c); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PathCycles+"?ok=siklus-dihapus")
}

// moveDeadline sends the move form to the same function as PUT /api/cycles/:id/deadlines/:name
// and shows its answer: how many years were told, which had finished, which could not be told.
func (p *pages) moveDeadline(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	moved, err := p.app.MoveDeadline(c, f.Get("name"), form.DateTime(f.Get("at")))
	var v cycleView
	status := http.StatusOK
	if err != nil {
		errs := p.app.FieldErrors(c.Request.Context(), err)
		if errs == nil {
			p.fail(c, err)
			return
		}
		status, v.Typed, v.Errors = http.StatusUnprocessableEntity, f, errs
	} else {
		v.Moved = &movedView{DeadlineMoved: moved, Label: label(moved.Name, deadlineLabels)}
	}
	cy, err := p.app.Cycle(c) // as it stands now, the moved date included
	if err != nil {
		p.fail(c, err)
		return
	}
	p.showCycle(c, status, cy, v)
}

// distributionModes are the cycle's choices when a unit breaks the distribution rule.
var distributionModes = []option{{"block", "Tahan hasil pegawai sampai unit sesuai ketentuan atau ada justifikasi"},
	{"warn", "Hanya tampilkan peringatan"}}

// setDistributionMode sends the form to the same function as PUT /api/cycles/:id/distribution-mode.
func (p *pages) setDistributionMode(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	cy, err := p.app.SetDistributionMode(c, func() (string, error) { return c.Request.PostForm.Get("mode"), nil })
	if err == nil {
		c.Redirect(http.StatusSeeOther, cyclePath(cy.ID)+"?ok=mode-distribusi")
		return
	}
	errs := p.app.FieldErrors(c.Request.Context(), err)
	if errs == nil {
		p.fail(c, err)
		return
	}
	if cy, err = p.app.Cycle(c); err != nil {
		p.fail(c, err)
		return
	}
	p.showCycle(c, http.StatusUnprocessableEntity, cy, cycleView{Errors: errs})
}

// unitLink is the progress page of a unit, keeping the filters.
func progressLink(cycle int64, q url.Values) string {
	if len(q) == 0 {
		return cyclePath(cycle) + "/kemajuan"
	}
	return fmt.Sprintf("%s/kemajuan?%s", cyclePath(cycle), q.Encode())
}
