package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/distribution"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
)

// Monitoring Kurva: per unit the count of employees per predikat against what the unit's own
// predikat allows (SE MenPANRB 03/2023), drawn as an SVG on the server with the same numbers in
// a table, and the forms for the unit's predikat and HR's justification.

// predikatOrder is the order of the chart's bars, best first.
var predikatOrder = []appraisal.Predikat{appraisal.SangatBaik, appraisal.Baik, appraisal.ButuhPerbaikan,
	appraisal.Kurang, appraisal.SangatKurang}

var orgPredikatOptions = func() []option {
	out := make([]option, len(distribution.OrgPredikats))
	for i, o := range distribution.OrgPredikats {
		out[i] = option{string(o), o.Label()}
	}
	return out
}()

type kurvaView struct {
	CycleID   int64
	CycleName string
	Mode      string
	Rounding  string
	One       bool // one unit asked for (?unit=): its forms are shown
	Units     []unitKurva
	CanSet    bool // the caller may record a unit's predikat as region-wide HR (a unit head may too)
	CanJustif bool
	Typed     url.Values
	Errors    form.Errors
}

type unitKurva struct {
	store.UnitDistribution
	OrgLabel string
	Chart    chart
	Counts   []phaseCount
	// The forms' addresses, naming the unit.
	PredikatAction, JustifAction string
}

// chart is the bar chart's geometry, computed here so the template only places it.
type chart struct {
	ID, Title, Desc string
	Width, Height   int
	BaseY           int
	Bars            []bar
	Marks           []mark
}

type bar struct {
	X, Y, W, H   int
	LabelX, TopY int
	Label        string
	N            int
	Broken       bool
}

type mark struct {
	X1, X2, Y    int
	Text         string
	TextX, TextY int
}

const (
	chartW, chartH = 640, 280
	chartLeft      = 16
	chartTop       = 28
	chartBottom    = 60 // the predikat's name, and under it the limit of its bound
)

// drawChart lays out a unit's bars and the limits of the bounds that name one predikat.
func drawChart(d store.UnitDistribution) chart {
	ch := chart{ID: "kurva-" + d.UnitID, Width: chartW, Height: chartH, BaseY: chartH - chartBottom}
	max := 1
	for _, p := range predikatOrder {
		if n := d.Counts[string(p)]; n > max {
			max = n
		}
	}
	limits := map[appraisal.Predikat][]distribution.Line{}
	if d.Check != nil {
		for i, l := range d.Check.Lines {
			if bounds := distribution.Rules[d.Org]; i < len(bounds) && len(bounds[i].Of) == 1 && !bounds[i].AtLeastOne {
				limits[bounds[i].Of[0]] = append(limits[bounds[i].Of[0]], l)
				if l.Limit > max {
					max = l.Limit
				}
			}
		}
	}
	plotH := chartH - chartTop - chartBottom
	y := func(n int) int { return ch.BaseY - n*plotH/max }
	slot := (chartW - 2*chartLeft) / len(predikatOrder)
	var desc []string
	for i, p := range predikatOrder {
		n := d.Counts[string(p)]
		x := chartLeft + i*slot
		b := bar{X: x + slot/5, W: slot * 3 / 5, Y: y(n), H: ch.BaseY - y(n), LabelX: x + slot/2, Label: p.Label(), N: n}
		b.TopY = b.Y - 6
		for _, l := range limits[p] {
			b.Broken = b.Broken || !l.OK
			word := "min"
			if l.Max {
				word = "maks"
			}
			ch.Marks = append(ch.Marks, mark{X1: x + 4, X2: x + slot - 4, Y: y(l.Limit), TextX: x + slot/2, TextY: ch.BaseY + 44,
				Text: fmt.Sprintf("%s %d", word, l.Limit)})
		}
		ch.Bars = append(ch.Bars, b)
		desc = append(desc, fmt.Sprintf("%s %d orang", p.Label(), n))
	}
	ch.Title = "Sebaran predikat pegawai " + d.UnitName
	ch.Desc = strings.Join(desc, ", ") + "."
	if d.Check != nil {
		var rules []string
		for _, l := range d.Check.Lines {
			state := "terpenuhi"
			if !l.OK {
				state = "tidak terpenuhi"
			}
			rules = append(rules, fmt.Sprintf("%s (%d orang): %d, %s", l.Rule, l.Limit, l.Count, state))
		}
		ch.Desc += " Batas: " + strings.Join(rules, "; ") + "."
	}
	return ch
}

func (p *pages) kurva(c *gin.Context) { p.showKurva(c, http.StatusOK, nil, nil) }

func (p *pages) showKurva(c *gin.Context, status int, typed url.Values, errs form.Errors) {
	d, err := p.app.Distribution(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	who := me(c)
	v := kurvaView{CycleID: d.Cycle.ID, CycleName: d.Cycle.Name, Mode: d.Cycle.DistributionMode, Rounding: distribution.RoundingRule,
		One: c.Query("unit") != "", CanSet: orgWideHR(who), CanJustif: who.IsHR, Typed: typed, Errors: errs}
	if v.Errors == nil {
		v.Errors = form.Errors{}
	}
	for _, u := range d.Units {
		unit := "?unit=" + url.QueryEscape(u.UnitID)
		k := unitKurva{UnitDistribution: u, Chart: drawChart(u),
			PredikatAction: cyclePath(d.Cycle.ID) + "/kurva/predikat" + unit, JustifAction: cyclePath(d.Cycle.ID) + "/kurva/justifikasi" + unit}
		if u.Org != "" {
			k.OrgLabel = u.Org.Label()
		}
		for _, pr := range predikatOrder {
			k.Counts = append(k.Counts, phaseCount{pr.Label(), u.Counts[string(pr)]})
		}
		v.Units = append(v.Units, k)
	}
	p.render(c, status, "hr_kurva.html", view{Title: "Monitoring Kurva " + d.Cycle.Name, Nav: "siklus", Data: v})
}

// setOrgPredikat and justify send their forms to the same functions as the JSON routes; the unit
// is the form address's ?unit=, so a refused form comes back on the same unit's view.
func (p *pages) setOrgPredikat(c *gin.Context) {
	p.unitForm(c, "predikat", "predikat-dicatat", p.app.SetOrgPredikat)
}

func (p *pages) justify(c *gin.Context) {
	p.unitForm(c, "justification", "justifikasi-dicatat", p.app.Justify)
}

func (p *pages) unitForm(c *gin.Context, field, ok string,
	do func(*gin.Context, string, func() (string, error)) (store.UnitDistribution, error)) {
	if !p.parseForm(c) {
		return
	}
	unit := c.Query("unit")
	_, err := do(c, unit, func() (string, error) { return c.Request.PostForm.Get(field), nil })
	if err == nil {
		c.Redirect(http.StatusSeeOther, cyclePath(mustCycle(c))+"/kurva?unit="+url.QueryEscape(unit)+"&ok="+ok)
		return
	}
	errs := p.app.FieldErrors(c.Request.Context(), err)
	if errs == nil {
		p.fail(c, err)
		return
	}
	p.showKurva(c, http.StatusUnprocessableEntity, c.Request.PostForm, errs)
}

// mustCycle is the route's :cycle once the application layer has read it.
func mustCycle(c *gin.Context) int64 {
	var id int64
	_, _ = fmt.Sscan(c.Param("cycle"), &id)
	return id
}
