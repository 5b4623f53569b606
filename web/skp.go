package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/cascade"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

// skpView is the SKP page: the employee's form, or the plan as submitted with the review.
type skpView struct {
	Year       store.Year
	Plan       string // the SKP's state in words
	Mine       bool   // the caller's own SKP
	Editable   bool   // the employee may (re)submit: no SKP yet, or returned
	Review     bool   // a submitted SKP awaits the penilai
	Form       skp.Plan
	Errors     form.Errors
	Message    string // the refusal at the top of the form
	Notes      string // the return notes as typed
	Action     string
	Kinds      []option
	Approaches []option
	Aspects    []option
	Values     map[string]string // BerAKHLAK values, for the expectations shown
	Changes    []planChange      // what changed since the version before, for the review
	Prev       int               // that version's number; 0 on the first
	// Parents is what the form's rows may point to (cascading); nil when it could not be read.
	Parents *cascade.Parents
	// Cascade is the year's approved RHK with the subordinates' rows serving each one.
	Cascade *store.Cascade
}

// Choices are the form's parent options: an RHK of the penilai's approved SKP or a unit goal.
func (v skpView) Choices() []option {
	if v.Parents == nil || len(v.Parents.Candidates) == 0 {
		return nil
	}
	out := []option{{"", "— pilih —"}}
	for _, c := range v.Parents.Candidates {
		out = append(out, option{c.Ref, fmt.Sprintf("%d. %s", c.No, c.Text)})
	}
	return out
}

// Served says whether the tree has anything to show beyond the superior's own rows.
func (v skpView) Served() bool {
	if v.Cascade == nil {
		return false
	}
	for _, n := range v.Cascade.Items {
		if len(n.Children) > 0 {
			return true
		}
	}
	return len(v.Cascade.Stale) > 0 || len(v.Cascade.Unlinked) > 0
}

type option struct{ Value, Label string }

var (
	approaches = []option{{"kuantitatif", "Kuantitatif"}, {"kualitatif", "Kualitatif (JPT)"}}
	kinds      = []option{{"utama", "Utama"}, {"tambahan", "Tambahan"}}
	aspects    = []option{{"kuantitas", "Kuantitas"}, {"kualitas", "Kualitas"}, {"waktu", "Waktu"}, {"biaya", "Biaya"}}
	nilai      = map[string]string{"berorientasi_pelayanan": "Berorientasi Pelayanan", "akuntabel": "Akuntabel",
		"kompeten": "Kompeten", "harmonis": "Harmonis", "loyal": "Loyal", "adaptif": "Adaptif", "kolaboratif": "Kolaboratif"}
)

// skpPage shows the SKP of a year the caller may see (decided by the same Year function as the JSON).
func (p *pages) skpPage(c *gin.Context) {
	y, _, st, err := p.app.Year(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v := p.skpView(c, y, st)
	if v.Editable {
		if y.Plan != nil {
			v.Form = y.Plan.Plan
		}
		if len(v.Form.Items) == 0 {
			v.Form.Items = []skp.Item{form.NewRow()}
		}
		if v.Form.Approach == "" {
			v.Form.Approach = "kuantitatif"
		}
	}
	p.render(c, http.StatusOK, "skp.html", view{Title: "SKP " + y.Enrolment.Name, Nav: navOf(v), Data: v})
}

func (p *pages) skpView(c *gin.Context, y store.Year, st *workflows.Status) skpView {
	state := ""
	switch {
	case st != nil:
		state = st.PlanState
	case y.Plan != nil:
		state = y.Plan.Status
	}
	mine := y.Enrolment.NIP == me(c).NIP
	v := skpView{Year: y, Plan: planStateLabel(state), Errors: form.Errors{}, Mine: mine,
		Editable: mine && y.Enrolment.Phase == string(workflows.PhasePlanning) && (state == "" || state == "none" || state == "returned"),
		Review:   !mine && state == "submitted", Action: c.Request.URL.Path, Kinds: kinds, Approaches: approaches, Aspects: aspects, Values: nilai}
	if v.Editable {
		// Without the list the form falls back to the free text; the submit is checked all the same.
		if ps, err := p.app.RHKParents(c); err == nil {
			v.Parents = &ps
		}
	}
	if y.Plan != nil && y.Plan.Status == "approved" {
		if t, err := p.app.RHKCascade(c); err == nil {
			v.Cascade = &t
		}
	}
	if y.Plan != nil && y.Plan.Version > 1 && !v.Editable {
		// A missing earlier version only hides the comparison; the page still shows the plan.
		if prev, err := p.app.PlanVersion(c, y.Plan.Version-1); err == nil && prev != nil {
			v.Prev, v.Changes = prev.Version, planChanges(prev, y.Plan)
		}
	}
	return v
}

// submitPlan handles the SKP form: add or remove a row, or submit through the same step as
// POST .../submit-plan. A refusal comes back with the message next to its field and every
// value as typed.
func (p *pages) submitPlan(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	f, errs := form.ParseSKP(c.Request.PostForm)
	// Every button goes through Step, so who may touch this SKP is decided before the form is read.
	_, err := p.app.Step(c, workflows.UpdateSubmitPlan, func(in any) error {
		if len(errs) > 0 || f.Op != "ajukan" {
			return errFormOnly
		}
		in.(*workflows.SubmitPlanInput).Plan = f.Plan
		return nil
	})
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, here(c)+"?ok=diajukan")
	case errors.Is(err, errFormOnly) || p.fieldError(c, err, errs, "approach", "items"):
		p.showForm(c, f.Plan, errs, "")
	}
}

