package workflows

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/period"
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

// Versions of EmployeeCycle's command order (workflow.GetVersion). A year started before a change
// replays on the branch it started on; every new year takes the newest.
const (
	versionChangeID = "employee-cycle"
	// versionTrustworthy: steps are written by one writer in the order decided; email is left to
	// the outbox's own delivery; a step that cannot be written blocks the year visibly instead of
	// being dropped; deadline moves reach open tasks; every wait after its deadline has a way out;
	// the distribution rule may hold a result before it becomes final.
	versionTrustworthy workflow.Version = 1

	// pacedChangeID: reminders and escalations of a deadline fire at PacedAt, spread over
	// deadlineWorkSpread, not at the same instant for every year; lateness is still judged at
	// the date itself. Years started before keep firing at the date.
	pacedChangeID                  = "paced-deadline-work"
	versionPaced  workflow.Version = 1
)

// After a step's write failed for good, the year retries it this often (or at once on HR's UpdateResume).
const blockedRetryEvery = 10 * time.Minute

// Floors that keep a late step from leaving the next person no time at all.
const (
	minDialogTime   = 7 * 24 * time.Hour // from the rating to the result counting as delivered
	minFollowUpTime = 7 * 24 * time.Hour // from the final result to the follow-up standing as recommended
)

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
	c.workflowID = workflow.GetInfo(ctx).WorkflowExecution.ID
	c.version = workflow.GetVersion(ctx, versionChangeID, workflow.DefaultVersion, versionTrustworthy)
	if workflow.GetVersion(ctx, pacedChangeID, workflow.DefaultVersion, versionPaced) == versionPaced {
		c.paceSpread = deadlineWorkSpread(in.ReminderLead)
	}
	if workflow.GetVersion(ctx, periodsChangeID, workflow.DefaultVersion, versionPeriods) == versionPeriods {
		if k, err := period.ParseKind(in.EvaluationPeriod); err == nil && k.Periodic() {
			c.kind, c.periodic = k, true
			c.mutasiOK = workflow.GetVersion(ctx, mutasiChangeID, workflow.DefaultVersion, versionMutasi) == versionMutasi
			c.mutasiChecked = c.mutasiOK &&
				workflow.GetVersion(ctx, mutasiCheckedChangeID, workflow.DefaultVersion, versionMutasiChecked) == versionMutasiChecked
			c.cal = period.DefaultCalendar
			if in.PeriodCalendar != nil &&
				workflow.GetVersion(ctx, calendarChangeID, workflow.DefaultVersion, versionCalendar) == versionCalendar {
				c.cal = *in.PeriodCalendar
			}
		}
	}
	if in.Carried != nil {
		c.restore(in.Carried)
	}
	if err := c.setup(ctx); err != nil {
		return Status{}, err
	}
	return c.run(ctx)
}

