package workflows

import (
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/period"
)

// TestMutasiMidYear: a monthly year; during February HR records a mutasi effective 15 March to
// another position under a new penilai. February and March (which started before the date) are
// rated by the old penilai against the old SKP; at 15 March the old SKP closes and a new one is
// drafted and approved by the new penilai, who alone rates April onward against it. The mutasi
// crosses every continue-as-new.
func TestMutasiMidYear(t *testing.T) {
	in := periodicInput(period.Monthly)
	ps := period.Of(2026, period.Monthly)
	newPenilai := Actor{NIP: "198501012010011005"}
	newPerson, newAtasan := Person{NIP: newPenilai.NIP, Name: "Wati"}, Person{NIP: "197501012000011006", Name: "Joko"}
	date := time.Date(2026, 3, 15, 0, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	mutasi := func(day string) *MutasiInput {
		return &MutasiInput{ReassignInput: ReassignInput{Penilai: newPerson, Atasan: newAtasan},
			EffectiveDate: day, PositionID: "analis-kebijakan", Position: "Analis Kebijakan", Unit: "Bagian Organisasi"}
	}
	rate := func(p period.Period, n int) *RateInput {
		rs := make([]appraisal.Rating, n)
		for i := range rs {
			rs[i] = appraisal.Sesuai
		}
		return &RateInput{Period: p.ID, Rows: rows(rs...), Values: allValues(appraisal.Sesuai), Perilaku: appraisal.Sesuai, Feedback: "Sesuai rencana"}
	}
	script := []scripted{
		{at: t0.Add(time.Hour), name: UpdateSubmitPlan, actor: employee, id: "submit", in: &SubmitPlanInput{Plan: threeRowPlan()}},
		{at: t0.Add(2 * time.Hour), name: UpdateApprovePlan, actor: penilai, id: "approve", in: &ApprovePlanInput{}},
	}
	feb, mar, apr := ps[1], ps[2], ps[3]
	for i, p := range ps {
		switch {
		case i < 2:
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-" + p.ID, in: rate(p, 3)})
		case i == 2: // March straddles 15 March: the old SKP, the old penilai; the new one is refused
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(90 * time.Minute), name: UpdateRate, actor: newPenilai, id: "rate-new-" + p.ID, in: rate(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-" + p.ID, in: rate(p, 3)})
		case i == 3: // April: the new SKP (one row), the new penilai; the old one is refused
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-3rows-" + p.ID, in: report(p, 3)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 1)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(3 * time.Hour), name: UpdateRate, actor: penilai, id: "rate-old-" + p.ID, in: rate(p, 1)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(4 * time.Hour), name: UpdateRate, actor: newPenilai, id: "rate-" + p.ID, in: rate(p, 1)})
		default:
			script = append(script,
				scripted{at: p.Opens(period.DefaultCalendar).Add(time.Hour), name: UpdateReportRealisasi, actor: employee, id: "rep-" + p.ID, in: report(p, 1)},
				scripted{at: p.Opens(period.DefaultCalendar).Add(2 * time.Hour), name: UpdateRate, actor: newPenilai, id: "rate-" + p.ID, in: rate(p, 1)})
		}
	}
	script = append(script,
		// Refused: not HR; a date before the open period; no position. Then recorded for 15 March.
		scripted{at: feb.Opens(period.DefaultCalendar).Add(3 * time.Hour), name: UpdateMutasi, actor: penilai, id: "mutasi-by-penilai", in: mutasi("2026-03-15")},
		scripted{at: feb.Opens(period.DefaultCalendar).Add(4 * time.Hour), name: UpdateMutasi, actor: hr, id: "mutasi-past", in: mutasi("2026-01-20")},
		scripted{at: feb.Opens(period.DefaultCalendar).Add(5 * time.Hour), name: UpdateMutasi, actor: hr, id: "mutasi-noposition", in: &MutasiInput{
			ReassignInput: ReassignInput{Penilai: newPerson, Atasan: newAtasan}, EffectiveDate: "2026-03-15"}},
		scripted{at: feb.Opens(period.DefaultCalendar).Add(6 * time.Hour), name: UpdateMutasi, actor: hr, id: "mutasi", in: mutasi("2026-03-15")},
		scripted{at: feb.Opens(period.DefaultCalendar).Add(7 * time.Hour), name: UpdateMutasi, actor: hr, id: "mutasi-again", in: mutasi("2026-04-15")},
		// Until its date the mutasi alone moves the supervisors: a reassignment is refused.
		scripted{at: feb.Opens(period.DefaultCalendar).Add(8 * time.Hour), name: UpdateReassign, actor: hr, id: "reassign-pending", in: &ReassignInput{
			Penilai: Person{NIP: "198601012011011007", Name: "Rudi"}, Atasan: newAtasan}},
		// Before the date nobody drafts the new SKP; after it the employee does and the new penilai approves.
		scripted{at: date.Add(-day), name: UpdateSubmitPlan, actor: employee, id: "submit-early", in: &SubmitPlanInput{Plan: testPlan()}},
		scripted{at: date.Add(day), name: UpdateSubmitPlan, actor: employee, id: "submit-new", in: &SubmitPlanInput{Plan: testPlan()}},
		scripted{at: date.Add(day + time.Hour), name: UpdateApprovePlan, actor: penilai, id: "approve-by-old", in: &ApprovePlanInput{}},
		scripted{at: date.Add(day + 2*time.Hour), name: UpdateApprovePlan, actor: newPenilai, id: "approve-new", in: &ApprovePlanInput{}},
		// A second mutasi while March still waits for the former penilai is refused.
		scripted{at: date.Add(day + 3*time.Hour), name: UpdateMutasi, actor: hr, id: "mutasi-second", in: mutasi("2026-05-01")},
	)
	script = append(script, annualEnd(1, newPenilai)...)

	checks := map[time.Time]func(Status){
		date.Add(2 * time.Hour): func(s Status) {
			if s.Mutasi == nil || !s.Mutasi.Applied || s.PlanState != planNone || s.Phase != PhaseExecution ||
				s.Mutasi.ToPenilai.NIP != newPenilai.NIP || s.Mutasi.ClosedPlanVersion != 1 {
				t.Errorf("status at the mutasi's date: %+v mutasi %+v", s, s.Mutasi)
			}
		},
	}
	y := runYear(t, in, t0, script, checks)
	if err := y.rejected["reassign-pending"]; err == nil || !strings.Contains(err.Error(), "mutasi tercatat berlaku 15 Maret 2026") {
		t.Errorf("reassignment before the mutasi's date: %v", err)
	}

	wantRefused := map[string]string{
		"mutasi-by-penilai": ErrForbidden, "mutasi-past": ErrInvalid, "mutasi-noposition": ErrInvalid, "reassign-pending": ErrWrongPhase,
		"mutasi-again": ErrWrongPhase, "mutasi-second": ErrWrongPhase, "submit-early": ErrWrongPhase, "approve-by-old": ErrForbidden,
		"rate-new-" + mar.ID: ErrForbidden, "rep-3rows-" + apr.ID: ErrInvalid, "rate-old-" + apr.ID: ErrForbidden,
	}
	for id, code := range wantRefused {
		if err := y.rejected[id]; !isCode(err, code) {
			t.Errorf("%s: %v, want %s", id, err, code)
		}
	}
	for id, err := range y.rejected {
		if _, ok := wantRefused[id]; !ok {
			t.Errorf("update %s rejected: %v", id, err)
		}
	}
	// Who rated each period: the penilai of that time.
	for _, s := range y.stepsOf("period.rated") {
		p, _ := period.Parse(s.Record.PeriodRating.Period)
		want := penilai.NIP
		if !p.Start.Before(date) {
			want = newPenilai.NIP
		}
		if s.ActorNIP != want {
			t.Errorf("%s rated by %s, want %s", p.ID, s.ActorNIP, want)
		}
	}
	if n := len(y.stepsOf("period.rated")); n != 12 {
		t.Errorf("periods rated: %d, want 12", n)
	}
	applied := y.stepsOf("mutasi.applied")
	if len(applied) != 1 || !applied[0].At.Equal(date) || applied[0].Record.Mutasi.ClosesPlanVersion != 1 ||
		applied[0].Record.Mutasi.ToPenilai != newPenilai.NIP || len(applied[0].OpenTasks) != 1 || applied[0].OpenTasks[0].Kind != TaskDraftPlan {
		t.Errorf("the mutasi's application: %+v", applied)
	}
	// February was rated before the date; March, rated after it, is the former penilai's last part.
	if done := y.stepsOf("mutasi.former_penilai_done"); len(done) != 1 || done[0].Key != testWorkflowID+"/mutasi-former-done-"+mar.ID {
		t.Errorf("former penilai released: %+v, want once after March", done)
	}
	sub := y.stepsOf("plan.submitted")
	if len(sub) != 2 || sub[1].Record.PlanSubmitted.Version != 2 || sub[1].OpenTasks[0].AssigneeNIP != newPenilai.NIP ||
		!sub[1].OpenTasks[0].DueAt.Equal(date.Add(MutasiPlanTime)) {
		t.Errorf("the new SKP's submission: %+v", sub)
	}
	// A run after the date carries the mutasi and both SKPs.
	last := y.inputs[len(y.inputs)-1].Carried
	if last == nil || last.Mutasi == nil || len(last.Mutasi.OldPlan.Items) != 3 || len(last.Plan.Items) != 1 || last.PlanVersion != 2 {
		t.Errorf("carried at the end: %+v", last)
	}
	if !y.final.Posted || y.final.Predikat == "" {
		t.Errorf("the year's end: %+v", y.final)
	}
}
