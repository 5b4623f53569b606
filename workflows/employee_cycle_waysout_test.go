package workflows

import (
	"sort"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
)

// openTasks replays the written steps over an empty inbox, as activities.ApplyStep does, and
// returns the tasks still open as "kind/role".
func (h *harness) openTasks() []string {
	open := map[string]bool{}
	for _, st := range h.steps {
		if st.CloseAllTasks {
			clear(open)
		}
		for _, k := range st.CloseTasks {
			for key := range open {
				if strings.HasPrefix(key, k+"/") {
					delete(open, key)
				}
			}
		}
		for _, t := range st.OpenTasks {
			open[t.Kind+"/"+t.Role] = true
		}
	}
	var out []string
	for k := range open {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (h *harness) requireNoOpenTasks() {
	h.t.Helper()
	if open := h.openTasks(); len(open) > 0 {
		h.t.Errorf("tasks left open when the year ended: %v", open)
	}
}

func (h *harness) status() Status {
	h.t.Helper()
	v, err := h.env.QueryWorkflow(QueryStatus)
	if err != nil {
		h.t.Fatal(err)
	}
	var s Status
	if err := v.Get(&s); err != nil {
		h.t.Fatal(err)
	}
	return s
}

// TestApprovalIsNeverOvertakenByTheEscalationItCancels: the plan deadline passes while the plan
// waits for approval, and the approval arrives while the escalation is still being written. The
// approval must land after the escalation, so it closes the overdue tasks the escalation opened.
// Before the single writer, the approval's write ran alongside and committed first, leaving both
// plan_overdue tasks open for good.
func TestApprovalIsNeverOvertakenByTheEscalationItCancels(t *testing.T) {
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	accepted := make(chan struct{})
	h.env.RegisterDelayedCallback(func() {
		in := &ApprovePlanInput{Request{RequestID: "approve-1", Actor: penilai}}
		h.env.UpdateWorkflow(UpdateApprovePlan, "approve-1", &testsuite.TestUpdateCallback{
			OnAccept: func() { close(accepted) },
			OnReject: func(err error) { h.rejected["approve-1"] = err },
			OnComplete: func(res any, err error) {
				if err != nil {
					h.rejected["approve-1"] = err
				}
			},
		}, in)
	}, paced(t0.Add(29*day)).Sub(t0)) // the plan deadline's paced escalation: its timer fires at the same instant
	h.hook = func(st activities.Step) error {
		if st.Action != "deadline.escalated" {
			return nil
		}
		// Hold the escalation's write open until the approval is in the workflow, then a little
		// longer: time enough for a second writer, if there were one, to commit first.
		select {
		case <-accepted:
		case <-time.After(5 * time.Second):
			t.Error("the approval was not accepted while the escalation was being written")
		}
		time.Sleep(200 * time.Millisecond)
		return nil
	}
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 30*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	h.requireNoRejections()

	got := h.actions()
	want := []string{"cycle.enrolled", "deadline.reminder", "plan.submitted", "deadline.escalated", "plan.approved"}
	if got[2] == "deadline.reminder" { // the submission came before the reminder
		want[1], want[2] = want[2], want[1]
	}
	if !equal(got, want) {
		t.Errorf("steps committed in the order %v, want %v", got, want)
	}
	if h.maxInFlight != 1 {
		t.Errorf("%d steps were written at once; the year has one writer", h.maxInFlight)
	}
	for _, task := range h.openTasks() {
		if strings.HasPrefix(task, TaskPlanOverdue) {
			t.Errorf("overdue task %s left open after the approval", task)
		}
	}
	for i, st := range h.steps {
		if i > 0 && st.Seq <= h.steps[i-1].Seq {
			t.Errorf("step %s has seq %d after seq %d", st.Action, st.Seq, h.steps[i-1].Seq)
		}
	}
}

func TestHRSetsThePlanNobodyDrafted(t *testing.T) {
	h := newHarness(t)
	// Before plan_due HR may not step in; the refusal names the date.
	h.at(10*day, UpdateSetPlan, hr, "set-early", &SetPlanInput{Plan: testPlan()})
	h.at(31*day, UpdateSetPlan, penilai, "set-by-penilai", &SetPlanInput{Plan: testPlan()})
	h.at(32*day, UpdateSetPlan, hr, "set-1", &SetPlanInput{Plan: testPlan()})
	h.env.RegisterDelayedCallback(func() {
		if s := h.status(); s.PlanState != planApproved || s.Phase != PhaseExecution || s.PlanVersion != 1 {
			t.Errorf("status after HR set the plan = %+v", s)
		}
		h.env.CancelWorkflow()
	}, 33*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())

	if err := h.rejected["set-early"]; !isCode(err, ErrWrongPhase) || !strings.Contains(err.Error(), "31 Januari 2026") {
		t.Errorf("HR setting the plan before plan_due: %v", err)
	}
	if err := h.rejected["set-by-penilai"]; !isCode(err, ErrForbidden) {
		t.Errorf("the penilai using HR's step: %v", err)
	}
	delete(h.rejected, "set-early")
	delete(h.rejected, "set-by-penilai")
	h.requireNoRejections()
	st, ok := h.step("plan.set_by_hr")
	if !ok || st.ActorNIP != hr.NIP || st.Record.PlanSet == nil || st.Record.PlanSet.Version != 1 {
		t.Fatalf("HR's plan step = %+v", st)
	}
	if open := h.openTasks(); len(open) != 0 {
		t.Errorf("tasks open after HR set the plan: %v", open)
	}
}

func TestHRNeverActsOnTheirOwnYear(t *testing.T) {
	h := newHarness(t)
	in := testInput()
	in.Employee = Person{NIP: hr.NIP, Name: "Rina"} // the HR officer's own year
	h.at(time.Hour, UpdateSubmitPlan, hr, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateReassign, hr, "reassign-self", &ReassignInput{
		Penilai: Person{NIP: "198501012010011005", Name: "Wati"}, Atasan: Person{NIP: "197501012000011006", Name: "Joko"}})
	h.at(3*time.Hour, UpdateCloseYear, hr, "close-self", &CloseYearInput{Reason: CloseDuplicate})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 4*time.Hour)
	h.env.ExecuteWorkflow(EmployeeCycle, in)
	for _, id := range []string{"reassign-self", "close-self"} {
		if err := h.rejected[id]; !isCode(err, ErrForbidden) || !strings.Contains(err.Error(), "sendiri") {
			t.Errorf("%s: %v", id, err)
		}
	}
	if _, ok := h.accepted["submit-1"]; !ok {
		t.Errorf("the HR officer's own plan, as pegawai, was refused: %v", h.rejected["submit-1"])
	}
}

// TestRatingThatNeverComes: escalated at evaluation_due; at followup_due the year ends unrated,
// every task closed, nothing posted.
func TestRatingThatNeverComes(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	s := h.run(testInput())
	h.requireNoRejections()
	if !s.Unrated || s.Phase != PhaseDone || s.Posted || s.Predikat != "" {
		t.Fatalf("status = %+v", s)
	}
	end, ok := h.step("result.unrated")
	if !ok || !end.At.Equal(t0.Add(410*day)) || !end.CloseAllTasks {
		t.Fatalf("unrated step = %+v", end)
	}
	esc, _ := h.step("deadline.escalated")
	if !hasTask(esc.OpenTasks, TaskEvalOverdue, atasan.NIP) {
		t.Errorf("the missing rating was not escalated to the atasan at evaluation_due: %+v", esc)
	}
	if count(h.actions(), "payroll.posted") != 0 {
		t.Errorf("posted for a year nobody rated: %v", h.actions())
	}
	h.requireNoOpenTasks()
}

// TestDialogNeverHeld: dialog_due passes without a dialog: the atasan and HR are told, the result
// counts as delivered, the appeal window opens and the dialog tasks close.
func TestDialogNeverHeld(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.at(352*day, UpdateRate, penilai, "rate-1", &RateInput{Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai})
	h.confirmFollowUp(412*day, appraisal.NoAction)
	s := h.run(testInput())
	h.requireNoRejections()
	if s.FinalPredikat != appraisal.Baik || !s.Posted {
		t.Fatalf("status = %+v", s)
	}
	opened, _ := h.step("appeal.window_opened")
	if !opened.At.Equal(t0.Add(395 * day)) {
		t.Errorf("result delivered at %v, want dialog_due", opened.At)
	}
	for _, k := range []string{TaskScheduleDialog, TaskRecordDialog, TaskAcknowledge} {
		if !contains(opened.CloseTasks, k) {
			t.Errorf("the appeal window leaves %s open", k)
		}
	}
	var escalated bool
	for _, st := range h.steps {
		if st.Action == "deadline.escalated" && strings.Contains(st.Key, string(DeadlineDialog)) {
			escalated = len(st.Notices) == 2 && st.Notices[0].NIP == atasan.NIP && st.Notices[1].Role == activities.RoleHR
		}
	}
	if !escalated {
		t.Errorf("the missed dialog was not escalated to the atasan and HR: %v", h.actions())
	}
	h.requireNoOpenTasks()
}

// TestLateRatingStillLeavesTimeForTheDialog: a rating after dialog_due gives the dialog a week.
func TestLateRatingStillLeavesTimeForTheDialog(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.at(400*day, UpdateRate, penilai, "rate-1", &RateInput{Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai})
	h.at(401*day, UpdateScheduleDialog, penilai, "sched-1", &ScheduleDialogInput{At: t0.Add(402 * day), Place: "Ruang rapat"})
	h.at(402*day, UpdateRecordDialog, penilai, "record-1", &RecordDialogInput{Notes: "Dibahas"})
	h.at(403*day, UpdateAcknowledge, employee, "ack-1", &AcknowledgeInput{})
	h.confirmFollowUp(418*day, appraisal.NoAction)
	h.run(testInput())
	h.requireNoRejections()
	opened, _ := h.step("appeal.window_opened")
	if !opened.At.Equal(t0.Add(403 * day)) {
		t.Errorf("appeal window opened at %v, want at the acknowledgement on day 403", opened.At)
	}
	h.requireNoOpenTasks()
}

// TestFollowUpStandsAsRecommended: HR never confirms; at followup_due the recommendation stands
// and the year is paid.
func TestFollowUpStandsAsRecommended(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiAtas, appraisal.DiAtas)
	s := h.run(testInput())
	h.requireNoRejections()
	if s.FollowUp != appraisal.Reward || !s.Posted || s.FinalPredikat != appraisal.SangatBaik {
		t.Fatalf("status = %+v", s)
	}
	def, ok := h.step("followup.defaulted")
	if !ok || !def.At.Equal(t0.Add(410*day)) || def.Record.FollowUpDecided.Decided != string(appraisal.Reward) {
		t.Fatalf("defaulted step = %+v", def)
	}
	h.requireNoOpenTasks()
}

