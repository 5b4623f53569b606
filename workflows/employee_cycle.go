package workflows

import (
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/skp"
)

// a is only a name for activity methods; the worker registers the real value.
var a *activities.Activities

// Task kinds, as they appear in the inbox.
const (
	TaskDraftPlan       = "draft_plan"
	TaskReviewPlan      = "review_plan"
	TaskPlanOverdue     = "plan_overdue"
	TaskReportMidyear   = "report_midyear"
	TaskGiveFeedback    = "give_feedback"
	TaskReportAnnual    = "report_annual"
	TaskRate            = "rate"
	TaskEvalOverdue     = "evaluation_overdue"
	TaskScheduleDialog  = "schedule_dialog"
	TaskRecordDialog    = "record_dialog"
	TaskAcknowledge     = "acknowledge"
	TaskDialogOverdue   = "dialog_overdue"
	TaskDecideAppeal    = "decide_appeal"
	TaskAppealOverdue   = "appeal_overdue"
	TaskConfirmFollowUp = "confirm_followup"
)

// Plan states.
const (
	planNone      = "none"
	planSubmitted = "submitted"
	planReturned  = "returned"
	planApproved  = "approved"
)

const systemActor = "system"

// EmployeeCycle runs one employee's year: plan, monitoring, evaluation, dialog, appeal,
// follow-up and TPP posting. Human steps arrive as updates; deadlines are timers HR can move.
func EmployeeCycle(ctx workflow.Context, in EmployeeCycleInput) (Status, error) {
	c := &cycle{
		in:        in,
		deadlines: Deadlines{},
		phase:     PhasePlanning,
		planState: planNone,
		seen:      map[string]bool{},
	}
	for _, n := range DeadlineNames {
		c.deadlines[n] = in.Deadlines[n]
	}
	if err := c.setup(ctx); err != nil {
		return Status{}, err
	}
	return c.run(ctx)
}

// cycle is the workflow's state. Fields change only in the main loop, update handlers and the signal loop.
type cycle struct {
	in              EmployeeCycleInput
	deadlines       Deadlines
	deadlineVersion int // bumped on every move, so waits recompute their timers
	phase           Phase
	seen            map[string]bool // request ids already processed

	plan        skp.Plan
	planState   string
	planVersion int

	monitoringOpen  bool
	midReported     bool
	midFeedback     bool
	annualReported  bool
	evaluationLate  bool // evaluation_due passed: the penilai may rate without a report
	rated           bool
	ratedBy         string // the penilai who rated: never the one to decide the appeal
	hasil, perilaku appraisal.Rating
	predikat        appraisal.Predikat

	dialogScheduled bool
	dialogRecorded  bool
	acknowledged    bool

	appealOpen     bool
	appealDeadline time.Time
	appealFiled    bool
	appealDecided  bool
	finalPredikat  appraisal.Predikat
	resultFinal    bool

	followUp     appraisal.FollowUp
	followUpDone bool
	posted       bool

	stepSeq int64             // numbers the steps applied, so the projection keeps the newest
	emails  []workflow.Future // deliveries under way; awaited before the workflow ends
}

func (c *cycle) status() Status {
	s := Status{
		CycleID: c.in.CycleID, NIP: c.in.Employee.NIP, Phase: c.phase,
		PlanState: c.planState, PlanVersion: c.planVersion,
		Predikat: c.predikat, FinalPredikat: c.finalPredikat, ResultFinal: c.resultFinal,
		AppealFiled: c.appealFiled, FollowUp: c.followUp, Posted: c.posted, Deadlines: Deadlines{},
	}
	for _, n := range DeadlineNames {
		s.Deadlines[n] = c.deadlines[n]
	}
	if !c.appealDeadline.IsZero() {
		d := c.appealDeadline
		s.AppealDeadline = &d
	}
	return s
}

func (c *cycle) snapshot() activities.Snapshot {
	return activities.Snapshot{
		Phase: string(c.phase), PlanState: c.planState, Predikat: string(c.predikat),
		FinalPredikat: string(c.finalPredikat), ResultFinal: c.resultFinal,
	}
}

func (c *cycle) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (Status, error) { return c.status(), nil }); err != nil {
		return err
	}
	moves := workflow.GetSignalChannel(ctx, SignalMoveDeadline)
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var m MoveDeadline
			moves.Receive(ctx, &m)
			if _, ok := c.deadlines[m.Name]; !ok || m.At.IsZero() {
				workflow.GetLogger(ctx).Warn("ignoring deadline move", "name", m.Name)
				continue
			}
			c.deadlines[m.Name] = m.At
			c.deadlineVersion++
		}
	})
	for _, h := range c.handlers() {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler,
			workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	return nil
}