// errFormOnly stops a step after its authorisation: the form needs another round (a row added
// or removed, or input the form itself refuses).
var errFormOnly = errors.New("form only")

// showForm renders the SKP form again with what was typed and the errors.
func (p *pages) showForm(c *gin.Context, plan skp.Plan, errs form.Errors, notes string) {
	y, _, st, err := p.app.Year(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v := p.skpView(c, y, st)
	v.Action = strings.TrimSuffix(strings.TrimSuffix(c.Request.URL.Path, "/kembalikan"), "/setujui")
	v.Form, v.Errors, v.Notes = plan, errs, notes
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
		v.Message = "Periksa kembali isian yang ditandai."
	}
	p.render(c, status, "skp.html", view{Title: "SKP " + y.Enrolment.Name, Nav: navOf(v), Data: v})
}

// fieldError puts a refusal of bad input next to its field (the API names it, or the workflow's
// message starts with it) and answers true; any other refusal is shown as the error page.
func (p *pages) fieldError(c *gin.Context, err error, errs form.Errors, fields ...string) bool {
	status, code, field, msg := p.app.Explain(c.Request.Context(), err)
	if status != http.StatusUnprocessableEntity || code != workflows.ErrInvalid {
		p.fail(c, err)
		return false
	}
	if field == "" {
		for _, f := range fields {
			if rest, ok := strings.CutPrefix(msg, f+": "); ok {
				field, msg = f, rest
			}
		}
	} else {
		msg = strings.TrimPrefix(msg, field+": ")
	}
	if field == "" {
		field = fields[0]
	}
	errs[field] = msg
	return true
}

func (p *pages) approvePlan(c *gin.Context) {
	if _, err := p.app.Step(c, workflows.UpdateApprovePlan, func(any) error { return nil }); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, here(c)+"?ok=disetujui")
}

// returnPlan sends the SKP back with notes, through the same step as POST .../return-plan.
func (p *pages) returnPlan(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	notes := form.Notes(c.Request.PostForm)
	_, err := p.app.Step(c, workflows.UpdateReturnPlan, func(in any) error {
		in.(*workflows.ReturnPlanInput).Notes = notes
		return nil
	})
	if err == nil {
		c.Redirect(http.StatusSeeOther, here(c)+"?ok=dikembalikan")
		return
	}
	errs := form.Errors{}
	if p.fieldError(c, err, errs, "notes") {
		p.showForm(c, skp.Plan{}, errs, notes)
	}
}

// here is the year page of the route's :cycle and :nip (Step has checked both by then).
func here(c *gin.Context) string {
	return "/siklus/" + url.PathEscape(c.Param("cycle")) + "/pegawai/" + url.PathEscape(c.Param("nip"))
}

// navOf marks "Tahun saya" in the menu on the caller's own SKP.
func navOf(v skpView) string {
	if v.Mine {
		return "tahun"
	}
	return ""
}

// parseForm reads the posted form; a body that cannot be read (or passes 1 MiB) is a 400.
func (p *pages) parseForm(c *gin.Context) bool {
	if err := c.Request.ParseForm(); err != nil {
		c.Abort()
		p.render(c, http.StatusBadRequest, "error.html", view{Title: "Formulir tidak terbaca",
			Data: errorView{"bad_request", "isi formulir tidak terbaca atau melebihi 1 MiB; muat ulang halaman lalu coba lagi"}})
		return false
	}
	return true
}
