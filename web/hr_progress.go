package web

import (
	"net/http"
	"net/url"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// progressView is HR's progress page: the subtree's counts, its units one level down to drill
// into, the filters, and a page of years.
type progressView struct {
	Cycle    store.Cycle
	Unit     string // the unit looked at; "" the caller's whole scope
	Progress store.Progress
	Phases   []phaseCount
	Filters  url.Values // ?phase=&overdue=&blocked= as given
	Units    []unitRow
	Top      string // the progress page of the caller's whole scope, when a unit is looked at
	Next     string // the next page of years, if any
	Employee func(nip string) string
	Options  []option // the phases to filter by
}

type phaseCount struct {
	Label string
	N     int
}

type unitRow struct {
	Name, ID, Link, Kurva string
	Enrolled, Final       int
	Blocked, Overdue      int
}

// progress reads the same function, with the same query parameters, as GET /api/cycles/:id/progress.
func (p *pages) progress(c *gin.Context) {
	pr, err := p.app.Progress(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	id := pr.Cycle.ID
	filters := url.Values{}
	for _, k := range []string{"phase", "overdue", "blocked"} {
		if v := c.Query(k); v != "" {
			filters.Set(k, v)
		}
	}
	v := progressView{Cycle: pr.Cycle, Unit: pr.Unit, Progress: pr.Progress, Filters: filters}
	for _, ph := range append(phases, struct {
		Phase workflows.Phase
		Label string
		Due   workflows.DeadlineName
	}{workflows.PhaseClosed, "Ditutup", ""}) {
		v.Options = append(v.Options, option{string(ph.Phase), ph.Label})
		if n := pr.Progress.ByPhase[string(ph.Phase)]; n > 0 {
			v.Phases = append(v.Phases, phaseCount{ph.Label, n})
		}
	}
	for _, u := range pr.Progress.Units {
		q := url.Values{"unit": {u.UnitID}}
		for k, vs := range filters {
			q[k] = vs
		}
		v.Units = append(v.Units, unitRow{Name: u.Name, ID: u.UnitID, Link: progressLink(id, q),
			Kurva:    cyclePath(id) + "/kurva?unit=" + url.QueryEscape(u.UnitID),
			Enrolled: u.Enrolled, Final: u.ResultsFinal, Blocked: u.Blocked, Overdue: u.Overdue})
	}
	sort.SliceStable(v.Units, func(i, j int) bool { return v.Units[i].Name < v.Units[j].Name })
	if c.Query("unit") != "" {
		v.Top = progressLink(id, filters)
	}
	if pr.Progress.NextAfter != "" {
		q := c.Request.URL.Query()
		q.Set("after", pr.Progress.NextAfter)
		v.Next = progressLink(id, q)
	}
	v.Employee = func(nip string) string { return yearPath(id, nip) }
	title := "Kemajuan " + pr.Cycle.Name
	p.render(c, http.StatusOK, "hr_progress.html", view{Title: title, Nav: "siklus", Data: v})
}
