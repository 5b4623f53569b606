package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
)

// A unit's goals (sasaran unit) in a cycle: what the head of a unit whose penilai is outside the
// cycle points their SKP rows to. The head or HR in scope records them; the unit's employees and
// whoever rates someone in it read them. Same functions as GET/POST /api/cycles/:cycle/units/:unit/goals.

type goalsView struct {
	Unit   string
	Goals  []store.UnitGoal
	May    bool // the caller may add a goal
	Goal   string
	Errors form.Errors
}

func (p *pages) goalRoutes(in *gin.RouterGroup) {
	in.GET("/siklus/:cycle/unit/:unit/sasaran", p.goalsPage)
	in.POST("/siklus/:cycle/unit/:unit/sasaran", p.addGoal)
}

// goalsPath is the page of a unit's goals in a cycle.
func goalsPath(cycle, unit string) string {
	return "/siklus/" + url.PathEscape(cycle) + "/unit/" + url.PathEscape(unit) + "/sasaran"
}

func (p *pages) goalsPage(c *gin.Context) {
	p.showGoals(c, http.StatusOK, "", form.Errors{})
}

func (p *pages) showGoals(c *gin.Context, status int, typed string, errs form.Errors) {
	unit := c.Param("unit")
	goals, may, err := p.app.UnitGoals(c, unit)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, status, "unit_goals.html", view{Title: "Sasaran unit " + unit,
		Data: goalsView{Unit: unit, Goals: goals, May: may, Goal: typed, Errors: errs}})
}

func (p *pages) addGoal(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	typed := c.Request.PostForm.Get("goal")
	_, err := p.app.AddUnitGoal(c, c.Param("unit"), func() (string, error) { return typed, nil })
	if err == nil {
		c.Redirect(http.StatusSeeOther, goalsPath(c.Param("cycle"), c.Param("unit"))+"?ok=sasaran")
		return
	}
	status, code, field, msg := p.app.Explain(c.Request.Context(), err)
	if status != http.StatusUnprocessableEntity || field != "goal" {
		p.fail(c, err)
		_ = code
		return
	}
	p.showGoals(c, status, typed, form.Errors{"goal": strings.TrimPrefix(msg, "goal: ")})
}

func init() {
	funcs["sasaranUnit"] = func(cycle int64, unit string) string { return goalsPath(itoa(cycle), unit) }
	funcs["statusSKP"] = planStateLabel
}
