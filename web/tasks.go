package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

type taskRow struct {
	store.Task
	Overdue   bool
	ActingFor string // the name of whom the caller acts for as Plt/Plh
	Link      string
}

// tasks is "Tugas saya": the caller's inbox from the same function as GET /api/me/tasks,
// overdue first, then by due date.
func (p *pages) tasks(c *gin.Context) {
	ts, err := p.app.Tasks(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	now := time.Now()
	var overdue, rest []taskRow
	for _, t := range ts {
		r := taskRow{Task: t, Overdue: t.DueAt != nil && t.DueAt.Before(now), Link: taskLink(t)}
		if t.ActingFor != "" {
			r.ActingFor = p.app.Name(c.Request.Context(), t.ActingFor)
		}
		if r.Overdue {
			overdue = append(overdue, r)
		} else {
			rest = append(rest, r)
		}
	}
	p.render(c, http.StatusOK, "tasks.html", view{Title: "Tugas saya", Nav: "tugas", Data: append(overdue, rest...)})
}

// taskLink is the page where a task is done.
func taskLink(t store.Task) string {
	y := yearPath(t.CycleID, t.SubjectNIP)
	switch t.Kind {
	case workflows.TaskDraftPlan, workflows.TaskReviewPlan:
		return y + "/skp"
	case workflows.TaskReportMidyear, workflows.TaskReportAnnual, workflows.TaskGiveFeedback, workflows.TaskReportPeriod:
		return y + "/realisasi"
	case workflows.TaskRate, workflows.TaskEvalOverdue, workflows.TaskRatePeriod, workflows.TaskPeriodOverdue:
		return y + "/penilaian"
	case workflows.TaskScheduleDialog, workflows.TaskRecordDialog, workflows.TaskAcknowledge, workflows.TaskDialogOverdue:
		return y + "/dialog"
	case workflows.TaskDecideAppeal, workflows.TaskAppealOverdue:
		return y + "/keberatan"
	case store.FeedbackTaskKind:
		return y + "/umpan-balik-360"
	}
	return y
}
