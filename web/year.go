package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// years is "Tahun saya": the caller's own years, from the same function as GET /api/me/cycles.
func (p *pages) years(c *gin.Context) {
	ens, err := p.app.MyCycles(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	type row struct {
		store.Enrolment
		Link string
	}
	rows := make([]row, 0, len(ens))
	for _, e := range ens {
		rows = append(rows, row{e, yearPath(e.CycleID, e.NIP)})
	}
	p.render(c, http.StatusOK, "years.html", view{Title: "Tahun saya", Nav: "tahun", Data: rows})
}

// phaseRow is one phase of the year as the page lists it.
type phaseRow struct {
	Label string
	State string // "selesai", "sekarang" or "nanti"
	Due   *time.Time
}

type yearView struct {
	Year    store.Year
	Status  *workflows.Status // nil when the workflow did not answer in time
	Phases  []phaseRow
	Next    []store.Task // open tasks: what is next, and for whom
	Mine    bool         // the caller's own year
	SKPLink string
	Path    string // the year page; its step pages live under it
	Plan    string // the SKP's state in words
}

// year shows where one year stands, phase by phase, read through the same function as
// GET /api/cycles/:cycle/employees/:nip (who may see it is decided there).
func (p *pages) year(c *gin.Context) {
	y, tasks, st, err := p.app.Year(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v := yearView{Year: y, Status: st, Mine: y.Enrolment.NIP == me(c).NIP,
		SKPLink: yearPath(y.Enrolment.CycleID, y.Enrolment.NIP) + "/skp", Plan: planState(y, st),
		Path: yearPath(y.Enrolment.CycleID, y.Enrolment.NIP)}
	for _, t := range tasks {
		if t.DoneAt == nil {
			v.Next = append(v.Next, t)
		}
	}
	state := "selesai"
	if y.Enrolment.Phase == string(workflows.PhaseClosed) {
		state = "nanti"
	}
	// A periodic year alternates between working and a period's report and rating until the
	// annual evaluation: one row, due when the open period's report is.
	periodic := st != nil && st.EvaluationPeriod != ""
	for _, ph := range phases {
		if periodic && ph.Phase == workflows.PhaseMonitoring {
			continue
		}
		r := phaseRow{Label: ph.Label}
		current := string(ph.Phase) == y.Enrolment.Phase
		due := ph.Due
		if periodic && ph.Phase == workflows.PhaseExecution {
			kind, _ := period.ParseKind(st.EvaluationPeriod)
			r.Label = "Pelaksanaan dan penilaian periodik (" + strings.ToLower(kind.Label()) + ")"
			current = current || y.Enrolment.Phase == string(workflows.PhaseMonitoring)
			due = ""
			if st.Period != nil {
				r.Due = &st.Period.ReportDue
			}
		}
		switch {
		case current:
			r.State, state = "sekarang", "nanti"
		default:
			r.State = state
		}
		if st != nil && due != "" {
			if d, ok := st.Deadlines[due]; ok {
				r.Due = &d
			}
		}
		v.Phases = append(v.Phases, r)
	}
	title, nav := "Tahun kinerja "+y.Enrolment.Name, ""
	if v.Mine {
		title, nav = "Tahun saya", "tahun"
	}
	p.render(c, http.StatusOK, "year.html", view{Title: title, Nav: nav, Data: v})
}

// planState is the SKP's state: the workflow's when it answered, else what Postgres holds.
func planState(y store.Year, st *workflows.Status) string {
	if st != nil {
		return planStateLabel(st.PlanState)
	}
	if y.Plan != nil {
		return planStateLabel(y.Plan.Status)
	}
	return planStateLabel("")
}