// TestAppealUndecidedGoesToHRWhoReassignsTheAtasan: past the SLA HR gets a task, reassigns the
// atasan, the new atasan decides, and every task closes.
func TestAppealUndecidedGoesToHRWhoReassignsTheAtasan(t *testing.T) {
	h := newHarness(t)
	newAtasan := Person{NIP: "197501012000011006", Name: "Joko"}
	h.planYear()
	h.rateAndTalk(appraisal.DiBawah, appraisal.Sesuai)
	h.at(360*day, UpdateFileAppeal, employee, "appeal-1", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	h.at(376*day, UpdateReassign, hr, "reassign-1", &ReassignInput{Penilai: Person{NIP: penilai.NIP, Name: "Sari"}, Atasan: newAtasan})
	h.at(377*day, UpdateDecideAppeal, atasan, "decide-old", &DecideAppealInput{Decision: AppealUphold, Notes: "Tetap"})
	h.at(378*day, UpdateDecideAppeal, Actor{NIP: newAtasan.NIP}, "decide-1", &DecideAppealInput{Decision: AppealUphold, Notes: "Tetap"})
	h.confirmFollowUp(380*day, appraisal.CoachingPlan)
	s := h.run(testInput())
	if err := h.rejected["decide-old"]; !isCode(err, ErrForbidden) {
		t.Errorf("the replaced atasan deciding: %v", err)
	}
	delete(h.rejected, "decide-old")
	h.requireNoRejections()
	if over, ok := h.step("appeal.decision_overdue"); !ok || !hasTask(over.OpenTasks, TaskAppealOverdue, "") {
		t.Errorf("no HR task after the SLA: %+v", over)
	}
	if dec, _ := h.step("appeal.decided"); dec.ActorNIP != newAtasan.NIP || !contains(dec.CloseTasks, TaskAppealOverdue) {
		t.Errorf("decision = %+v", dec)
	}
	if !s.Posted {
		t.Errorf("status = %+v", s)
	}
	h.requireNoOpenTasks()
}

// TestPltWhoRatedNeverJudgesTheAppeal: the atasan rated as the penilai's Plt, so they may not
// decide the appeal against that rating, in person or through a Plh of their own.
func TestPltWhoRatedNeverJudgesTheAppeal(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.at(352*day, UpdateRate, Actor{NIP: penilai.NIP, OnBehalfOf: atasan.NIP}, "rate-1",
		&RateInput{Hasil: appraisal.DiBawah, Perilaku: appraisal.Sesuai})
	h.at(353*day, UpdateScheduleDialog, penilai, "sched-1", &ScheduleDialogInput{At: t0.Add(354 * day), Place: "Ruang rapat"})
	h.at(354*day, UpdateRecordDialog, penilai, "record-1", &RecordDialogInput{Notes: "Dibahas"})
	h.at(355*day, UpdateAcknowledge, employee, "ack-1", &AcknowledgeInput{})
	h.at(360*day, UpdateFileAppeal, employee, "appeal-1", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	h.at(361*day, UpdateDecideAppeal, atasan, "decide-rater", &DecideAppealInput{Decision: AppealUphold, Notes: "Tetap"})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 362*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	if err := h.rejected["decide-rater"]; !isCode(err, ErrForbidden) || !strings.Contains(err.Error(), "memberi penilaian") {
		t.Errorf("the Plt who rated deciding the appeal: %v", err)
	}
}

// TestAppealAfterTheWindowNamesTheDate: the window is judged by the clock; the refusal says when it closed.
func TestAppealAfterTheWindowNamesTheDate(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.Sesuai, appraisal.Sesuai)
	// Acknowledged on day 355 at 08:00 UTC: the window closes 14 days later, 15.00 WIB.
	h.at(369*day, UpdateFileAppeal, employee, "appeal-late", &FileAppealInput{Reasons: "Capaian saya melebihi target 120 izin"})
	h.confirmFollowUp(371*day, appraisal.NoAction)
	h.run(testInput())
	err := h.rejected["appeal-late"]
	want := "masa keberatan telah berakhir pada 6 Januari 2027 pukul 15.00 WIB"
	if !isCode(err, ErrWrongPhase) || !strings.Contains(err.Error(), want) {
		t.Errorf("late appeal: %v, want %q", err, want)
	}
}

// TestDialogIsScheduledAheadWithinTheYear: a dialog date already past or after followup_due is
// refused with the date, and a date in between is taken.
func TestDialogIsScheduledAheadWithinTheYear(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.at(352*day, UpdateRate, penilai, "rate-1", &RateInput{Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai})
	h.at(353*day, UpdateScheduleDialog, penilai, "sched-past", &ScheduleDialogInput{At: t0.Add(352 * day), Place: "Ruang rapat"})
	h.at(353*day, UpdateScheduleDialog, penilai, "sched-late", &ScheduleDialogInput{At: t0.Add(411 * day), Place: "Ruang rapat"})
	h.at(353*day+time.Minute, UpdateScheduleDialog, penilai, "sched-1", &ScheduleDialogInput{At: t0.Add(354 * day), Place: "Ruang rapat"})
	h.at(354*day, UpdateRecordDialog, penilai, "record-1", &RecordDialogInput{Notes: "Dibahas capaian dan rencana"})
	h.at(355*day, UpdateAcknowledge, employee, "ack-1", &AcknowledgeInput{})
	h.confirmFollowUp(371*day, appraisal.NoAction)
	h.run(testInput())
	for id, want := range map[string]string{"sched-past": "sudah lewat", "sched-late": "paling lambat"} {
		if err := h.rejected[id]; !isCode(err, ErrInvalid) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", id, err, want)
		}
	}
	if _, ok := h.accepted["sched-1"]; !ok {
		t.Errorf("a dialog between now and followup_due was refused: %v", h.rejected["sched-1"])
	}
}

