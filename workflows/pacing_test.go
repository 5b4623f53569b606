package workflows

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/skp"
)

// TestPacedAtSpreadsYearsOverTheWindow: each ID gets a fixed offset inside [0, spread), and
// many IDs fill the window evenly enough that no minute holds much more than its share.
func TestPacedAtSpreadsYearsOverTheWindow(t *testing.T) {
	due := time.Date(2027, 1, 31, 16, 59, 0, 0, time.UTC)
	if got := PacedAt("employee-cycle/X", due, 0); !got.Equal(due) {
		t.Errorf("no spread: %v", got)
	}
	if a, b := PacedAt("employee-cycle/X", due, time.Hour), PacedAt("employee-cycle/X", due, time.Hour); !a.Equal(b) {
		t.Errorf("not deterministic: %v %v", a, b)
	}
	const n, spread = 100_000, 30 * time.Minute
	perMinute := make([]int, 30)
	for i := range n {
		at := PacedAt(fmt.Sprintf("employee-cycle/%08dABCDEF", i), due, spread)
		off := at.Sub(due)
		if off < 0 || off >= spread {
			t.Fatalf("offset %v outside [0, %v)", off, spread)
		}
		perMinute[int(off/time.Minute)]++
	}
	for m, c := range perMinute {
		if c > n/30*11/10 || c < n/30*9/10 {
			t.Errorf("minute %d holds %d of %d years, want about %d", m, c, n, n/30)
		}
	}
	if s := deadlineWorkSpread(time.Minute); s != 15*time.Second {
		t.Errorf("a rehearsal cycle's spread is %v", s)
	}
	if s := deadlineWorkSpread(3 * 24 * time.Hour); s != DeadlineWorkSpread {
		t.Errorf("a real cycle's spread is %v", s)
	}
}

// TestLatenessIsJudgedAtTheDateNotThePacedWork: one second after evaluation_due, before this
// year's paced escalation has fired, the penilai may already rate without the employee's
// annual report (allowed only once the date has passed).
func TestLatenessIsJudgedAtTheDateNotThePacedWork(t *testing.T) {
	due := t0.Add(380 * day)
	if off := paced(due).Sub(due); off < 2*time.Second {
		t.Fatalf("the test workflow's offset is %v: too small to fall between the date and the escalation", off)
	}
	h := newHarness(t)
	h.at(time.Hour, UpdateSubmitPlan, employee, "submit-1", &SubmitPlanInput{Plan: testPlan()})
	h.at(2*time.Hour, UpdateApprovePlan, penilai, "approve-1", &ApprovePlanInput{})
	h.at(181*day, UpdateReportRealisasi, employee, "mid-1", &ReportRealisasiInput{Period: PeriodMidyear,
		Items: []skp.Realisasi{{Seq: 0, Realisasi: "60 izin"}}})
	h.at(182*day, UpdateGiveFeedback, penilai, "fb-1", &GiveFeedbackInput{Feedback: "Pertahankan"})
	h.at(380*day+time.Second, UpdateRate, penilai, "rate-1", &RateInput{Hasil: appraisal.Sesuai, Perilaku: appraisal.Sesuai})
	h.env.RegisterDelayedCallback(h.env.CancelWorkflow, 381*day)
	h.env.ExecuteWorkflow(EmployeeCycle, testInput())
	h.requireNoRejections()
	rated, ok := h.step("evaluation.rated")
	if !ok || !rated.At.Equal(due.Add(time.Second)) {
		t.Fatalf("rating step at %v (ok=%v): %v", rated.At, ok, h.actions())
	}
	for _, s := range h.steps {
		if s.Action == "deadline.escalated" && strings.Contains(s.Key, string(DeadlineEvaluation)) {
			t.Errorf("the evaluation escalated at %v although the rating came first", s.At)
		}
	}
}
