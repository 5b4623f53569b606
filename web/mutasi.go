package web

import (
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

// mutasiPage is HR's form of a mutasi to another position (record-mutasi, the same step as
// POST …/record-mutasi): from its date the SKP closes and a new one is drafted for the new
// position, rated by the new penilai. A mutasi already recorded is shown instead of the form.
func (p *pages) mutasiPage(c *gin.Context) { p.showMutasi(c, form.Errors{}, nil) }

// mutasiView is the page's own data: the positions of the org data to choose the new one from.
type mutasiView struct {
	Positions []option
}

func (p *pages) showMutasi(c *gin.Context, errs form.Errors, typed url.Values) {
	v, ok := p.loadStep(c, workflows.UpdateMutasi)
	if !ok {
		return
	}
	v.Errors = errs
	if typed != nil {
		v.Typed = typed
	}
	if v.Can(workflows.UpdateMutasi) {
		ps, err := p.app.Positions(c)
		if err != nil {
			p.fail(c, err)
			return
		}
		mv := mutasiView{}
		for _, pos := range ps {
			mv.Positions = append(mv.Positions, option{Value: pos.ID, Label: pos.Name + " (" + pos.ID + ")"})
		}
		v.Extra = mv
	}
	p.showStep(c, "mutasi.html", "Mutasi", v)
}

// recordMutasi takes record-mutasi; empty NIPs are taken from today's org data, as reassignment does.
func (p *pages) recordMutasi(c *gin.Context) {
	fields := []string{"effective_date", "position_id", "unit", "penilai_nip", "atasan_nip"}
	p.stepForm(c, workflows.UpdateMutasi, func(in any, _ form.Errors) error {
		m, f := in.(*workflows.MutasiInput), c.Request.PostForm
		m.EffectiveDate, m.PositionID, m.Unit = form.Text(f, "effective_date"), form.Text(f, "position_id"), form.Text(f, "unit")
		m.PenilaiNIP, m.AtasanNIP = form.Text(f, "penilai_nip"), form.Text(f, "atasan_nip")
		return nil
	}, fields, "mutasi", func(errs form.Errors, typed url.Values) { p.showMutasi(c, errs, typed) })
}