// TestHRClosesTheYear: a closed year stops where it stands, closes its tasks, posts nothing and
// refuses every later step.
func TestHRClosesTheYear(t *testing.T) {
	for _, reason := range []string{CloseRetired, CloseDeceased, CloseMovedOut, CloseDuplicate} {
		t.Run(reason, func(t *testing.T) {
			h := newHarness(t)
			h.planYear()
			h.at(200*day, UpdateCloseYear, penilai, "close-by-penilai", &CloseYearInput{Reason: reason})
			h.at(200*day+time.Hour, UpdateCloseYear, hr, "close-bad", &CloseYearInput{Reason: "mengundurkan"})
			h.at(200*day+2*time.Hour, UpdateCloseYear, hr, "close-1", &CloseYearInput{Reason: reason, Notes: "SK nomor 800/12"})
			h.at(200*day+2*time.Hour, UpdateCloseYear, hr, "close-2", &CloseYearInput{Reason: reason}) // while the first is written
			s := h.run(testInput())
			if err := h.rejected["close-by-penilai"]; !isCode(err, ErrForbidden) {
				t.Errorf("penilai closing the year: %v", err)
			}
			if err := h.rejected["close-bad"]; !isCode(err, ErrInvalid) || !strings.Contains(err.Error(), "reason") {
				t.Errorf("unknown reason: %v", err)
			}
			if err := h.rejected["close-2"]; !isCode(err, ErrWrongPhase) {
				t.Errorf("closing twice: %v", err)
			}
			// The year completed at the close: the annual report scripted for day 351 never lands.
			if _, ok := h.accepted["annual-1"]; ok {
				t.Error("a step after the close was accepted")
			}
			if s.Phase != PhaseClosed || s.ClosedReason != reason || s.Posted {
				t.Fatalf("status = %+v", s)
			}
			last := h.steps[len(h.steps)-1]
			if last.Action != "year.closed" || !last.CloseAllTasks || last.ActorNIP != hr.NIP ||
				last.Record.YearClosed.Reason != reason || !last.At.Equal(t0.Add(200*day+2*time.Hour)) {
				t.Errorf("last step = %+v", last)
			}
			h.requireNoOpenTasks()
		})
	}
}

