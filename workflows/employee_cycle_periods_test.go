package workflows

import (
	"errors"
	"fmt"
	"sort"
	"testing"
	"time"

	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/skp"
)

// scripted is an update or signal sent at a moment of the year, whichever run is then running.
type scripted struct {
	at     time.Time
	name   string // an update, or SignalMoveDeadline
	actor  Actor
	id     string
	in     any
	signal any
}

// yearRun is a periodic year run to its end across continue-as-new.
type yearRun struct {
	t        *testing.T
	steps    []activities.Step
	rejected map[string]error
	accepted map[string]Status
	inputs   []EmployeeCycleInput // of each run
	ends     []time.Time          // when each run ended
	final    Status
	// check runs against the live run at a moment (a query).
	checks []scripted
}

// runYear runs the year from start: each continue-as-new starts a new test environment at the
// moment the previous run ended, with the input it carried, as the server would.
func runYear(t *testing.T, in EmployeeCycleInput, start time.Time, script []scripted, checks map[time.Time]func(Status)) *yearRun {
	t.Helper()
	y := &yearRun{t: t, rejected: map[string]error{}, accepted: map[string]Status{}}
	for run := 0; ; run++ {
		if run > 20 {
			t.Fatal("more runs than periods")
		}
		h := newHarness(t)
		h.env.SetStartTime(start)
		// A run takes what comes after its start; the previous run took what came at that moment.
		after := func(at time.Time) bool { return at.After(start) || (run == 0 && at.Equal(start)) }
		for _, s := range script {
			if !after(s.at) {
				continue
			}
			if s.signal != nil {
				sig := s
				h.env.RegisterDelayedCallback(func() { h.env.SignalWorkflow(sig.name, sig.signal) }, s.at.Sub(start))
				continue
			}
			h.at(s.at.Sub(start), s.name, s.actor, s.id, s.in)
		}
		for at, check := range checks {
			if after(at) {
				f := check
				h.env.RegisterDelayedCallback(func() { f(h.status()) }, at.Sub(start))
			}
		}
		y.inputs = append(y.inputs, in)
		h.env.ExecuteWorkflow(EmployeeCycle, in)
		if !h.env.IsWorkflowCompleted() {
			t.Fatal("workflow did not complete")
		}
		y.steps = append(y.steps, h.steps...)
		for k, v := range h.rejected {
			y.rejected[k] = v
		}
		for k, v := range h.accepted {
			y.accepted[k] = v
		}
		y.ends = append(y.ends, h.env.Now())
		err := h.env.GetWorkflowError()
		var can *workflow.ContinueAsNewError
		if errors.As(err, &can) {
			if can.WorkflowType.Name != EmployeeCycleWorkflow {
				t.Fatalf("continued as %q", can.WorkflowType.Name)
			}
			var next EmployeeCycleInput
			if err := converter.GetDefaultDataConverter().FromPayloads(can.Input, &next); err != nil {
				t.Fatal(err)
			}
			in, start = next, h.env.Now()
			continue
		}
		if err != nil {
			t.Fatalf("run %d failed: %v", run, err)
		}
		if err := h.env.GetWorkflowResult(&y.final); err != nil {
			t.Fatal(err)
		}
		return y
	}
}

func (y *yearRun) stepsOf(action string) []activities.Step {
	var out []activities.Step
	for _, s := range y.steps {
		if s.Action == action {
			out = append(out, s)
		}
	}
	return out
}

func (y *yearRun) stepByKey(key string) (activities.Step, bool) {
	for _, s := range y.steps {
		if s.Key == testWorkflowID+"/"+key {
			return s, true
		}
	}
	return activities.Step{}, false
}

// periodicInput is a year rated period by period; the annual evaluation opens once the last
// period closed.
func periodicInput(kind period.Kind) EmployeeCycleInput {
	in := testInput()
	in.EvaluationPeriod = string(kind)
	in.Deadlines[DeadlineEvaluationStart] = time.Date(2027, 2, 1, 0, 0, 0, 0, time.UTC)
	in.Deadlines[DeadlineEvaluation] = time.Date(2027, 2, 15, 0, 0, 0, 0, time.UTC)
	in.Deadlines[DeadlineDialog] = time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)
	in.Deadlines[DeadlineFollowUp] = time.Date(2027, 3, 15, 0, 0, 0, 0, time.UTC)
	return in
}