func (c *cycle) run(ctx workflow.Context) (Status, error) {
	emp := c.in.Employee

	// 1. Perencanaan.
	c.apply(ctx, step{key: "enrolled", action: "cycle.enrolled", open: []activities.TaskSpec{
		c.task(TaskDraftPlan, activities.RolePegawai, emp.NIP, "Susun dan ajukan SKP "+c.in.CycleName, DeadlinePlan),
	}})
	c.waitFor(ctx, DeadlinePlan, func() bool { return c.planState == planApproved },
		func() (string, string, string) {
			if c.planState == planSubmitted {
				return activities.RolePenilai, c.in.Penilai.NIP, "Setujui atau kembalikan SKP " + emp.Name
			}
			return activities.RolePegawai, emp.NIP, "Ajukan SKP " + c.in.CycleName
		},
		TaskPlanOverdue, "SKP "+emp.Name+" belum ditetapkan melewati batas waktu", "")

	// 2. Pemantauan: report and feedback are awaited until the evaluation opens, not beyond.
	c.sleepUntil(ctx, DeadlineMonitoringStart)
	c.monitoringOpen = true
	c.phase = PhaseMonitoring
	c.apply(ctx, step{key: "monitoring-opened", action: "monitoring.opened", open: []activities.TaskSpec{
		c.task(TaskReportMidyear, activities.RolePegawai, emp.NIP, "Laporkan realisasi tengah tahun", DeadlineMonitoring),
	}})
	c.waitFor(ctx, DeadlineMonitoring, func() bool { return c.midFeedback },
		func() (string, string, string) {
			if c.midReported {
				return activities.RolePenilai, c.in.Penilai.NIP, "Berikan umpan balik tengah tahun untuk " + emp.Name
			}
			return activities.RolePegawai, emp.NIP, "Laporkan realisasi tengah tahun"
		}, "", "Pemantauan tengah tahun "+emp.Name+" belum selesai melewati batas waktu", DeadlineEvaluationStart)

	// 3. Penilaian.
	c.sleepUntil(ctx, DeadlineEvaluationStart)
	c.monitoringOpen = false
	c.phase = PhaseEvaluation
	c.apply(ctx, step{key: "evaluation-opened", action: "evaluation.opened",
		close: []string{TaskReportMidyear, TaskGiveFeedback},
		open: []activities.TaskSpec{
			c.task(TaskReportAnnual, activities.RolePegawai, emp.NIP, "Laporkan realisasi akhir tahun", DeadlineEvaluation),
		}})
	c.waitFor(ctx, DeadlineEvaluation, func() bool { return c.rated },
		func() (string, string, string) {
			if c.annualReported {
				return activities.RolePenilai, c.in.Penilai.NIP, "Nilai kinerja " + emp.Name
			}
			return activities.RolePegawai, emp.NIP, "Laporkan realisasi akhir tahun"
		}, TaskEvalOverdue, "Penilaian kinerja "+emp.Name+" belum selesai melewati batas waktu", "")

	// 4. Dialog kinerja: the result counts as received when acknowledged, or when the dialog
	// was held and dialog_due passed without an acknowledgement.
	c.waitFor(ctx, DeadlineDialog, func() bool {
		return c.acknowledged || (c.dialogRecorded && !workflow.Now(ctx).Before(c.deadlines[DeadlineDialog]))
	},
		func() (string, string, string) {
			if c.dialogRecorded {
				return activities.RolePegawai, emp.NIP, "Konfirmasi penerimaan hasil penilaian"
			}
			return activities.RolePenilai, c.in.Penilai.NIP, "Laksanakan dialog kinerja dengan " + emp.Name
		}, TaskDialogOverdue, "Dialog kinerja "+emp.Name+" belum selesai melewati batas waktu", "")

	// 5. Keberatan.
	c.phase = PhaseAppeal
	c.appealOpen = true
	c.appealDeadline = workflow.Now(ctx).Add(c.in.AppealWindow)
	due := c.appealDeadline
	c.apply(ctx, step{key: "appeal-window-opened", action: "appeal.window_opened",
		close: []string{TaskAcknowledge},
		notices: []activities.Notice{{Kind: "info", Role: activities.RolePegawai, NIP: emp.NIP, DueAt: &due,
			Title:  "Hasil penilaian kinerja Anda: " + c.predikat.Label(),
			Detail: "Bila tidak sependapat, Anda dapat mengajukan keberatan kepada atasan pejabat penilai sebelum batas waktu."}}})
	filed, _ := workflow.AwaitWithTimeout(ctx, c.appealDeadline.Sub(workflow.Now(ctx)), func() bool { return c.appealFiled })
	c.appealOpen = false
	if filed {
		c.waitForDecision(ctx)
	} else {
		c.finalPredikat = c.predikat
	}

	// 6. Tindak lanjut.
	c.resultFinal = true
	c.phase = PhaseFollowUp
	recommended := appraisal.RecommendFollowUp(c.finalPredikat)
	c.apply(ctx, step{key: "result-final", action: "result.final",
		record: activities.Record{FollowUpRecommended: &activities.FollowUpRecommended{
			Predikat: string(c.finalPredikat), Recommended: string(recommended)}},
		open: []activities.TaskSpec{c.task(TaskConfirmFollowUp, activities.RoleHR, "",
			fmt.Sprintf("Tetapkan tindak lanjut %s (%s, usulan: %s)", emp.Name, c.finalPredikat.Label(), recommended.Label()),
			DeadlineFollowUp)}})
	c.waitFor(ctx, DeadlineFollowUp, func() bool { return c.followUpDone },
		func() (string, string, string) {
			return activities.RoleHR, "", "Tetapkan tindak lanjut " + emp.Name
		}, "", "Tindak lanjut "+emp.Name+" belum ditetapkan melewati batas waktu", "")

	// 7. Pembayaran: the TPP kinerja posting of the final predikat.
	c.posted = true
	c.phase = PhaseDone
	c.apply(ctx, step{key: "tpp-posted", action: "payroll.posted", record: activities.Record{Posting: &activities.Posting{
		Period: fmt.Sprint(c.in.Year), Kind: "tpp_kinerja_tahunan", Predikat: string(c.finalPredikat)}}})

	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return Status{}, err
	}
	for _, f := range c.emails {
		// A failed email must not undo the year; it stays in the outbox for HR to see.
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("email delivery failed", "error", err)
		}
	}
	return c.status(), nil
}