// cycle is the workflow's state. Fields change only in the main loop, update handlers, the signal
// loops and the step writer.
type cycle struct {
	in              EmployeeCycleInput
	version         workflow.Version
	paceSpread      time.Duration    // 0: deadline work fires at the date (years started before pacing)
	workflowID      string           // PacedAt's key
	now             func() time.Time // workflow time, for validators
	deadlines       Deadlines
	deadlineVersion int // bumped on every move, so waits recompute their timers
	phase           Phase
	seen            map[string]bool // request ids already processed
	seenOrder       []string        // the same, in the order processed: what a periodic year carries

	plan        skp.Plan
	planState   string
	planVersion int

	monitoringOpen  bool
	midReported     bool
	midFeedback     bool
	annualReported  bool
	evaluationLate  bool // evaluation_due passed: the penilai may rate without a report
	rated           bool
	ratedAt         time.Time
	raters          []string // who rated, in person or as Plt/Plh: never the ones to decide the appeal
	hasil, perilaku appraisal.Rating
	predikat        appraisal.Predikat
	unrated         bool // no rating by followup_due: the year ended without a predikat

	dialogScheduled bool
	dialogRecorded  bool
	acknowledged    bool

	appealOpen     bool
	appealDeadline time.Time
	appealFiled    bool
	appealDecided  bool
	finalPredikat  appraisal.Predikat
	resultFinal    bool
	finalAt        time.Time

	followUp     appraisal.FollowUp
	followUpDone bool
	posted       bool

	closed      bool // HR closed the year early
	closeReason string

	heldBy  string // the distribution rule holds the result: why
	recheck bool   // SignalRecheckDistribution arrived

	stepSeq      int64          // numbers the steps in the order decided
	queue        []*pendingStep // decided, not yet written (versionTrustworthy)
	blocked      string         // why the step at the head of the queue cannot be written
	resumeAsked  bool
	legacyEmails []workflow.Future // deliveries under way (years started before versionTrustworthy)

	// A periodic year (versionPeriods): its periods, the one open now, those closed, and whether
	// this run ends by continuing as new.
	kind          period.Kind
	cal           period.Calendar // the periods' calendar, set with kind
	periodic      bool
	nextPeriod    int
	open          *openPeriod
	periodResults []PeriodResult
	canNext       bool
	moves         workflow.ReceiveChannel

	// A mutasi HR recorded (versionMutasi): the old SKP, its penilai, and the new position.
	mutasiOK bool
	mutasi   *MutasiState
	// mutasiChecked (versionMutasiChecked): the mutasi names a position of the org data, and a
	// reassignment waits until a recorded mutasi took effect.
	mutasiChecked bool
}

// pendingStep is a step waiting for the writer; done once it is in PostgreSQL.
type pendingStep struct {
	step activities.Step
	done bool
}

func (c *cycle) trustworthy() bool { return c.version >= versionTrustworthy }