// threeRowPlan has two main rows and an additional one.
func threeRowPlan() skp.Plan {
	p := testPlan()
	p.Items = append(p.Items,
		skp.Item{Kind: "utama", RHK: "Pengaduan perizinan tertangani", Aspect: "waktu", IKI: "Hari penyelesaian", Target: "3", Unit: "hari"},
		skp.Item{Kind: "tambahan", RHK: "Materi sosialisasi", Aspect: "kuantitas", IKI: "Materi", Target: "4", Unit: "materi"})
	return p
}

func allValues(r appraisal.Rating) []ValueRating {
	var out []ValueRating
	for _, v := range skp.BerAKHLAK {
		out = append(out, ValueRating{Value: v, Rating: r})
	}
	return out
}

func rows(rs ...appraisal.Rating) []RowRating {
	var out []RowRating
	for i, r := range rs {
		out = append(out, RowRating{Seq: i, Rating: r})
	}
	return out
}

func report(p period.Period, n int) *ReportRealisasiInput {
	in := &ReportRealisasiInput{Period: p.ID}
	for i := range n {
		in.Items = append(in.Items, skp.Realisasi{Seq: i, Realisasi: fmt.Sprintf("capaian %s baris %d", p.ID, i+1)})
	}
	return in
}

// annualEnd scripts the year end after the periods: report, rating, dialog, acknowledgement, follow-up.
func annualEnd(nRows int, rater Actor) []scripted {
	d := func(m time.Month, day int) time.Time { return time.Date(2027, m, day, 3, 0, 0, 0, time.UTC) }
	ann := &ReportRealisasiInput{Period: PeriodAnnual}
	for i := range nRows {
		ann.Items = append(ann.Items, skp.Realisasi{Seq: i, Realisasi: "capaian setahun"})
	}
	return []scripted{
		{at: d(2, 2), name: UpdateReportRealisasi, actor: employee, id: "annual", in: ann},
		{at: d(2, 3), name: UpdateRate, actor: rater, id: "rate-annual", in: &RateInput{Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai}},
		{at: d(2, 4), name: UpdateScheduleDialog, actor: rater, id: "sched", in: &ScheduleDialogInput{At: d(2, 6), Place: "Ruang rapat"}},
		{at: d(2, 6), name: UpdateRecordDialog, actor: rater, id: "record", in: &RecordDialogInput{Notes: "Dibahas"}},
		{at: d(2, 7), name: UpdateAcknowledge, actor: employee, id: "ack", in: &AcknowledgeInput{}},
		{at: d(3, 1), name: UpdateConfirmFollowUp, actor: hr, id: "followup", in: &ConfirmFollowUpInput{Decision: appraisal.NoAction}},
	}
}

