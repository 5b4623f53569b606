package web

import (
	"net/http"
	"net/url"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/web/form"
)

// delegationsView is the Plt/Plh page: the delegations the caller may see and, for HR and
// admins, the form to record one.
type delegationsView struct {
	Delegations []hrinput.Delegation
	CanCreate   bool
	Kinds       []option
	Typed       url.Values
	Errors      form.Errors
	Message     string
}

var delegationKinds = []option{{"plt", "Plt (pelaksana tugas)"}, {"plh", "Plh (pelaksana harian)"}}

// delegations lists through the same function as GET /api/delegations (?active=true too).
func (p *pages) delegations(c *gin.Context) { p.showDelegations(c, http.StatusOK, delegationsView{}) }

func (p *pages) showDelegations(c *gin.Context, status int, v delegationsView) {
	ds, err := p.app.Delegations(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	who := me(c)
	v.Delegations, v.CanCreate, v.Kinds = ds, who.IsHR || who.IsAdmin, delegationKinds
	if v.Typed == nil {
		v.Typed = url.Values{"kind": {"plt"}}
	}
	if v.Errors == nil {
		v.Errors = form.Errors{}
	}
	p.render(c, status, "hr_delegations.html", view{Title: "Delegasi Plt/Plh", Nav: "delegasi", Data: v})
}

// createDelegation sends the form to the same function as POST /api/delegations: every field at
// fault gets its message next to it, an overlap with another delegation the message at the top.
func (p *pages) createDelegation(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	_, err := p.app.CreateDelegation(c, form.ParseDelegation(c.Request.PostForm))
	if err == nil {
		c.Redirect(http.StatusSeeOther, PathDelegations+"?ok=delegasi-dibuat")
		return
	}
	v := delegationsView{Typed: c.Request.PostForm, Errors: p.app.FieldErrors(c.Request.Context(), err)}
	status, code, _, msg := p.app.Explain(c.Request.Context(), err)
	switch {
	case v.Errors != nil:
		v.Message = "Periksa kembali isian yang ditandai."
	case code == "overlap":
		v.Message = msg
	default:
		p.fail(c, err)
		return
	}
	p.showDelegations(c, status, v)
}

// revokeDelegation ends a delegation through the same function as DELETE /api/delegations/:id.
func (p *pages) revokeDelegation(c *gin.Context) {
	if _, err := p.app.RevokeDelegation(c, c.Param("id")); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PathDelegations+"?ok=delegasi-dicabut")
}