func (c *cycle) status() Status {
	s := Status{
		CycleID: c.in.CycleID, NIP: c.in.Employee.NIP, Phase: c.phase,
		PlanState: c.planState, PlanVersion: c.planVersion,
		Predikat: c.predikat, FinalPredikat: c.finalPredikat, ResultFinal: c.resultFinal,
		AppealFiled: c.appealFiled, FollowUp: c.followUp, Posted: c.posted, Deadlines: Deadlines{},
		Unrated: c.unrated, ClosedReason: c.closeReason, Blocked: c.blocked, HeldByDistribution: c.heldBy,
	}
	if c.periodic {
		s.EvaluationPeriod, s.Period = string(c.kind), c.periodStatus()
		s.PeriodResults = append([]PeriodResult(nil), c.periodResults...)
	}
	if m := c.mutasi; m != nil {
		s.Mutasi = &MutasiStatus{Date: m.Date, PositionID: m.PositionID, Position: m.Position, Unit: m.Unit, FromPenilai: m.From, ToPenilai: m.To,
			ClosedPlanVersion: m.OldPlanVersion, Applied: m.Applied, PlanDue: m.PlanDue}
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
	c.now = func() time.Time { return workflow.Now(ctx) }
	if err := workflow.SetQueryHandler(ctx, QueryStatus, func() (Status, error) { return c.status(), nil }); err != nil {
		return err
	}
	moves := workflow.GetSignalChannel(ctx, SignalMoveDeadline)
	c.moves = moves
	workflow.Go(ctx, func(ctx workflow.Context) {
		for {
			var m MoveDeadline
			moves.Receive(ctx, &m)
			c.moveDeadline(ctx, m)
		}
	})
	if c.trustworthy() {
		workflow.Go(ctx, c.writeSteps)
		recheck := workflow.GetSignalChannel(ctx, SignalRecheckDistribution)
		workflow.Go(ctx, func(ctx workflow.Context) {
			for {
				recheck.Receive(ctx, nil)
				c.recheck = true
			}
		})
	}
	for _, h := range c.handlers() {
		if err := workflow.SetUpdateHandlerWithOptions(ctx, h.name, h.handler,
			workflow.UpdateHandlerOptions{Validator: h.validator}); err != nil {
			return err
		}
	}
	if c.mutasi != nil && !(c.mutasi.Applied && c.planState == planApproved) {
		workflow.Go(ctx, c.runMutasi) // carried across continue-as-new: its date, or the new SKP, still to come
	}
	return nil
}

// moveDeadline takes HR's new date. Waits recompute their timers; open tasks that showed the old
// date move with it and their holders are told.
func (c *cycle) moveDeadline(ctx workflow.Context, m MoveDeadline) {
	from, ok := c.deadlines[m.Name]
	if !ok || m.At.IsZero() {
		workflow.GetLogger(ctx).Warn("ignoring deadline move", "name", m.Name)
		return
	}
	c.deadlines[m.Name] = m.At
	c.deadlineVersion++
	if !c.trustworthy() || from.Equal(m.At) || c.ended() {
		return
	}
	c.apply(ctx, step{key: fmt.Sprintf("deadline-moved-%s-%d-%d", m.Name, m.At.Unix(), c.deadlineVersion),
		action: "deadline.moved", record: activities.Record{DeadlineMoved: &activities.DeadlineMoved{
			Name: string(m.Name), From: from, To: m.At}}})
}

// ended: nothing more will happen in this year.
func (c *cycle) ended() bool { return c.closed || c.unrated || c.phase == PhaseDone }

// run walks the phases in order; a year HR closes, or that ends unrated, stops where it stands.
func (c *cycle) run(ctx workflow.Context) (Status, error) {
	phases := []func(workflow.Context){c.planning, c.monitoring, c.evaluation, c.dialog, c.appeal, c.followUpPhase, c.payment}
	if c.periodic {
		phases = []func(workflow.Context){c.planning, c.periods, c.evaluation, c.dialog, c.appeal, c.followUpPhase, c.payment}
		if c.in.Carried != nil {
			phases = phases[1:] // planned in the first run
		}
	}
	for _, p := range phases {
		if c.closed || c.unrated {
			break
		}
		if p(ctx); c.canNext {
			return Status{}, c.continueAsNew(ctx)
		}
	}
	// Every decided step is written and every handler has answered before the year completes.
	if err := workflow.Await(ctx, func() bool { return len(c.queue) == 0 && workflow.AllHandlersFinished(ctx) }); err != nil {
		return Status{}, err
	}
	for _, f := range c.legacyEmails {
		// A failed email must not undo the year; it stays in the outbox for HR to see.
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Error("email delivery failed", "error", err)
		}
	}
	return c.status(), nil
}

// 1. Perencanaan. Past plan_due HR may set the SKP itself (UpdateSetPlan) or close the year.
func (c *cycle) planning(ctx workflow.Context) {
	emp := c.in.Employee
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
		TaskPlanOverdue, "SKP "+emp.Name+" belum ditetapkan melewati batas waktu", nil)
}

// 2. Pemantauan: report and feedback are awaited until the evaluation opens, not beyond.
func (c *cycle) monitoring(ctx workflow.Context) {
	emp := c.in.Employee
	if c.sleepUntil(ctx, DeadlineMonitoringStart); c.closed {
		return
	}
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
		}, "", "Pemantauan tengah tahun "+emp.Name+" belum selesai melewati batas waktu", c.dateOf(DeadlineEvaluationStart))
}