// TestMovedDeadlineMovesOpenTasks: the due date of the open draft task follows HR's move and
// the move is written as a step of its own.
func TestMovedDeadlineMovesOpenTasks(t *testing.T) {
	h := newHarness(t)
	newDue := t0.Add(40 * day)
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(SignalMoveDeadline, MoveDeadline{Name: DeadlinePlan, At: newDue})
	}, 5*day)
	h.env.RegisterDelayedCallback(func() {
		if s := h.status(); !s.Deadlines[DeadlinePlan].Equal(newDue) {
			t.Errorf("status shows plan_due %v", s.Deadlines[DeadlinePlan])
		}
		h.env.CancelWorkflow()
	}, 6*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	mv, ok := h.step("deadline.moved")
	if !ok || mv.Record.DeadlineMoved.Name != string(DeadlinePlan) || !mv.Record.DeadlineMoved.From.Equal(t0.Add(29*day)) ||
		!mv.Record.DeadlineMoved.To.Equal(newDue) {
		t.Fatalf("move step = %+v", mv)
	}
	// The reminder follows the new date too.
	h2 := newHarness(t)
	h2.env.RegisterDelayedCallback(func() {
		h2.env.SignalWorkflow(SignalMoveDeadline, MoveDeadline{Name: DeadlinePlan, At: newDue})
	}, 5*day)
	h2.env.RegisterDelayedCallback(h2.env.CancelWorkflow, 38*day)
	h2.env.ExecuteWorkflow(EmployeeCycle, testInput())
	rem, ok := h2.step("deadline.reminder")
	if !ok || !rem.At.Equal(paced(newDue.Add(-3*day))) || !rem.Notices[0].DueAt.Equal(newDue) {
		t.Errorf("reminder = %+v", rem)
	}
}