// TestMonthlyYear runs a monthly year through its twelve periods and the year end: each period
// opens its report, a report brings the penilai's task, a missing report is escalated at its date
// and lets the penilai rate without it, a rating that never comes is reminded, escalated and the
// period closes unrated; every period that ran ends its run (continue-as-new) and the plan, the
// request ids, the moved deadlines and the results carry over; each rating's predikat is written
// for period_results.
func TestMonthlyYear(t *testing.T) {
	in := periodicInput(period.Monthly)
	ps := period.Of(2026, period.Monthly)
	var script []scripted
	script = append(script,
		scripted{at: t0.Add(time.Hour), name: UpdateSubmitPlan, actor: employee, id: "submit", in: &SubmitPlanInput{Plan: threeRowPlan()}},
		scripted{at: t0.Add(2 * time.Hour), name: UpdateApprovePlan, actor: penilai, id: "approve", in: &ApprovePlanInput{}})
	for i, p := range ps {
		switch i {
		case 0: // reported and rated above expectation
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
				// the penilai cannot rate the period before the report, nor a period not open
				scripted{at: p.Opens(period.DefaultCalendar).Add(90 * time.Minute), name: UpdateRate, actor: penilai, id: "rate-wrong-" + p.ID, in: &RateInput{
					Period: "2026-02", Rows: rows(appraisal.DiAtas, appraisal.DiAtas, appraisal.DiAtas), Values: allValues(appraisal.DiAtas),
					Perilaku: appraisal.DiAtas, Feedback: "Baik sekali"}},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-" + p.ID, in: &RateInput{
					Period: p.ID, Rows: rows(appraisal.DiAtas, appraisal.DiAtas, appraisal.Sesuai), Values: allValues(appraisal.DiAtas),
					Perilaku: appraisal.DiAtas, Feedback: "Capaian Januari melampaui target"}})
		case 1: // no report: rated after the report's date without it
			script = append(script,
				scripted{at: p.ReportDue(period.DefaultCalendar).Add(-time.Hour), name: UpdateRate, actor: penilai, id: "rate-early-" + p.ID, in: &RateInput{
					Period: p.ID, Rows: rows(appraisal.Sesuai, appraisal.Sesuai, appraisal.Sesuai), Values: allValues(appraisal.Sesuai),
					Perilaku: appraisal.Sesuai, Feedback: "Tanpa laporan"}},
				scripted{at: p.ReportDue(period.DefaultCalendar).Add(24 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-" + p.ID, in: &RateInput{
					Period: p.ID, Rows: rows(appraisal.Sesuai, appraisal.Sesuai, appraisal.Sesuai), Values: allValues(appraisal.Sesuai),
					Perilaku: appraisal.Sesuai, Feedback: "Laporan tidak masuk; dinilai dari catatan kegiatan"}})
		case 2: // reported, never rated
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)})
		case 3: // a request id used before the boundary is still a repeat
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-2026-01", in: report(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(3 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-" + p.ID, in: &RateInput{
					Period: p.ID, Rows: rows(appraisal.DiAtas, appraisal.DiBawah, appraisal.DiAtas), Values: allValues(appraisal.DiAtas),
					Perilaku: appraisal.DiAtas, Feedback: "Pengaduan tertunda"}})
		default:
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-" + p.ID, in: &RateInput{
					Period: p.ID, Rows: rows(appraisal.Sesuai, appraisal.Sesuai, appraisal.DiAtas), Values: allValues(appraisal.Sesuai),
					Perilaku: appraisal.Sesuai, Feedback: "Sesuai rencana"}})
		}
	}
	// HR moves followup_due while May is open: the move outlives the run it arrived in.
	movedFollowUp := time.Date(2027, 3, 20, 0, 0, 0, 0, time.UTC)
	script = append(script, scripted{at: ps[4].Opens(period.DefaultCalendar).Add(5 * time.Hour), name: SignalMoveDeadline,
		signal: MoveDeadline{Name: DeadlineFollowUp, At: movedFollowUp}})
	script = append(script, annualEnd(3, penilai)...)

	sawOpen := false
	checks := map[time.Time]func(Status){
		ps[2].Opens(period.DefaultCalendar).Add(3 * time.Hour): func(s Status) {
			sawOpen = true
			if s.Period == nil || s.Period.ID != "2026-03" || !s.Period.Reported || s.Period.Rated || s.Phase != PhaseMonitoring ||
				len(s.PeriodResults) != 2 || s.PeriodResults[0].Predikat != appraisal.SangatBaik || s.PeriodResults[1].Predikat != appraisal.Baik {
				t.Errorf("status while March is open: %+v period %+v", s, s.Period)
			}
		},
	}
	y := runYear(t, in, t0, script, checks)
	if !sawOpen {
		t.Error("the status check never ran")
	}

	// One run per period that ran: eleven continue-as-new, then the year end in the twelfth run.
	if len(y.inputs) != 12 {
		t.Fatalf("runs: %d, want 12", len(y.inputs))
	}
	for i, in := range y.inputs[1:] {
		c := in.Carried
		if c == nil || c.NextPeriod != i+1 || c.PlanState != planApproved || len(c.Plan.Items) != 3 {
			t.Fatalf("run %d carried %+v", i+2, c)
		}
	}
	// Steps are numbered in order across runs.
	for i := 1; i < len(y.steps); i++ {
		if y.steps[i].Seq <= y.steps[i-1].Seq {
			t.Fatalf("step %s seq %d after %d", y.steps[i].Action, y.steps[i].Seq, y.steps[i-1].Seq)
		}
	}

	if err := y.rejected["rate-wrong-2026-01"]; !isCode(err, ErrWrongPhase) {
		t.Errorf("rating a period not open: %v", err)
	}
	if err := y.rejected["rate-early-2026-02"]; !isCode(err, ErrWrongPhase) {
		t.Errorf("rating without a report before its date: %v", err)
	}
	if err := y.rejected["rep-2026-01"]; !isCode(err, ErrDuplicate) {
		t.Errorf("a request id from an earlier run: %v", err)
	}
	for id, err := range y.rejected {
		switch id {
		case "rate-wrong-2026-01", "rate-early-2026-02", "rep-2026-01":
		default:
			t.Errorf("update %s rejected: %v", id, err)
		}
	}

	// Ratings, with the predikat written for the payroll.
	rated := y.stepsOf("period.rated")
	if len(rated) != 11 {
		t.Fatalf("periods rated: %d, want 11", len(rated))
	}
	want := map[string]string{"2026-01": "sangat_baik", "2026-02": "baik", "2026-04": "baik", "2026-05": "baik"}
	for _, st := range rated {
		r := st.Record.PeriodRating
		if w, ok := want[r.Period]; ok && r.Predikat != w {
			t.Errorf("%s: predikat %s, want %s", r.Period, r.Predikat, w)
		}
		p, _ := period.Parse(r.Period)
		if !r.FirstDay.Equal(p.FirstDay()) || !r.LastDay.Equal(p.LastDay()) || len(r.Rows) != 3 || len(r.Values) != 7 || r.Feedback == "" {
			t.Errorf("%s rating record: %+v", r.Period, r)
		}
	}
	// April: a main row below expectation rules out Di Atas, so hasil is Sesuai (Baik, not Sangat Baik).
	for _, st := range rated {
		if r := st.Record.PeriodRating; r.Period == "2026-04" && r.Hasil != string(appraisal.Sesuai) {
			t.Errorf("April hasil %s, want sesuai", r.Hasil)
		}
	}

	// February: the missing report was escalated at its date and the penilai got the task then.
	feb := ps[1]
	esc, ok := y.stepByKey(fmt.Sprintf("overdue-%s-%d", deadlinePeriodReport, feb.ReportDue(period.DefaultCalendar).Unix()))
	if !ok || !esc.At.Equal(feb.ReportDue(period.DefaultCalendar)) || len(esc.Notices) != 2 {
		t.Errorf("February's missing report escalation: %+v (found %v)", esc, ok)
	}
	if st, ok := y.stepByKey("period-rate-unreported-2026-02"); !ok || !hasTask(st.OpenTasks, TaskRatePeriod, penilai.NIP) {
		t.Errorf("February's rating task without a report: %+v", st)
	}
	// March: reminded before the rating's date, overdue tasks at it, closed unrated at Closes.
	mar := ps[2]
	rem, ok := y.stepByKey(fmt.Sprintf("reminder-%s-%d", deadlinePeriodRating, mar.RatingDue(period.DefaultCalendar).Unix()))
	if !ok || !rem.At.Equal(paced(mar.RatingDue(period.DefaultCalendar).Add(-3*day))) || rem.Notices[0].NIP != penilai.NIP {
		t.Errorf("March's rating reminder: %+v", rem)
	}
	over, ok := y.stepByKey(fmt.Sprintf("overdue-%s-%d", deadlinePeriodRating, mar.RatingDue(period.DefaultCalendar).Unix()))
	if !ok || !over.At.Equal(paced(mar.RatingDue(period.DefaultCalendar))) || !hasTask(over.OpenTasks, TaskPeriodOverdue, atasan.NIP) {
		t.Errorf("March's overdue rating: %+v", over)
	}
	un, ok := y.stepByKey("period-unrated-2026-03")
	if !ok || !un.At.Equal(mar.Closes(period.DefaultCalendar)) || !contains(un.CloseTasks, TaskPeriodOverdue) {
		t.Errorf("March closed unrated: %+v", un)
	}
	// Each run ended when its period was done: March's at its close.
	if !y.ends[2].Equal(mar.Closes(period.DefaultCalendar)) {
		t.Errorf("March's run ended %v, want %v", y.ends[2], mar.Closes(period.DefaultCalendar))
	}

	// The year end as before, with the deadline HR moved in May.
	s := y.final
	if !s.Posted || s.FinalPredikat != appraisal.Baik || s.Phase != PhaseDone || !s.Deadlines[DeadlineFollowUp].Equal(movedFollowUp) {
		t.Errorf("final status: %+v", s)
	}
	if len(s.PeriodResults) != 12 || s.PeriodResults[2].Predikat != "" || s.PeriodResults[0].Predikat != appraisal.SangatBaik {
		t.Errorf("period results: %+v", s.PeriodResults)
	}
	var opened []string
	for _, st := range y.stepsOf("period.opened") {
		opened = append(opened, st.Key)
	}
	if len(opened) != 12 || !sort.StringsAreSorted(opened) {
		t.Errorf("periods opened: %v", opened)
	}
}