// 3. Penilaian. A rating that never comes is escalated at evaluation_due (HR may reassign the
// penilai); at followup_due the year ends unrated, with nothing posted.
func (c *cycle) evaluation(ctx workflow.Context) {
	emp := c.in.Employee
	if c.sleepUntil(ctx, DeadlineEvaluationStart); c.closed {
		return
	}
	c.monitoringOpen = false
	c.phase = PhaseEvaluation
	c.apply(ctx, step{key: "evaluation-opened", action: "evaluation.opened",
		close: []string{TaskReportMidyear, TaskGiveFeedback},
		open: []activities.TaskSpec{
			c.task(TaskReportAnnual, activities.RolePegawai, emp.NIP, "Laporkan realisasi akhir tahun", DeadlineEvaluation),
		}})
	var giveUp func() time.Time
	if c.trustworthy() {
		giveUp = c.dateOf(DeadlineFollowUp)
	}
	c.waitFor(ctx, DeadlineEvaluation, func() bool { return c.rated },
		func() (string, string, string) {
			if c.annualReported {
				return activities.RolePenilai, c.in.Penilai.NIP, "Nilai kinerja " + emp.Name
			}
			return activities.RolePegawai, emp.NIP, "Laporkan realisasi akhir tahun"
		}, TaskEvalOverdue, "Penilaian kinerja "+emp.Name+" belum selesai melewati batas waktu", giveUp)
	if c.rated || c.closed || !c.trustworthy() {
		return
	}
	c.unrated, c.phase = true, PhaseDone
	c.apply(ctx, step{key: "unrated", action: "result.unrated", closeAll: true, notices: []activities.Notice{
		{Kind: "info", Role: activities.RolePegawai, NIP: emp.NIP, Title: "Tahun kinerja " + c.in.CycleName + " berakhir tanpa penilaian",
			Detail: "Pejabat penilai tidak memberikan penilaian sampai batas waktu tindak lanjut. Hubungi pengelola kinerja (BKPSDM)."},
		{Kind: "escalation", Role: activities.RoleHR, Title: "Tahun kinerja " + emp.Name + " berakhir tanpa penilaian"},
	}})
}

// 4. Dialog kinerja: the result counts as received when acknowledged, or when the dialog was held
// and dialog_due passed. A dialog not held by dialog_due is escalated, and the result counts as
// delivered at dialog_due (at the earliest minDialogTime after a late rating).
func (c *cycle) dialog(ctx workflow.Context) {
	emp := c.in.Employee
	overdueTask, title := TaskDialogOverdue, "Dialog kinerja "+emp.Name+" belum selesai melewati batas waktu"
	deliveredBy := c.dateOf(DeadlineDialog)
	var giveUp func() time.Time
	if c.trustworthy() {
		overdueTask = "" // an escalation by notice: a task would outlive its reason when the result is delivered
		deliveredBy = func() time.Time { return latest(c.deadlines[DeadlineDialog], c.ratedAt.Add(minDialogTime)) }
		giveUp = deliveredBy
	}
	escalated := c.waitFor(ctx, DeadlineDialog, func() bool {
		return c.acknowledged || (c.dialogRecorded && !workflow.Now(ctx).Before(deliveredBy()))
	},
		func() (string, string, string) {
			if c.dialogRecorded {
				return activities.RolePegawai, emp.NIP, "Konfirmasi penerimaan hasil penilaian"
			}
			return activities.RolePenilai, c.in.Penilai.NIP, "Laksanakan dialog kinerja dengan " + emp.Name
		}, overdueTask, title, giveUp)
	if c.trustworthy() && !escalated && !c.closed && !c.dialogRecorded {
		// Gave up at the deadline itself: the atasan and HR still hear that no dialog was held.
		c.escalate(ctx, DeadlineDialog, c.deadlines[DeadlineDialog], "", title)
	}
}