// waitForDecision waits for the atasan's appeal decision, telling HR once the SLA passes.
func (c *cycle) waitForDecision(ctx workflow.Context) {
	decided, _ := workflow.AwaitWithTimeout(ctx, c.in.DecisionSLA, func() bool { return c.appealDecided })
	if decided {
		return
	}
	c.apply(ctx, step{key: "appeal-overdue", action: "appeal.decision_overdue",
		open: []activities.TaskSpec{{Kind: TaskAppealOverdue, Role: activities.RoleHR,
			Title: "Keberatan " + c.in.Employee.Name + " belum diputus atasan melewati batas waktu"}},
		notices: []activities.Notice{{Kind: "escalation", Role: activities.RoleAtasan, NIP: c.in.Atasan.NIP,
			Title: "Putuskan keberatan " + c.in.Employee.Name}}})
	_ = workflow.Await(ctx, func() bool { return c.appealDecided })
}

// waitFor waits until done, reminding whoever holds the step ReminderLead before the deadline and,
// once it passes, escalating to the atasan and HR (opening overdueTask for HR when given). A deadline
// HR moves later re-arms the reminder and the escalation. With giveUp set, it stops waiting at that date.
func (c *cycle) waitFor(ctx workflow.Context, name DeadlineName, done func() bool,
	holder func() (role, nip, title string), overdueTask, overdueTitle string, giveUp DeadlineName) {
	remindedFor, escalatedFor := time.Time{}, time.Time{}
	for !done() {
		due := c.deadlines[name]
		now := workflow.Now(ctx)
		if giveUp != "" && !now.Before(c.deadlines[giveUp]) {
			return
		}
		remindAt := due.Add(-c.in.ReminderLead)
		if now.Before(due) && !now.Before(remindAt) && !remindedFor.Equal(due) {
			remindedFor = due
			role, nip, title := holder()
			d := due
			c.apply(ctx, step{key: fmt.Sprintf("reminder-%s-%d", name, due.Unix()), action: "deadline.reminder",
				notices: []activities.Notice{{Kind: "reminder", Role: role, NIP: nip, Title: title, DueAt: &d}}})
			continue
		}
		if !now.Before(due) && !escalatedFor.Equal(due) {
			escalatedFor = due
			c.escalate(ctx, name, due, overdueTask, overdueTitle)
			continue
		}
		var wait time.Duration // zero: overdue and escalated, so wait for the step or a new date
		switch {
		case now.Before(remindAt):
			wait = remindAt.Sub(now)
		case now.Before(due):
			wait = due.Sub(now)
		}
		if giveUp != "" {
			if g := c.deadlines[giveUp].Sub(now); wait == 0 || g < wait {
				wait = g
			}
		}
		v := c.deadlineVersion
		cond := func() bool { return done() || c.deadlineVersion != v }
		if wait > 0 {
			_, _ = workflow.AwaitWithTimeout(ctx, wait, cond)
		} else {
			_ = workflow.Await(ctx, cond)
		}
	}
}

