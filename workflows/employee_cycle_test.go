package workflows

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"go.temporal.io/sdk/log"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/skp"
)

var t0 = time.Date(2026, 1, 2, 8, 0, 0, 0, time.UTC)

const day = 24 * time.Hour

// testWorkflowID is the ID the SDK's test environment gives the workflow under test.
const testWorkflowID = "default-test-workflow-id"

// paced is when the year under test does the work of a date (PacedAt with the test input's spread).
func paced(at time.Time) time.Time {
	return PacedAt(testWorkflowID, at, deadlineWorkSpread(testInput().ReminderLead))
}

func testInput() EmployeeCycleInput {
	return EmployeeCycleInput{
		CycleID: 7, CycleName: "Penilaian Kinerja 2026", Year: 2026,
		Employee: Person{NIP: "199001012020011001", Name: "Budi"},
		Penilai:  Person{NIP: "198001012010011002", Name: "Sari"},
		Atasan:   Person{NIP: "197001012000011003", Name: "Hadi"},
		Deadlines: Deadlines{
			DeadlinePlan:            t0.Add(29 * day),
			DeadlineMonitoringStart: t0.Add(180 * day),
			DeadlineMonitoring:      t0.Add(210 * day),
			DeadlineEvaluationStart: t0.Add(350 * day),
			DeadlineEvaluation:      t0.Add(380 * day),
			DeadlineDialog:          t0.Add(395 * day),
			DeadlineFollowUp:        t0.Add(410 * day),
		},
		AppealWindow: 14 * day, DecisionSLA: 14 * day, ReminderLead: 3 * day,
	}
}

var (
	employee = Actor{NIP: "199001012020011001"}
	penilai  = Actor{NIP: "198001012010011002"}
	atasan   = Actor{NIP: "197001012000011003"}
	hr       = Actor{NIP: "196001011990011004", HR: true}
)

func testPlan() skp.Plan {
	return skp.Plan{Approach: "kuantitatif", Items: []skp.Item{{Kind: "utama", RHK: "Layanan perizinan tepat waktu",
		Aspect: "kuantitas", IKI: "Jumlah izin terbit", Target: "120", Unit: "izin"}}}
}

// harness runs the workflow in the SDK test environment with virtual time, recording every step
// the workflow asks ApplyStep to write and every update's outcome.
type harness struct {
	t   *testing.T
	env *testsuite.TestWorkflowEnvironment

	mu       sync.Mutex
	steps    []activities.Step
	rejected map[string]error // by request id
	accepted map[string]Status
	marks    []activities.Blocked // MarkBlocked calls
	// hook, when set, runs inside ApplyStep before the write "commits"; an error fails the write.
	hook                  func(activities.Step) error
	inFlight, maxInFlight int
	// distribution, when set, answers CheckDistribution (default: nothing holds).
	distribution       func() activities.DistributionVerdict
	distributionChecks int
}

func newHarness(t *testing.T) *harness {
	var suite testsuite.WorkflowTestSuite
	suite.SetLogger(log.NewStructuredLogger(slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))))
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	h := &harness{t: t, env: env, rejected: map[string]error{}, accepted: map[string]Status{}}
	env.RegisterActivity(a)
	env.OnActivity(a.ApplyStep, mock.Anything, mock.Anything).Return(
		func(_ context.Context, st activities.Step) (activities.StepResult, error) {
			h.mu.Lock()
			h.inFlight++
			h.maxInFlight = max(h.maxInFlight, h.inFlight)
			hook := h.hook
			h.mu.Unlock()
			var err error
			if hook != nil {
				err = hook(st)
			}
			h.mu.Lock()
			defer h.mu.Unlock()
			h.inFlight--
			if err != nil {
				return activities.StepResult{}, err
			}
			h.steps = append(h.steps, st) // in the order the writes commit
			return activities.StepResult{EmailKeys: []string{st.Key + "/mail"}}, nil
		})
	env.OnActivity(a.DeliverEmails, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(a.CheckDistribution, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.DistributionQuery) (activities.DistributionVerdict, error) {
			h.mu.Lock()
			defer h.mu.Unlock()
			h.distributionChecks++
			if h.distribution != nil {
				return h.distribution(), nil
			}
			return activities.DistributionVerdict{}, nil
		})
	env.OnActivity(a.MarkBlocked, mock.Anything, mock.Anything).Return(func(_ context.Context, b activities.Blocked) error {
		h.mu.Lock()
		defer h.mu.Unlock()
		h.marks = append(h.marks, b)
		return nil
	})
	return h
}