// 5. Keberatan: the window runs from the result's receipt; an undecided appeal goes to HR after the SLA.
func (c *cycle) appeal(ctx workflow.Context) {
	if c.closed {
		return
	}
	emp := c.in.Employee
	c.phase = PhaseAppeal
	c.appealOpen = true
	c.appealDeadline = workflow.Now(ctx).Add(c.in.AppealWindow)
	due := c.appealDeadline
	closeKinds := []string{TaskAcknowledge}
	if c.trustworthy() {
		closeKinds = []string{TaskScheduleDialog, TaskRecordDialog, TaskAcknowledge, TaskDialogOverdue}
	}
	c.apply(ctx, step{key: "appeal-window-opened", action: "appeal.window_opened",
		close: closeKinds,
		notices: []activities.Notice{{Kind: "info", Role: activities.RolePegawai, NIP: emp.NIP, DueAt: &due,
			Title:  "Hasil penilaian kinerja Anda: " + c.predikat.Label(),
			Detail: "Bila tidak sependapat, Anda dapat mengajukan keberatan kepada atasan pejabat penilai sebelum batas waktu."}}})
	_, _ = workflow.AwaitWithTimeout(ctx, c.appealDeadline.Sub(workflow.Now(ctx)), func() bool { return c.appealFiled || c.closed })
	c.appealOpen = false
	switch {
	case c.closed:
	case c.appealFiled:
		c.waitForDecision(ctx)
	default:
		c.finalPredikat = c.predikat
	}
}

// 6. Tindak lanjut. At followup_due (at the earliest minFollowUpTime after the result became final)
// the recommended follow-up stands if HR has not set one.
func (c *cycle) followUpPhase(ctx workflow.Context) {
	if c.trustworthy() {
		c.holdForDistribution(ctx)
	}
	if c.closed {
		return
	}
	emp := c.in.Employee
	c.resultFinal = true
	c.finalAt = workflow.Now(ctx)
	c.phase = PhaseFollowUp
	recommended := appraisal.RecommendFollowUp(c.finalPredikat)
	closeKinds := []string(nil)
	if c.trustworthy() {
		closeKinds = []string{TaskDecideAppeal, TaskAppealOverdue}
	}
	c.apply(ctx, step{key: "result-final", action: "result.final", close: closeKinds,
		record: activities.Record{FollowUpRecommended: &activities.FollowUpRecommended{
			Predikat: string(c.finalPredikat), Recommended: string(recommended)}},
		open: []activities.TaskSpec{c.task(TaskConfirmFollowUp, activities.RoleHR, "",
			fmt.Sprintf("Tetapkan tindak lanjut %s (%s, usulan: %s)", emp.Name, c.finalPredikat.Label(), recommended.Label()),
			DeadlineFollowUp)}})
	var giveUp func() time.Time
	if c.trustworthy() {
		giveUp = func() time.Time { return latest(c.deadlines[DeadlineFollowUp], c.finalAt.Add(minFollowUpTime)) }
	}
	c.waitFor(ctx, DeadlineFollowUp, func() bool { return c.followUpDone },
		func() (string, string, string) {
			return activities.RoleHR, "", "Tetapkan tindak lanjut " + emp.Name
		}, "", "Tindak lanjut "+emp.Name+" belum ditetapkan melewati batas waktu", giveUp)
	if c.followUpDone || c.closed || !c.trustworthy() {
		return
	}
	before := c.snapshot()
	c.followUp, c.followUpDone = recommended, true
	c.apply(ctx, step{key: "followup-defaulted", action: "followup.defaulted", before: &before,
		record: activities.Record{FollowUpDecided: &activities.FollowUpDecided{Decided: string(recommended),
			Notes: "Ditetapkan sesuai usulan karena batas waktu tindak lanjut terlewati"}},
		close: []string{TaskConfirmFollowUp}})
}

// 7. Pembayaran: the TPP kinerja posting of the final predikat.
func (c *cycle) payment(ctx workflow.Context) {
	if c.closed {
		return
	}
	c.posted = true
	c.phase = PhaseDone
	c.apply(ctx, step{key: "tpp-posted", action: "payroll.posted", closeAll: c.trustworthy(),
		record: activities.Record{Posting: &activities.Posting{
			Period: fmt.Sprint(c.in.Year), Kind: "tpp_kinerja_tahunan", Predikat: string(c.finalPredikat)}}})
}