// TestAStepThatCannotBeWrittenBlocksTheYear: the posting's write fails for good; the year is not
// marked paid, HR is alerted with the reason, and once the cause is fixed a resume writes it.
func TestAStepThatCannotBeWrittenBlocksTheYear(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.Sesuai, appraisal.Sesuai)
	h.confirmFollowUp(371*day, appraisal.NoAction)
	fixed := false
	h.hook = func(st activities.Step) error {
		if st.Action == "payroll.posted" && !fixed {
			return temporal.NewNonRetryableApplicationError("tpp_basic jabatan belum diisi", activities.ErrBadStep, nil)
		}
		return nil
	}
	h.env.RegisterDelayedCallback(func() {
		s := h.status()
		if !strings.Contains(s.Blocked, "tpp_basic jabatan belum diisi") {
			t.Errorf("status while blocked = %+v", s)
		}
		if count(h.actions(), "payroll.posted") != 0 {
			t.Error("the failed posting was recorded")
		}
		fixed = true
	}, 371*day+time.Hour)
	h.at(371*day+time.Hour, UpdateResume, hr, "resume-1", &ResumeInput{})
	h.at(100*day, UpdateResume, hr, "resume-2", &ResumeInput{})
	s := h.run(testInput())
	if err := h.rejected["resume-2"]; !isCode(err, ErrWrongPhase) {
		t.Errorf("resume of a year that is not blocked: %v", err)
	}
	delete(h.rejected, "resume-2")
	h.requireNoRejections()
	if !s.Posted || s.Blocked != "" || count(h.actions(), "payroll.posted") != 1 {
		t.Fatalf("status = %+v, actions %v", s, h.actions())
	}
	if len(h.marks) != 2 || h.marks[0].Reason == "" || h.marks[0].Action != "payroll.posted" || h.marks[1].Reason != "" {
		t.Errorf("blocked marks = %+v, want one with the reason and one clearing it", h.marks)
	}
}