// at sends an update after the given virtual time from the start.
func (h *harness) at(after time.Duration, name string, actor Actor, reqID string, in any) {
	h.env.RegisterDelayedCallback(func() {
		setRequest(in, Request{RequestID: reqID, Actor: actor})
		h.env.UpdateWorkflow(name, reqID, &testsuite.TestUpdateCallback{
			OnReject: func(err error) { h.rejected[reqID] = err },
			OnAccept: func() {},
			OnComplete: func(res any, err error) {
				if err != nil {
					h.rejected[reqID] = err
					return
				}
				h.accepted[reqID] = res.(Status)
			},
		}, in)
	}, after)
}

// setRequest sets the Request every update input embeds.
func setRequest(in any, r Request) {
	reflect.ValueOf(in).Elem().FieldByName("Request").Set(reflect.ValueOf(r))
}

func (h *harness) run(in EmployeeCycleInput) Status {
	h.t.Helper()
	h.env.ExecuteWorkflow(EmployeeCycle, in)
	if !h.env.IsWorkflowCompleted() {
		h.t.Fatal("workflow did not complete")
	}
	if err := h.env.GetWorkflowError(); err != nil {
		h.t.Fatalf("workflow failed: %v", err)
	}
	var s Status
	if err := h.env.GetWorkflowResult(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

func (h *harness) actions() []string {
	var out []string
	for _, s := range h.steps {
		out = append(out, s.Action)
	}
	return out
}

func (h *harness) step(action string) (activities.Step, bool) {
	for _, s := range h.steps {
		if s.Action == action {
			return s, true
		}
	}
	return activities.Step{}, false
}

// planYear scripts plan approval and both reports, leaving the rating to the test.
func (h *harness) planYear() {
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateApprovePlan, penilai, "approve-1", &ApprovePlanInput{})
	h.at(181*day, UpdateReportRealisasi, employee, "mid-1", &ReportRealisasiInput{Period: PeriodMidyear,
		Items: []skp.Realisasi{{Seq: 0, Realisasi: "60 izin"}}})
	h.at(182*day, UpdateGiveFeedback, penilai, "fb-1", &GiveFeedbackInput{Feedback: "Pertahankan"})
	h.at(351*day, UpdateReportRealisasi, employee, "annual-1", &ReportRealisasiInput{Period: PeriodAnnual,
		Items: []skp.Realisasi{{Seq: 0, Realisasi: "130 izin", EvidenceURL: "https://arsip.example.go.id/1"}}})
}

// rateAndTalk scripts the rating and the dialog up to the employee's acknowledgement on day 355.
func (h *harness) rateAndTalk(hasil, perilaku appraisal.Rating) {
	h.at(352*day, UpdateRate, penilai, "rate-1", &RateInput{Hasil: hasil, Perilaku: perilaku})
	h.at(353*day, UpdateScheduleDialog, penilai, "sched-1", &ScheduleDialogInput{At: t0.Add(354 * day), Place: "Ruang rapat"})
	h.at(354*day, UpdateRecordDialog, penilai, "record-1", &RecordDialogInput{Notes: "Dibahas capaian dan rencana"})
	h.at(355*day, UpdateAcknowledge, employee, "ack-1", &AcknowledgeInput{})
}

func (h *harness) confirmFollowUp(after time.Duration, f appraisal.FollowUp) {
	h.at(after, UpdateConfirmFollowUp, hr, "followup-1", &ConfirmFollowUpInput{Decision: f})
}

func (h *harness) requireNoRejections() {
	h.t.Helper()
	for id, err := range h.rejected {
		h.t.Errorf("update %s rejected: %v", id, err)
	}
}

func TestPlanApprovedFirstTimeAndNoAppeal(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.Sesuai, appraisal.Sesuai)
	h.confirmFollowUp(371*day, appraisal.NoAction)
	s := h.run(testInput())
	h.requireNoRejections()

	if s.Phase != PhaseDone || !s.ResultFinal || s.FinalPredikat != appraisal.Baik || !s.Posted {
		t.Fatalf("final status = %+v", s)
	}
	if s.PlanVersion != 1 || s.AppealFiled {
		t.Errorf("plan version %d, appeal filed %v", s.PlanVersion, s.AppealFiled)
	}
	// No appeal: the result became final when the 14-day window after acknowledgement closed.
	final, _ := h.step("result.final")
	if want := t0.Add(355*day + 14*day); !final.At.Equal(want) {
		t.Errorf("result final at %v, want %v", final.At, want)
	}
	post, ok := h.step("payroll.posted")
	if !ok || post.Record.Posting.Predikat != string(appraisal.Baik) || post.Record.Posting.Period != "2026" {
		t.Fatalf("posting step = %+v", post.Record.Posting)
	}
	if n := count(h.actions(), "payroll.posted"); n != 1 {
		t.Errorf("%d postings, want 1", n)
	}
	for _, unwanted := range []string{"deadline.escalated", "plan.returned", "appeal.filed"} {
		if count(h.actions(), unwanted) != 0 {
			t.Errorf("unexpected %s in %v", unwanted, h.actions())
		}
	}
	sub, _ := h.step("plan.submitted")
	if sub.ActorNIP != employee.NIP || !hasTask(sub.OpenTasks, TaskReviewPlan, penilai.NIP) || !contains(sub.CloseTasks, TaskDraftPlan) {
		t.Errorf("submit step = %+v", sub)
	}
}