// holdForDistribution keeps the result from becoming final while the employee's unit breaks the
// distribution rule of SE MenPANRB 03/2023 in a cycle that blocks, until HR records a justification
// or the counts fit again; HR gets a task meanwhile. Each SignalRecheckDistribution checks again.
func (c *cycle) holdForDistribution(ctx workflow.Context) {
	mctx := workflow.WithActivityOptions(ctx, markOptions)
	emp := c.in.Employee
	for !c.closed {
		c.recheck = false
		var v activities.DistributionVerdict
		if err := workflow.ExecuteActivity(mctx, a.CheckDistribution, activities.DistributionQuery{
			CycleID: c.in.CycleID, NIP: emp.NIP}).Get(ctx, &v); err != nil {
			return // retried until it answers; only a cancelled workflow gets here
		}
		if !v.Holds {
			if c.heldBy != "" {
				c.heldBy = ""
				c.apply(ctx, step{key: "distribution-released", action: "result.released", close: []string{activities.TaskDistributionHold}})
			}
			return
		}
		if c.heldBy == "" {
			c.heldBy = v.Summary
			c.apply(ctx, step{key: "distribution-held", action: "result.held",
				open: []activities.TaskSpec{{Kind: activities.TaskDistributionHold, Role: activities.RoleHR,
					Title: "Hasil " + emp.Name + " tertahan: " + v.Summary + ". Tinjau sebaran atau catat justifikasi."}},
				notices: []activities.Notice{{Kind: "info", Role: activities.RolePegawai, NIP: emp.NIP,
					Title:  "Hasil penilaian kinerja Anda menunggu pemeriksaan sebaran predikat unit",
					Detail: "Pengelola kinerja sedang meninjau sebaran predikat unit Anda sesuai SE MenPANRB 03/2023."}}})
		}
		c.heldBy = v.Summary
		_ = workflow.Await(ctx, func() bool { return c.recheck || c.closed })
	}
}

// waitForDecision waits for the atasan's appeal decision, telling HR once the SLA passes; HR may
// then reassign the atasan (the new one inherits the task) or close the year.
func (c *cycle) waitForDecision(ctx workflow.Context) {
	decided, _ := workflow.AwaitWithTimeout(ctx, c.in.DecisionSLA, func() bool { return c.appealDecided || c.closed })
	if decided {
		return
	}
	c.apply(ctx, step{key: "appeal-overdue", action: "appeal.decision_overdue",
		open: []activities.TaskSpec{{Kind: TaskAppealOverdue, Role: activities.RoleHR,
			Title: "Keberatan " + c.in.Employee.Name + " belum diputus atasan melewati batas waktu"}},
		notices: []activities.Notice{{Kind: "escalation", Role: activities.RoleAtasan, NIP: c.in.Atasan.NIP,
			Title: "Putuskan keberatan " + c.in.Employee.Name}}})
	_ = workflow.Await(ctx, func() bool { return c.appealDecided || c.closed })
}

// dateOf follows a deadline through HR's moves.
func (c *cycle) dateOf(name DeadlineName) func() time.Time {
	return func() time.Time { return c.deadlines[name] }
}