func (c *cycle) escalate(ctx workflow.Context, name DeadlineName, due time.Time, overdueTask, title string) {
	if name == DeadlineEvaluation {
		c.evaluationLate = true
	}
	d := due
	s := step{key: fmt.Sprintf("overdue-%s-%d", name, due.Unix()), action: "deadline.escalated"}
	if overdueTask != "" {
		// Both must step in: each gets a task (and its email), closed when the step is done.
		s.open = []activities.TaskSpec{
			{Kind: overdueTask, Role: activities.RoleAtasan, AssigneeNIP: c.in.Atasan.NIP, Title: title},
			{Kind: overdueTask, Role: activities.RoleHR, Title: title},
		}
	} else {
		s.notices = []activities.Notice{
			{Kind: "escalation", Role: activities.RoleAtasan, NIP: c.in.Atasan.NIP, Title: title, DueAt: &d},
			{Kind: "escalation", Role: activities.RoleHR, Title: title, DueAt: &d},
		}
	}
	c.apply(ctx, s)
}

// sleepUntil waits for a cycle date, following HR's moves of it.
func (c *cycle) sleepUntil(ctx workflow.Context, name DeadlineName) {
	for {
		wait := c.deadlines[name].Sub(workflow.Now(ctx))
		if wait <= 0 {
			return
		}
		v := c.deadlineVersion
		_, _ = workflow.AwaitWithTimeout(ctx, wait, func() bool { return c.deadlineVersion != v })
	}
}

func (c *cycle) task(kind, role, nip, title string, due DeadlineName) activities.TaskSpec {
	d := c.deadlines[due]
	return activities.TaskSpec{Kind: kind, Role: role, AssigneeNIP: nip, Title: title, DueAt: &d}
}

// step is what a workflow step hands to apply.
type step struct {
	key   string
	actor string
	// onBehalfOf is the delegate who acted for actor, if any.
	onBehalfOf string
	action     string
	record     activities.Record
	close      []string
	open       []activities.TaskSpec
	notices    []activities.Notice
	before     *activities.Snapshot
}

// activityOptions retry every write until the database takes it: a step is never dropped.
var activityOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
	},
}

// apply writes a step through the ApplyStep activity, then starts delivering its emails.
// Activities retry until the database takes the write, so apply never gives up.
func (c *cycle) apply(ctx workflow.Context, s step) {
	actor := s.actor
	if actor == "" {
		actor = systemActor
	}
	before := c.snapshot()
	if s.before != nil {
		before = *s.before
	}
	c.stepSeq++
	st := activities.Step{
		Seq:        c.stepSeq,
		Key:        workflow.GetInfo(ctx).WorkflowExecution.ID + "/" + s.key,
		CycleID:    c.in.CycleID,
		NIP:        c.in.Employee.NIP,
		ActorNIP:   actor,
		OnBehalfOf: s.onBehalfOf,
		Action:     s.action,
		At:         workflow.Now(ctx),
		Before:     before,
		After:      c.snapshot(),
		Record:     s.record,
		CloseTasks: s.close, OpenTasks: s.open, Notices: s.notices,
	}
	ctx = workflow.WithActivityOptions(ctx, activityOptions)
	var res activities.StepResult
	if err := workflow.ExecuteActivity(ctx, a.ApplyStep, st).Get(ctx, &res); err != nil {
		// Only a non-retryable error reaches here: a bug, not a passing fault. Keep the year going.
		workflow.GetLogger(ctx).Error("step not recorded", "step", s.key, "error", err)
		return
	}
	if len(res.EmailKeys) > 0 {
		c.emails = append(c.emails, workflow.ExecuteActivity(ctx, a.DeliverEmails, res.EmailKeys))
	}
}

// reject builds the error a validator returns: the code tells the API the status, the message the user why.
func reject(code, format string, args ...any) error {
	return temporal.NewApplicationErrorWithOptions(fmt.Sprintf(format, args...), code,
		temporal.ApplicationErrorOptions{NonRetryable: true})
}

// checkRequest is the first check of every update: a request id that is new, from the expected person.
func (c *cycle) checkRequest(r Request, who string, nip string) error {
	if strings.TrimSpace(r.RequestID) == "" {
		return reject(ErrInvalid, "request_id: wajib diisi")
	}
	if c.seen[r.RequestID] {
		return reject(ErrDuplicate, "permintaan %s sudah diproses sebelumnya", r.RequestID)
	}
	switch who {
	case activities.RoleHR:
		if !r.Actor.HR {
			return reject(ErrForbidden, "langkah ini hanya dapat dilakukan oleh pengelola kinerja (BKPSDM)")
		}
	default:
		if r.Actor.NIP != nip {
			return reject(ErrForbidden, "langkah ini hanya dapat dilakukan oleh %s", roleName(who))
		}
	}
	return nil
}

func roleName(role string) string {
	switch role {
	case activities.RolePegawai:
		return "pegawai yang bersangkutan"
	case activities.RolePenilai:
		return "pejabat penilai kinerja"
	case activities.RoleAtasan:
		return "atasan pejabat penilai"
	}
	return role
}