func TestPlanReturnedThenApproved(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateReturnPlan, penilai, "return-1", &ReturnPlanInput{Notes: "Target terlalu rendah"})
	// Approving a returned plan is out of turn.
	h.at(3*time.Hour, UpdateApprovePlan, penilai, "approve-early", &ApprovePlanInput{})
	revised := testPlan()
	revised.Items[0].Target = "150"
	h.at(4*time.Hour, UpdateSubmitPlan, employee, "submit-2", &SubmitPlanInput{Plan: revised})
	h.at(5*time.Hour, UpdateApprovePlan, penilai, "approve-1", &ApprovePlanInput{})
	h.env.RegisterDelayedCallback(func() {
		v, err := h.env.QueryWorkflow(QueryStatus)
		if err != nil {
			t.Error(err)
			return
		}
		var s Status
		_ = v.Get(&s)
		if s.PlanState != planApproved || s.PlanVersion != 2 || s.Phase != PhaseExecution {
			t.Errorf("status after approval = %+v", s)
		}
		h.env.CancelWorkflow()
	}, 6*time.Hour)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())

	if err := h.rejected["approve-early"]; !isCode(err, ErrWrongPhase) {
		t.Errorf("approve of a returned plan: %v", err)
	}
	delete(h.rejected, "approve-early")
	h.requireNoRejections()
	want := []string{"cycle.enrolled", "plan.submitted", "plan.returned", "plan.submitted", "plan.approved"}
	if got := h.actions(); !equal(got, want) {
		t.Errorf("actions = %v, want %v", got, want)
	}
	ret, _ := h.step("plan.returned")
	if ret.Record.PlanDecided.Notes != "Target terlalu rendah" || !hasTask(ret.OpenTasks, TaskDraftPlan, employee.NIP) {
		t.Errorf("return step = %+v", ret)
	}
}