func latest(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// waitFor waits until done, reminding whoever holds the step ReminderLead before the deadline and,
// once it passes, escalating to the atasan and HR (opening overdueTask for both when given). A
// deadline HR moves later re-arms the reminder and the escalation. With giveUp set, it stops
// waiting at that date; it always stops when HR closes the year. It tells whether it escalated.
func (c *cycle) waitFor(ctx workflow.Context, name DeadlineName, done func() bool,
	holder func() (role, nip, title string), overdueTask, overdueTitle string, giveUp func() time.Time) (escalated bool) {
	remindedFor, escalatedFor := time.Time{}, time.Time{}
	for !done() && !c.closed {
		due := c.deadlines[name]
		now := workflow.Now(ctx)
		if giveUp != nil && !now.Before(giveUp()) {
			break
		}
		remindAt, escalateAt := c.paced(due.Add(-c.in.ReminderLead)), c.paced(due)
		if now.Before(due) && !now.Before(remindAt) && !remindedFor.Equal(due) {
			remindedFor = due
			role, nip, title := holder()
			d := due
			c.apply(ctx, step{key: fmt.Sprintf("reminder-%s-%d", name, due.Unix()), action: "deadline.reminder",
				notices: []activities.Notice{{Kind: "reminder", Role: role, NIP: nip, Title: title, DueAt: &d}}})
			continue
		}
		if !now.Before(escalateAt) && !escalatedFor.Equal(due) {
			escalatedFor = due
			c.escalate(ctx, name, due, overdueTask, overdueTitle)
			continue
		}
		var wait time.Duration // zero: overdue and escalated, so wait for the step or a new date
		switch {
		case now.Before(remindAt):
			wait = remindAt.Sub(now)
		case now.Before(escalateAt):
			wait = escalateAt.Sub(now)
		}
		if giveUp != nil {
			if g := giveUp().Sub(now); wait == 0 || g < wait {
				wait = g
			}
		}
		v := c.deadlineVersion
		cond := func() bool { return done() || c.closed || c.deadlineVersion != v }
		if wait > 0 {
			_, _ = workflow.AwaitWithTimeout(ctx, wait, cond)
		} else {
			_ = workflow.Await(ctx, cond)
		}
	}
	return !escalatedFor.IsZero()
}

// paced is when this year does the work a shared date triggers (workflows.PacedAt).
func (c *cycle) paced(at time.Time) time.Time {
	return PacedAt(c.workflowID, at, c.paceSpread)
}

// lateFor judges lateness at the date itself, whenever the paced escalation comes.
func (c *cycle) lateFor(name DeadlineName) bool {
	return c.paceSpread > 0 && !c.now().Before(c.deadlines[name])
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

// sleepUntil waits for a cycle date, following HR's moves of it, or until HR closes the year.
func (c *cycle) sleepUntil(ctx workflow.Context, name DeadlineName) {
	for !c.closed {
		wait := c.deadlines[name].Sub(workflow.Now(ctx))
		if wait <= 0 {
			return
		}
		v := c.deadlineVersion
		_, _ = workflow.AwaitWithTimeout(ctx, wait, func() bool { return c.deadlineVersion != v || c.closed })
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
	closeAll   bool
	open       []activities.TaskSpec
	notices    []activities.Notice
	before     *activities.Snapshot
	// closing is HR's close of the year: the one step written after the year is closed.
	closing bool
}

// stepOptions retry a write a bounded number of times; a step that still fails blocks the year
// (see write) rather than being dropped. bad_step errors are never retried. A step is one short
// transaction: 30 s is long enough, and is how soon a worker that died mid-step is retried elsewhere.
var stepOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Second,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute, MaximumAttempts: 6,
		NonRetryableErrorTypes: []string{activities.ErrBadStep},
	},
}

// markOptions retry the blocked marker until the database takes it: it is tiny and must land.
var markOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute},
}

// legacyOptions are the write options of years started before versionTrustworthy.
var legacyOptions = workflow.ActivityOptions{
	StartToCloseTimeout: time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute,
	},
}

// apply hands a step to the writer, numbered in the order the workflow decided it, and returns
// once it is in PostgreSQL. After HR closed the year only the closing step is written.
func (c *cycle) apply(ctx workflow.Context, s step) {
	if c.closed && !s.closing {
		return
	}
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
		CloseTasks: s.close, CloseAllTasks: s.closeAll, OpenTasks: s.open, Notices: s.notices,
	}
	if !c.trustworthy() {
		c.applyLegacy(ctx, st)
		return
	}
	p := &pendingStep{step: st}
	c.queue = append(c.queue, p)
	_ = workflow.Await(ctx, func() bool { return p.done })
}