// TestQuarterlyYearWithLatePlan: the SKP is set by HR at the end of June, so the first quarter
// closed before it could open and stays unrated; the other three are rated, each ending its run,
// each by the penilai of that time (HR reassigns the penilai after a mutasi before Q3).
func TestQuarterlyYearWithLatePlan(t *testing.T) {
	in := periodicInput(period.Quarterly)
	ps := period.Of(2026, period.Quarterly)
	planAt := ps[0].Closes(period.DefaultCalendar).Add(10 * time.Hour)
	script := []scripted{{at: planAt, name: UpdateSetPlan, actor: hr, id: "set", in: &SetPlanInput{Plan: threeRowPlan()}}}
	// A mutasi of the penilai before Q3: HR reassigns; Q3 and Q4 are rated by the new penilai, and
	// the old one's rating is refused.
	newPenilai := Actor{NIP: "198501012012011009"}
	script = append(script,
		scripted{at: ps[2].Opens(period.DefaultCalendar).Add(-day), name: UpdateReassign, actor: hr, id: "reassign", in: &ReassignInput{
			Penilai: Person{NIP: newPenilai.NIP, Name: "Wati"}, Atasan: Person{NIP: atasan.NIP, Name: "Hadi"}}},
		scripted{at: ps[2].Opens(period.DefaultCalendar).Add(90 * time.Minute), name: UpdateRate, actor: penilai, id: "rate-old-penilai", in: &RateInput{
			Period: ps[2].ID, Rows: rows(appraisal.Sesuai, appraisal.Sesuai, appraisal.Sesuai), Values: allValues(appraisal.Sesuai),
			Perilaku: appraisal.Sesuai, Feedback: "Penilai lama"}})
	for _, p := range ps[1:] {
		from := latest(p.Opens(period.DefaultCalendar), planAt)
		rater := penilai
		if p.ID != "2026-Q2" {
			rater = newPenilai
		}
		script = append(script,
			scripted{at: from.Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
			scripted{at: from.Add(2 * time.Hour), name: UpdateRate, actor: rater, id: "rate-" + p.ID, in: &RateInput{
				Period: p.ID, Rows: rows(appraisal.DiAtas, appraisal.DiAtas, appraisal.DiBawah), Values: allValues(appraisal.DiAtas),
				Perilaku: appraisal.DiAtas, Feedback: "Triwulan baik"}})
	}
	// A report for a month in a quarterly year names the period that is open.
	script = append(script, scripted{at: planAt.Add(30 * time.Minute), name: UpdateReportRealisasi, actor: employee,
		id: "rep-month", in: report(period.Of(2026, period.Monthly)[5], 3)})
	script = append(script, annualEnd(3, newPenilai)...)
	y := runYear(t, in, t0, script, nil)
	if len(y.inputs) != 3 {
		t.Fatalf("runs: %d, want 3 (Q2, Q3, Q4 each end one)", len(y.inputs))
	}
	if err := y.rejected["rep-month"]; !isCode(err, ErrWrongPhase) {
		t.Errorf("a month's report in a quarterly year: %v", err)
	}
	delete(y.rejected, "rep-month")
	if err := y.rejected["rate-old-penilai"]; !isCode(err, ErrForbidden) {
		t.Errorf("the penilai before the mutasi rating Q3: %v", err)
	}
	delete(y.rejected, "rate-old-penilai")
	if last := y.inputs[len(y.inputs)-1]; last.Penilai.NIP != newPenilai.NIP {
		t.Errorf("the reassignment did not outlive the boundary: %+v", last.Penilai)
	}
	for id, err := range y.rejected {
		t.Errorf("update %s rejected: %v", id, err)
	}
	rated := y.stepsOf("period.rated")
	if len(rated) != 3 {
		t.Fatalf("quarters rated: %d", len(rated))
	}
	for i, st := range rated {
		if want := []string{penilai.NIP, newPenilai.NIP, newPenilai.NIP}[i]; st.ActorNIP != want {
			t.Errorf("%s rated by %s, want the penilai of that time %s", st.Record.PeriodRating.Period, st.ActorNIP, want)
		}
		// An additional row below expectation does not rule out Di Atas.
		if r := st.Record.PeriodRating; r.Hasil != string(appraisal.DiAtas) || r.Predikat != string(appraisal.SangatBaik) ||
			r.LastDay.Sub(r.FirstDay) < 89*day {
			t.Errorf("%s: %+v", r.Period, r)
		}
	}
	if _, ok := y.stepByKey("period-opened-2026-Q1"); ok {
		t.Error("the first quarter opened though it closed before the SKP was set")
	}
	if s := y.final; len(s.PeriodResults) != 4 || s.PeriodResults[0].Predikat != "" || !s.Posted {
		t.Errorf("final: %+v", s)
	}
}

// TestQuarterlyYearOwnCalendar runs a quarterly year whose cycle set its own period calendar (the
// report opens 7 days before a quarter ends, is due 10 days after it, the rating 20 days after):
// every period date the year acts on, shows and writes into tasks follows it, and the calendar
// outlives each continue-as-new.
func TestQuarterlyYearOwnCalendar(t *testing.T) {
	cal := period.Calendar{OpensDays: 7, ReportDays: 10, RatingDays: 20}
	def := period.DefaultCalendar
	in := periodicInput(period.Quarterly)
	in.PeriodCalendar = &cal
	ps := period.Of(2026, period.Quarterly)
	q1, q2 := ps[0], ps[1]
	rate := func(p period.Period, id string, at time.Time) scripted {
		return scripted{at: at, name: UpdateRate, actor: penilai, id: id, in: &RateInput{
			Period: p.ID, Rows: rows(appraisal.Sesuai, appraisal.Sesuai, appraisal.Sesuai), Values: allValues(appraisal.Sesuai),
			Perilaku: appraisal.Sesuai, Feedback: "Sesuai rencana"}}
	}
	script := []scripted{
		{at: t0.Add(time.Hour), name: UpdateSubmitPlan, actor: employee, id: "submit", in: &SubmitPlanInput{Plan: threeRowPlan()}},
		{at: t0.Add(2 * time.Hour), name: UpdateApprovePlan, actor: penilai, id: "approve", in: &ApprovePlanInput{}},
		// Q1: no report. Past the default report date the penilai still may not rate without one;
		// past the cycle's, they may.
		rate(q1, "rate-early-"+q1.ID, q1.ReportDue(def).Add(time.Hour)),
		rate(q1, "rate-"+q1.ID, q1.ReportDue(cal).Add(time.Hour)),
		// Q2: reported an hour after the cycle's opening (days before the default one), never rated.
		{at: q2.Opens(cal).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + q2.ID, in: report(q2, 3)},
	}
	for _, p := range ps[2:] {
		script = append(script,
			scripted{at: p.Opens(cal).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
			rate(p, "rate-"+p.ID, p.Opens(cal).Add(2*time.Hour)))
	}
	script = append(script, annualEnd(3, penilai)...)
	sawQ2 := false
	checks := map[time.Time]func(Status){
		q2.Opens(cal).Add(2 * time.Hour): func(s Status) {
			sawQ2 = true
			if s.Period == nil || s.Period.ID != q2.ID || !s.Period.ReportDue.Equal(q2.ReportDue(cal)) ||
				!s.Period.RatingDue.Equal(q2.RatingDue(cal)) || !s.Period.Closes.Equal(q2.Closes(cal)) {
				t.Errorf("Q2 as the status shows it: %+v", s.Period)
			}
		},
	}
	y := runYear(t, in, t0, script, checks)
	if !sawQ2 {
		t.Error("the status check never ran")
	}
	if len(y.inputs) != 4 {
		t.Fatalf("runs: %d, want 4", len(y.inputs))
	}
	for i, in := range y.inputs {
		if in.PeriodCalendar == nil || *in.PeriodCalendar != cal {
			t.Errorf("run %d calendar %+v, want %+v", i+1, in.PeriodCalendar, cal)
		}
	}
	if err := y.rejected["rate-early-"+q1.ID]; !isCode(err, ErrWrongPhase) {
		t.Errorf("rating Q1 without a report before the cycle's report date: %v", err)
	}
	delete(y.rejected, "rate-early-"+q1.ID)
	for id, err := range y.rejected {
		t.Errorf("update %s rejected: %v", id, err)
	}
	// Each period opened at the cycle's opening, its report task due at the cycle's report date.
	for _, p := range ps {
		st, ok := y.stepByKey("period-opened-" + p.ID)
		if !ok || !st.At.Equal(p.Opens(cal)) || len(st.OpenTasks) != 1 || st.OpenTasks[0].DueAt == nil ||
			!st.OpenTasks[0].DueAt.Equal(p.ReportDue(cal)) {
			t.Errorf("%s opened: %+v (found %v)", p.ID, st, ok)
		}
	}
	// Q1's missing report escalated at the cycle's report date; its rating task is due at the
	// cycle's rating date.
	esc, ok := y.stepByKey(fmt.Sprintf("overdue-%s-%d", deadlinePeriodReport, q1.ReportDue(cal).Unix()))
	if !ok || !esc.At.Equal(q1.ReportDue(cal)) {
		t.Errorf("Q1's missing report escalation: %+v (found %v)", esc, ok)
	}
	if st, ok := y.stepByKey("period-rate-unreported-" + q1.ID); !ok || !hasTask(st.OpenTasks, TaskRatePeriod, penilai.NIP) ||
		st.OpenTasks[0].DueAt == nil || !st.OpenTasks[0].DueAt.Equal(q1.RatingDue(cal)) {
		t.Errorf("Q1's rating task without a report: %+v", st)
	}
	// Q2: reminded before the cycle's rating date, overdue at it, closed unrated when Q3 opens.
	rem, ok := y.stepByKey(fmt.Sprintf("reminder-%s-%d", deadlinePeriodRating, q2.RatingDue(cal).Unix()))
	if !ok || !rem.At.Equal(paced(q2.RatingDue(cal).Add(-in.ReminderLead))) {
		t.Errorf("Q2's rating reminder: %+v (found %v)", rem, ok)
	}
	over, ok := y.stepByKey(fmt.Sprintf("overdue-%s-%d", deadlinePeriodRating, q2.RatingDue(cal).Unix()))
	if !ok || !over.At.Equal(paced(q2.RatingDue(cal))) || !hasTask(over.OpenTasks, TaskPeriodOverdue, atasan.NIP) {
		t.Errorf("Q2's overdue rating: %+v (found %v)", over, ok)
	}
	if un, ok := y.stepByKey("period-unrated-" + q2.ID); !ok || !un.At.Equal(q2.Closes(cal)) || !un.At.Equal(ps[2].Opens(cal)) {
		t.Errorf("Q2 closed unrated: %+v (found %v)", un, ok)
	}
	if s := y.final; len(s.PeriodResults) != 4 || s.PeriodResults[0].Predikat != appraisal.Baik || s.PeriodResults[1].Predikat != "" || !s.Posted {
		t.Errorf("final: %+v", s)
	}
}