func TestPlanDeadlineMissedEscalates(t *testing.T) {
	h := newHarness(t)
	// Nobody drafts until long after the plan deadline; the workflow reminds, then escalates, then waits.
	h.at(40*day, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(41*day, UpdateApprovePlan, penilai, "approve-1", &ApprovePlanInput{})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 42*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	h.requireNoRejections()

	want := []string{"cycle.enrolled", "deadline.reminder", "deadline.escalated", "plan.submitted", "plan.approved"}
	if got := h.actions(); !equal(got, want) {
		t.Fatalf("actions = %v, want %v", got, want)
	}
	rem, _ := h.step("deadline.reminder")
	if !rem.At.Equal(paced(t0.Add(26*day))) || rem.Notices[0].NIP != employee.NIP || rem.Notices[0].Kind != "reminder" {
		t.Errorf("reminder = %+v at %v", rem.Notices, rem.At)
	}
	esc, _ := h.step("deadline.escalated")
	if !esc.At.Equal(paced(t0.Add(29 * day))) {
		t.Errorf("escalated at %v, want the plan deadline paced to %v", esc.At, paced(t0.Add(29*day)))
	}
	if len(esc.OpenTasks) != 2 || !hasTask(esc.OpenTasks, TaskPlanOverdue, atasan.NIP) || !hasTask(esc.OpenTasks, TaskPlanOverdue, "") ||
		esc.OpenTasks[1].Role != activities.RoleHR {
		t.Errorf("escalation tasks = %+v, want one for the atasan and one for HR", esc.OpenTasks)
	}
	appr, _ := h.step("plan.approved")
	if !contains(appr.CloseTasks, TaskPlanOverdue) {
		t.Errorf("approval does not close the overdue task: %v", appr.CloseTasks)
	}
}

func TestAppealUpheld(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiBawah, appraisal.Sesuai) // Butuh Perbaikan
	h.at(360*day, UpdateFileAppeal, employee, "appeal-1", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	// The penilai may not decide the appeal on the atasan's behalf.
	h.at(361*day, UpdateDecideAppeal, penilai, "decide-penilai", &DecideAppealInput{Decision: AppealUphold, Notes: "x"})
	h.at(362*day, UpdateDecideAppeal, atasan, "decide-1", &DecideAppealInput{Decision: AppealUphold, Notes: "Penilaian sesuai bukti"})
	h.confirmFollowUp(363*day, appraisal.CoachingPlan)
	s := h.run(testInput())

	if err := h.rejected["decide-penilai"]; !isCode(err, ErrForbidden) {
		t.Errorf("penilai deciding own appeal: %v", err)
	}
	delete(h.rejected, "decide-penilai")
	h.requireNoRejections()
	if s.FinalPredikat != appraisal.ButuhPerbaikan || !s.AppealFiled {
		t.Fatalf("status = %+v", s)
	}
	dec, _ := h.step("appeal.decided")
	if dec.ActorNIP != atasan.NIP || dec.Record.AppealDecided.FinalPredikat != string(appraisal.ButuhPerbaikan) {
		t.Errorf("decision step = %+v", dec.Record.AppealDecided)
	}
	// Final when decided, not when the window would have closed.
	final, _ := h.step("result.final")
	if !final.At.Equal(t0.Add(362 * day)) {
		t.Errorf("final at %v", final.At)
	}
	if final.Record.FollowUpRecommended.Recommended != string(appraisal.CoachingPlan) {
		t.Errorf("recommended %s", final.Record.FollowUpRecommended.Recommended)
	}
}

func TestAppealChangesTheResult(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiBawah, appraisal.Sesuai) // Butuh Perbaikan
	h.at(360*day, UpdateFileAppeal, employee, "appeal-1", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	h.at(362*day, UpdateDecideAppeal, atasan, "decide-1", &DecideAppealInput{Decision: AppealChange,
		Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai, Notes: "Bukti realisasi 130 izin sah"})
	h.confirmFollowUp(363*day, appraisal.NoAction)
	s := h.run(testInput())
	h.requireNoRejections()

	if s.Predikat != appraisal.ButuhPerbaikan || s.FinalPredikat != appraisal.Baik {
		t.Fatalf("status = %+v", s)
	}
	post, _ := h.step("payroll.posted")
	if post.Record.Posting.Predikat != string(appraisal.Baik) {
		t.Errorf("posted on %s, want the changed result", post.Record.Posting.Predikat)
	}
}

func TestAppealDecisionOverdueTellsHR(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiBawah, appraisal.Sesuai)
	h.at(360*day, UpdateFileAppeal, employee, "appeal-1", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	h.at(380*day, UpdateDecideAppeal, atasan, "decide-1", &DecideAppealInput{Decision: AppealUphold, Notes: "Tetap"})
	h.confirmFollowUp(381*day, appraisal.CoachingPlan)
	h.run(testInput())
	h.requireNoRejections()
	over, ok := h.step("appeal.decision_overdue")
	if !ok || !over.At.Equal(t0.Add(374*day)) || !hasTask(over.OpenTasks, TaskAppealOverdue, "") {
		t.Fatalf("overdue step = %+v", over)
	}
}

func TestRewardForSangatBaik(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiAtas, appraisal.DiAtas)
	h.confirmFollowUp(371*day, appraisal.Reward)
	s := h.run(testInput())
	h.requireNoRejections()
	final, _ := h.step("result.final")
	if final.Record.FollowUpRecommended.Recommended != string(appraisal.Reward) || !hasTask(final.OpenTasks, TaskConfirmFollowUp, "") {
		t.Errorf("result.final = %+v", final)
	}
	if s.FollowUp != appraisal.Reward || s.FinalPredikat != appraisal.SangatBaik {
		t.Errorf("status = %+v", s)
	}
}