// writeSteps is the year's one writer: steps reach PostgreSQL one at a time, in the order decided,
// so an approval can never be overtaken by the escalation it cancelled.
func (c *cycle) writeSteps(ctx workflow.Context) {
	for {
		_ = workflow.Await(ctx, func() bool { return len(c.queue) > 0 })
		p := c.queue[0]
		c.write(ctx, p.step)
		c.queue = c.queue[1:]
		p.done = true
	}
}

// write applies one step, however long it takes. A step whose write keeps failing blocks the year:
// HR sees why (projection, task, email) and the write is tried again every blockedRetryEvery or on
// UpdateResume, until it lands and the year goes on.
func (c *cycle) write(ctx workflow.Context, st activities.Step) {
	actx := workflow.WithActivityOptions(ctx, stepOptions)
	mctx := workflow.WithActivityOptions(ctx, markOptions)
	for {
		err := workflow.ExecuteActivity(actx, a.ApplyStep, st).Get(ctx, nil)
		if err == nil {
			if c.blocked != "" {
				c.blocked = ""
				_ = workflow.ExecuteActivity(mctx, a.MarkBlocked, activities.Blocked{Key: st.Key, CycleID: st.CycleID,
					NIP: st.NIP, Action: st.Action, At: workflow.Now(ctx)}).Get(ctx, nil)
			}
			return
		}
		reason := failureReason(err)
		workflow.GetLogger(ctx).Error("step not written; the year is blocked", "step", st.Key, "error", err)
		if reason != c.blocked {
			c.blocked = reason
			_ = workflow.ExecuteActivity(mctx, a.MarkBlocked, activities.Blocked{Key: st.Key, CycleID: st.CycleID,
				NIP: st.NIP, Action: st.Action, Reason: reason, At: workflow.Now(ctx)}).Get(ctx, nil)
		}
		c.resumeAsked = false
		_, _ = workflow.AwaitWithTimeout(ctx, blockedRetryEvery, func() bool { return c.resumeAsked })
	}
}

// failureReason is the innermost message of an activity failure, for HR to read.
func failureReason(err error) string {
	var ae *temporal.ApplicationError
	if errors.As(err, &ae) {
		return ae.Error()
	}
	var te *temporal.TimeoutError
	if errors.As(err, &te) {
		return "penulisan ke basis data melewati batas waktu"
	}
	return err.Error()
}

// applyLegacy is how years started before versionTrustworthy write a step: inline, then emails.
func (c *cycle) applyLegacy(ctx workflow.Context, st activities.Step) {
	ctx = workflow.WithActivityOptions(ctx, legacyOptions)
	var res activities.StepResult
	if err := workflow.ExecuteActivity(ctx, a.ApplyStep, st).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Error("step not recorded", "step", st.Key, "error", err)
		return
	}
	if len(res.EmailKeys) > 0 {
		c.legacyEmails = append(c.legacyEmails, workflow.ExecuteActivity(ctx, a.DeliverEmails, res.EmailKeys))
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
	if c.closed {
		return reject(ErrWrongPhase, "tahun kinerja ini sudah ditutup oleh pengelola kinerja (%s)", CloseReasons[c.closeReason])
	}
	emp := c.in.Employee.NIP
	switch who {
	case activities.RoleHR:
		if !r.Actor.HR {
			return reject(ErrForbidden, "langkah ini hanya dapat dilakukan oleh pengelola kinerja (BKPSDM)")
		}
		if r.Actor.NIP == emp || r.Actor.OnBehalfOf == emp {
			return reject(ErrForbidden, "Anda tidak dapat bertindak sebagai pengelola kinerja atas tahun kinerja Anda sendiri")
		}
	case activities.RolePenilai, activities.RoleAtasan:
		if r.Actor.NIP == emp || r.Actor.OnBehalfOf == emp {
			return reject(ErrForbidden, "Anda tidak dapat bertindak sebagai %s atas tahun kinerja Anda sendiri", roleName(who))
		}
		if r.Actor.NIP != nip {
			return reject(ErrForbidden, "langkah ini hanya dapat dilakukan oleh %s", roleName(who))
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
