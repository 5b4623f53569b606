package web

import (
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

// dialogExtra is the dialog page's own data.
type dialogExtra struct {
	Schedule    bool   // the penilai may (re)schedule the dialog
	Record      bool   // the penilai may record it
	Acknowledge bool   // the employee may confirm receiving the result
	At          string // the scheduled moment for the datetime-local field
	Due         *time.Time
}

// dialogPage is the dialog kinerja: the result, when and where the dialog is, its record, and the
// forms of whoever acts now (schedule and record for the penilai, the acknowledgement for the employee).
func (p *pages) dialogPage(c *gin.Context) { p.showDialog(c, form.Errors{}, nil) }

func (p *pages) showDialog(c *gin.Context, errs form.Errors, typed url.Values) {
	v, ok := p.loadStep(c, workflows.UpdateScheduleDialog, workflows.UpdateRecordDialog, workflows.UpdateAcknowledge)
	if !ok {
		return
	}
	y := v.Year
	rated := y.Annual != nil && y.Annual.RatingHasil != ""
	recorded := y.Dialog != nil && y.Dialog.RecordedAt != nil
	ex := dialogExtra{
		Schedule:    v.Can(workflows.UpdateScheduleDialog) && rated && !recorded,
		Record:      v.Can(workflows.UpdateRecordDialog) && y.Dialog != nil && !recorded,
		Acknowledge: v.Can(workflows.UpdateAcknowledge) && recorded && y.Dialog.AcknowledgedAt == nil,
	}
	if y.Dialog != nil {
		ex.At = form.InputWIB(y.Dialog.ScheduledAt)
	}
	if v.Status != nil {
		if d, ok := v.Status.Deadlines[workflows.DeadlineDialog]; ok {
			ex.Due = &d
		}
	}
	v.Extra, v.Errors = ex, errs
	if typed != nil {
		v.Typed = typed
	} else if y.Dialog != nil {
		v.Typed.Set("at", ex.At)
		v.Typed.Set("place", y.Dialog.Place)
	}
	p.showStep(c, "dialog.html", "Dialog kinerja", v)
}

// scheduleDialog takes schedule-dialog; the moment is typed in WIB.
func (p *pages) scheduleDialog(c *gin.Context) {
	p.stepForm(c, workflows.UpdateScheduleDialog, func(in any, errs form.Errors) error {
		s := in.(*workflows.ScheduleDialogInput)
		s.Place = form.Text(c.Request.PostForm, "place")
		if form.Text(c.Request.PostForm, "at") != "" {
			at, ok := form.MomentWIB(c.Request.PostForm, "at")
			if !ok {
				errs["at"] = "isi tanggal dan jam dialog (WIB)"
			}
			s.At = at
		}
		return nil
	}, []string{"at", "place"}, "dijadwalkan", func(errs form.Errors, typed url.Values) { p.showDialog(c, errs, typed) })
}

// recordDialog takes record-dialog: what was discussed and agreed.
func (p *pages) recordDialog(c *gin.Context) {
	p.stepForm(c, workflows.UpdateRecordDialog, func(in any, _ form.Errors) error {
		in.(*workflows.RecordDialogInput).Notes = form.Text(c.Request.PostForm, "notes")
		return nil
	}, []string{"notes"}, "dicatat", func(errs form.Errors, typed url.Values) { p.showDialog(c, errs, typed) })
}

// acknowledge takes acknowledge: the employee confirms receiving the result.
func (p *pages) acknowledge(c *gin.Context) {
	p.stepForm(c, workflows.UpdateAcknowledge, func(any, form.Errors) error { return nil }, []string{"terima"}, "diterima",
		func(errs form.Errors, typed url.Values) { p.showDialog(c, errs, typed) })
}