func TestSanctionReviewChangedByHR(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.Sesuai, appraisal.DiBawah) // Kurang/Misconduct
	// HR may set another follow-up than the one proposed; a non-HR caller may not.
	h.at(370*day, UpdateConfirmFollowUp, penilai, "followup-penilai", &ConfirmFollowUpInput{Decision: appraisal.SanctionReview})
	h.confirmFollowUp(371*day, appraisal.CoachingPlan)
	s := h.run(testInput())
	if err := h.rejected["followup-penilai"]; !isCode(err, ErrForbidden) {
		t.Errorf("penilai confirming follow-up: %v", err)
	}
	delete(h.rejected, "followup-penilai")
	h.requireNoRejections()
	final, _ := h.step("result.final")
	if final.Record.FollowUpRecommended.Recommended != string(appraisal.SanctionReview) {
		t.Errorf("recommended %s", final.Record.FollowUpRecommended.Recommended)
	}
	dec, _ := h.step("followup.decided")
	if s.FollowUp != appraisal.CoachingPlan || dec.Record.FollowUpDecided.Decided != string(appraisal.CoachingPlan) {
		t.Errorf("follow-up = %s / %+v", s.FollowUp, dec.Record.FollowUpDecided)
	}
}

func TestDeadlineMovedWhileWaiting(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateApprovePlan, penilai, "approve-1", &ApprovePlanInput{})
	// While the workflow sleeps towards monitoring_start (day 180), HR brings it forward to day 10.
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(SignalMoveDeadline, MoveDeadline{Name: DeadlineMonitoringStart, At: t0.Add(10 * day)})
	}, 5*day)
	// And moves the plan deadline of an already approved plan: nothing must happen.
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(SignalMoveDeadline, MoveDeadline{Name: DeadlinePlan, At: t0.Add(6 * day)})
	}, 5*day+time.Hour)
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 12*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	h.requireNoRejections()

	opened, ok := h.step("monitoring.opened")
	if !ok || !opened.At.Equal(t0.Add(10*day)) {
		t.Fatalf("monitoring opened at %v (ok=%v), want day 10", opened.At, ok)
	}
	if !hasTask(opened.OpenTasks, TaskReportMidyear, employee.NIP) || !opened.OpenTasks[0].DueAt.Equal(t0.Add(210*day)) {
		t.Errorf("monitoring task = %+v", opened.OpenTasks)
	}
	if count(h.actions(), "deadline.escalated") != 0 {
		t.Errorf("escalated after approval: %v", h.actions())
	}
}