// TestDistributionHoldsTheResultUntilJustified: the unit breaks the rule in a blocking cycle, so
// the result waits (HR has a task); a recheck after HR's justification releases it.
func TestDistributionHoldsTheResultUntilJustified(t *testing.T) {
	h := newHarness(t)
	h.planYear()
	h.rateAndTalk(appraisal.DiAtas, appraisal.DiAtas)
	justified := false
	h.distribution = func() activities.DistributionVerdict {
		if justified {
			return activities.DistributionVerdict{UnitID: "dinas"}
		}
		return activities.DistributionVerdict{Holds: true, UnitID: "dinas", UnitName: "Dinas",
			Summary: "sebaran predikat Dinas belum sesuai ketentuan: paling banyak 70% Sangat Baik (3 orang, batas 2)"}
	}
	h.env.RegisterDelayedCallback(func() {
		h.env.SignalWorkflow(SignalRecheckDistribution, nil) // nothing changed: still held
	}, 372*day)
	h.env.RegisterDelayedCallback(func() {
		if s := h.status(); !strings.Contains(s.HeldByDistribution, "Sangat Baik") || s.ResultFinal {
			t.Errorf("status while held = %+v", s)
		}
		justified = true
		h.env.SignalWorkflow(SignalRecheckDistribution, nil)
	}, 375*day)
	h.confirmFollowUp(376*day, appraisal.Reward)
	s := h.run(testInput())
	h.requireNoRejections()
	held, ok := h.step("result.held")
	if !ok || !held.At.Equal(t0.Add(369*day)) || !hasTask(held.OpenTasks, activities.TaskDistributionHold, "") {
		t.Fatalf("held step = %+v", held)
	}
	final, _ := h.step("result.final")
	if !final.At.Equal(t0.Add(375 * day)) {
		t.Errorf("result final at %v, want at the release on day 375", final.At)
	}
	if rel, ok := h.step("result.released"); !ok || !contains(rel.CloseTasks, activities.TaskDistributionHold) {
		t.Errorf("release step = %+v", rel)
	}
	if h.distributionChecks != 3 || !s.Posted || s.HeldByDistribution != "" {
		t.Errorf("%d checks, status %+v", h.distributionChecks, s)
	}
	h.requireNoOpenTasks()
}
