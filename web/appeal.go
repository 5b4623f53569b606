package web

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

// appealExtra is the keberatan page's own data.
type appealExtra struct {
	File      bool // the employee may file a keberatan now
	Decide    bool // the atasan may decide it now
	Ratings   []option
	Decisions []option
	Matrix    []matrixRow
}

var decisions = []option{{workflows.AppealUphold, "Menguatkan penilaian (predikat tetap)"},
	{workflows.AppealChange, "Mengubah penilaian"}}

// appealPage is the keberatan: the result, the window's deadline and the form for the employee;
// the reasons, the matrix and the decision form for the atasan penilai; the decision once made.
func (p *pages) appealPage(c *gin.Context) { p.showAppeal(c, form.Errors{}, nil) }

func (p *pages) showAppeal(c *gin.Context, errs form.Errors, typed url.Values) {
	v, ok := p.loadStep(c, workflows.UpdateFileAppeal, workflows.UpdateDecideAppeal)
	if !ok {
		return
	}
	y := v.Year
	open := v.Status != nil && v.Status.AppealDeadline != nil && !v.Status.AppealFiled && !v.Status.ResultFinal
	v.Extra = appealExtra{File: v.Can(workflows.UpdateFileAppeal) && y.Appeal == nil && open,
		Decide:  v.Can(workflows.UpdateDecideAppeal) && y.Appeal != nil && y.Appeal.Decision == "",
		Ratings: ratings, Decisions: decisions, Matrix: predikatMatrix()}
	v.Errors = errs
	if typed != nil {
		v.Typed = typed
	} else {
		v.Typed.Set("decision", workflows.AppealUphold)
	}
	p.showStep(c, "appeal.html", "Keberatan", v)
}

// fileAppeal takes file-appeal with the employee's reasons.
func (p *pages) fileAppeal(c *gin.Context) {
	p.stepForm(c, workflows.UpdateFileAppeal, func(in any, _ form.Errors) error {
		in.(*workflows.FileAppealInput).Reasons = form.Text(c.Request.PostForm, "reasons")
		return nil
	}, []string{"reasons"}, "keberatan", func(errs form.Errors, typed url.Values) { p.showAppeal(c, errs, typed) })
}

// decideAppeal takes decide-appeal: uphold, or change with new ratings, and the considerations.
func (p *pages) decideAppeal(c *gin.Context) {
	p.stepForm(c, workflows.UpdateDecideAppeal, func(in any, _ form.Errors) error {
		d := in.(*workflows.DecideAppealInput)
		f := c.Request.PostForm
		d.Decision, d.Notes = form.Text(f, "decision"), form.Text(f, "notes")
		if d.Decision == workflows.AppealChange {
			d.Hasil, d.Perilaku = appraisal.Rating(form.Text(f, "rating_hasil")), appraisal.Rating(form.Text(f, "rating_perilaku"))
		}
		return nil
	}, []string{"rating_hasil/rating_perilaku", "decision", "notes"}, "diputus", func(errs form.Errors, typed url.Values) {
		// The workflow names both ratings at once; the form shows it by the first.
		for k, msg := range errs {
			if strings.Contains(k, "/") {
				delete(errs, k)
				errs["rating_hasil"] = msg
			}
		}
		p.showAppeal(c, errs, typed)
	})
}