func TestEvaluationDeadlineMovedLaterDefersEscalation(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	// Evaluation due on day 380; after the reminder HR extends it to day 400; rating comes on day 398.
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(SignalMoveDeadline, MoveDeadline{Name: DeadlineEvaluation, At: t0.Add(400 * day)})
	}, 378*day)
	h.at(398*day, UpdateRate, penilai, "rate-1", &RateInput{Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 399*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	h.requireNoRejections()
	var reminders []time.Time
	for _, s := range h.steps {
		if s.Action == "deadline.reminder" && s.Notices[0].DueAt != nil && s.Notices[0].DueAt.After(t0.Add(300*day)) {
			reminders = append(reminders, s.At)
		}
		if s.Action == "deadline.escalated" && strings.Contains(s.Key, string(DeadlineEvaluation)) {
			t.Errorf("escalated at %v despite the extension", s.At)
		}
	}
	// One reminder before the original date (day 377), one before the new one (day 397).
	if len(reminders) != 2 || !reminders[0].Equal(paced(t0.Add(377*day))) || !reminders[1].Equal(paced(t0.Add(397*day))) {
		t.Errorf("evaluation reminders at %v", reminders)
	}
}

func TestRejectedUpdatesWriteNothing(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, penilai, "wrong-actor", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateApprovePlan, penilai, "too-early", &ApprovePlanInput{})
	bad := testPlan()
	bad.Items[0].Target = ""
	h.at(3*time.Hour, UpdateSubmitPlan, employee, "incomplete", &SubmitPlanInput{Plan: bad})
	h.at(4*time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(5*time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()}) // repeated id
	h.at(6*time.Hour, UpdateFileAppeal, employee, "appeal-early", &FileAppealInput{Reasons: "Saya tidak setuju dengan hasilnya"})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 7*time.Hour)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())

	want := map[string]string{
		"wrong-actor": ErrForbidden, "too-early": ErrWrongPhase, "incomplete": ErrInvalid, "appeal-early": ErrWrongPhase,
	}
	for id, code := range want {
		if err := h.rejected[id]; !isCode(err, code) {
			t.Errorf("%s: got %v, want %s", id, err, code)
		}
	}
	if err := h.rejected["incomplete"]; err == nil || !strings.Contains(err.Error(), "items[0].target") {
		t.Errorf("incomplete plan error does not name the field: %v", err)
	}
	// The repeated id was accepted once; Temporal dedupes the second call with the same update id.
	if _, ok := h.accepted["submit-1"]; !ok {
		t.Error("valid submission not accepted")
	}
	if got := h.actions(); !equal(got, []string{"cycle.enrolled", "plan.submitted"}) {
		t.Errorf("steps written = %v; rejected updates must write nothing", got)
	}
}

func TestRepeatedRequestIDIsRejected(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	// Same request id under a different update id: the workflow itself must refuse it.
	h.env.RegisterDelayedCallback(func() {
		in := &ApprovePlanInput{Request{RequestID: "submit-1", Actor: penilai}}
		h.env.UpdateWorkflow(UpdateApprovePlan, "other-update-id", &testsuite.TestUpdateCallback{
			OnAccept: func() {}, OnReject: func(err error) { h.rejected["dup"] = err },
			OnComplete: func(any, error) {},
		}, in)
	}, 2*time.Hour)
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 3*time.Hour)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	if err := h.rejected["dup"]; !isCode(err, ErrDuplicate) {
		t.Errorf("repeated request id: %v", err)
	}
	if got := h.actions(); !equal(got, []string{"cycle.enrolled", "plan.submitted"}) {
		t.Errorf("steps = %v", got)
	}
}

func isCode(err error, code string) bool {
	var ae *temporal.ApplicationError
	return errors.As(err, &ae) && ae.Type() == code
}

func hasTask(tasks []activities.TaskSpec, kind, nip string) bool {
	for _, t := range tasks {
		if t.Kind == kind && t.AssigneeNIP == nip {
			return true
		}
	}
	return false
}

func contains(ss []string, s string) bool { return count(ss, s) > 0 }

func count(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

func equal(a, b []string) bool {
	return strings.Join(a, ",") == strings.Join(b, ",")
}

// TestActingOnBehalf: a Plt's step is the penilai's (the validator compares Actor.NIP with the
// snapshot) and reaches ApplyStep with the Plt as OnBehalfOf; the delegate's own NIP is refused.
func TestActingOnBehalf(t *testing.T) {
	const plt = "198806062010011005"
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateApprovePlan, Actor{NIP: plt}, "plt-as-self", &ApprovePlanInput{})
	h.at(3*time.Hour, UpdateApprovePlan, Actor{NIP: penilai.NIP, OnBehalfOf: plt}, "approve-1", &ApprovePlanInput{})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 4*time.Hour)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())

	if err := h.rejected["plt-as-self"]; !isCode(err, ErrForbidden) {
		t.Errorf("the Plt under their own NIP: %v", err)
	}
	if _, ok := h.accepted["approve-1"]; !ok {
		t.Fatalf("approval on behalf rejected: %v", h.rejected["approve-1"])
	}
	st, ok := h.step("plan.approved")
	if !ok || st.ActorNIP != penilai.NIP || st.OnBehalfOf != plt {
		t.Errorf("approval step: actor %q on behalf of %q (found %v)", st.ActorNIP, st.OnBehalfOf, ok)
	}
	if sub, _ := h.step("plan.submitted"); sub.OnBehalfOf != "" {
		t.Errorf("a step in person carries on_behalf_of %q", sub.OnBehalfOf)
	}
}

func TestReassignMovesTheYearToNewSupervisors(t *testing.T) {
	h := newHarness(t)
	newPenilai := Person{NIP: "198501012010011005", Name: "Wati"}
	newAtasan := Person{NIP: "197501012000011006", Name: "Joko"}
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateReassign, penilai, "reassign-by-penilai", &ReassignInput{Penilai: newPenilai, Atasan: newAtasan})
	h.at(3*time.Hour, UpdateReassign, hr, "reassign-1", &ReassignInput{Penilai: newPenilai, Atasan: newAtasan})
	h.at(4*time.Hour, UpdateApprovePlan, penilai, "approve-old", &ApprovePlanInput{})
	h.at(5*time.Hour, UpdateApprovePlan, Actor{NIP: newPenilai.NIP}, "approve-new", &ApprovePlanInput{})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 6*time.Hour)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())

	for id, code := range map[string]string{"reassign-by-penilai": ErrForbidden, "approve-old": ErrForbidden} {
		if err := h.rejected[id]; !isCode(err, code) {
			t.Errorf("%s: got %v, want %s", id, err, code)
		}
		delete(h.rejected, id)
	}
	h.requireNoRejections()
	st, ok := h.step("supervisors.reassigned")
	if !ok || st.ActorNIP != hr.NIP || *st.Record.Reassigned != (activities.Reassigned{
		FromPenilai: penilai.NIP, ToPenilai: newPenilai.NIP, FromAtasan: atasan.NIP, ToAtasan: newAtasan.NIP}) {
		t.Fatalf("reassign step = %+v", st)
	}
	if appr, _ := h.step("plan.approved"); appr.ActorNIP != newPenilai.NIP {
		t.Errorf("approved by %s", appr.ActorNIP)
	}
}

func TestReassignRefusesTheRaterAsAppealJudge(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiBawah, appraisal.Sesuai)
	h.at(360*day, UpdateFileAppeal, employee, "appeal-1", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	// After a mutasi the penilai who rated would become the atasan: they cannot judge their own rating.
	h.at(361*day, UpdateReassign, hr, "reassign-rater", &ReassignInput{Penilai: Person{NIP: "198501012010011005", Name: "Wati"},
		Atasan: Person{NIP: penilai.NIP, Name: "Sari"}})
	h.at(362*day, UpdateDecideAppeal, atasan, "decide-1", &DecideAppealInput{Decision: AppealUphold, Notes: "Tetap"})
	h.confirmFollowUp(365*day, appraisal.CoachingPlan)
	h.at(364*day, UpdateReassign, hr, "reassign-late", &ReassignInput{Penilai: Person{NIP: "198501012010011005", Name: "Wati"},
		Atasan: Person{NIP: "197501012000011006", Name: "Joko"}})
	h.run(testInput())
	if err := h.rejected["reassign-rater"]; !isCode(err, ErrInvalid) || !strings.Contains(err.Error(), "atasan_nip") {
		t.Errorf("rater as appeal judge: %v", err)
	}
	if err := h.rejected["reassign-late"]; !isCode(err, ErrWrongPhase) {
		t.Errorf("reassigned after the result was final: %v", err)
	}
}
