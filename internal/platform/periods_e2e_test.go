package platform_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/proxy"
	"go.temporal.io/api/temporalproto"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/workflows"
)

// TestMonthlyPeriodRatedAndPaid: HR opens a monthly cycle; once the SKP is set, the month open
// today takes the employee's report and the penilai's rating over the API; the period's predikat
// lands in period_results, the year continues as new for the next month, and the month's payroll
// run pays kinerja by that predikat. The cycle sets its own period calendar, which the open
// month's dates follow. KINERJA_RECORD_PERIODS_HISTORY=<file> keeps the first run's history for the
// replay test (workflows/testdata/employee_cycle_v4_monthly.json before the calendar,
// employee_cycle_v6_calendar.json with it).
func TestMonthlyPeriodRatedAndPaid(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	ctx := context.Background()

	cal := period.Calendar{OpensDays: 5, ReportDays: 7, RatingDays: 15}
	year, cur, dl := testenv.MonthlyCycleNowUnder(t, cal)
	d := func(y int, m time.Month, day int) time.Time { return time.Date(y, m, day, 0, 0, 0, 0, wib.Location) }

	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	// A monthly cycle whose annual evaluation would open before the last month ends is refused.
	early := map[string]time.Time{}
	for k, v := range dl {
		early[k] = v
	}
	early["evaluation_start"] = d(year, 12, 15)
	bad := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": year, "deadlines": early, "evaluation_period": "monthly"}, 422)
	if f := bad["error"].(map[string]any)["fields"].(map[string]any); f["deadlines.evaluation_start"] == nil {
		t.Errorf("early evaluation_start: %v", bad)
	}
	e.call("POST", "/api/cycles", nipHR, map[string]any{"year": year, "deadlines": dl, "evaluation_period": "weekly"}, 422)
	cy := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": year, "deadlines": dl, "evaluation_period": "monthly",
		"period_opens_days": cal.OpensDays, "period_report_days": cal.ReportDays, "period_rating_days": cal.RatingDays}, 201)
	if cy["evaluation_period"] != "monthly" || cy["period_report_days"] != float64(cal.ReportDays) {
		t.Fatalf("cycle: %v", cy)
	}
	cycle := int64(cy["id"].(float64))
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	waitFor(t, func() bool { return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan'`) == 1 })
	id := workflowID(t, p.Pool, cycle, nipEmployee)
	firstRun := p.Temporal.GetWorkflow(ctx, id, "").GetRunID()

	plan := map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Tersedianya layanan aplikasi perizinan", "aspect": "kuantitas", "iki": "Modul dirilis", "target": "4", "unit": "modul"},
		{"kind": "tambahan", "rhk": "Pendampingan OPD", "aspect": "kualitas", "iki": "OPD terdampingi", "target": "90", "unit": "persen"},
	}}
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan}, 200)
	e.act(cycle, "approve-plan", nipPenilai, nil, 200)

	// The month open today asks for its report.
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE kind = $1 AND done_at IS NULL`, workflows.TaskReportPeriod) == 1
	})
	view := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipEmployee, nil, 200)
	at := func(v any) time.Time { parsed, _ := time.Parse(time.RFC3339, fmt.Sprint(v)); return parsed }
	if st := view["status"].(map[string]any); st["period"].(map[string]any)["id"] != cur.ID || st["evaluation_period"] != "monthly" ||
		!at(st["period"].(map[string]any)["report_due"]).Equal(cur.ReportDue(cal)) ||
		!at(st["period"].(map[string]any)["rating_due"]).Equal(cur.RatingDue(cal)) {
		t.Fatalf("status (want report due %v, rating due %v under the cycle's calendar): %v", cur.ReportDue(cal), cur.RatingDue(cal), st)
	}
	var due time.Time
	if err := p.Pool.QueryRow(ctx, `SELECT due_at FROM tasks WHERE kind = $1 AND done_at IS NULL`, workflows.TaskReportPeriod).Scan(&due); err != nil ||
		!due.Equal(cur.ReportDue(cal)) {
		t.Errorf("report task due %v (%v), want %v", due, err, cur.ReportDue(cal))
	}
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "midyear", "items": []map[string]any{{"seq": 0, "realisasi": "x"}}}, 409)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": cur.ID, "items": []map[string]any{
		{"seq": 0, "realisasi": "1 modul dirilis", "evidence_url": "https://arsip.contoh.go.id/modul-1"},
		{"seq": 1, "realisasi": "3 OPD didampingi"}}}, 200)

	values := []map[string]any{}
	for _, v := range []string{"berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"} {
		values = append(values, map[string]any{"value": v, "rating": "sesuai"})
	}
	rate := map[string]any{"period": cur.ID, "rating_perilaku": "sesuai", "feedback": "Modul pertama rilis tepat waktu",
		"row_ratings": []map[string]any{{"seq": 0, "rating": "diatas"}, {"seq": 1, "rating": "dibawah"}}, "value_ratings": values[:6]}
	res := e.act(cycle, "rate", nipPenilai, rate, 422) // a BerAKHLAK value left out
	if msg := res["error"].(map[string]any)["message"]; msg == nil {
		t.Errorf("refusal: %v", res)
	}
	rate["value_ratings"] = values
	e.act(cycle, "rate", nipPenilai, rate, 200)

	// The predikat (hasil: one row above, one below, neither most → sesuai; perilaku sesuai → baik).
	var predikat, note string
	var start, end time.Time
	if err := p.Pool.QueryRow(ctx, `SELECT predikat, period_start, period_end, note FROM period_results WHERE cycle_id = $1 AND nip = $2`,
		cycle, nipEmployee).Scan(&predikat, &start, &end, &note); err != nil {
		t.Fatal(err)
	}
	if predikat != "baik" || !start.Equal(cur.FirstDay()) || !end.Equal(cur.LastDay()) || note == "" {
		t.Errorf("period_results: %s %v %v %q", predikat, start, end, note)
	}
	if n := e.count(`SELECT count(*) FROM period_row_ratings WHERE cycle_id = $1 AND period = $2`, cycle, cur.ID) +
		e.count(`SELECT count(*) FROM period_value_ratings WHERE cycle_id = $1 AND period = $2`, cycle, cur.ID); n != 9 {
		t.Errorf("row and value ratings kept: %d, want 9", n)
	}
	if n := e.count(`SELECT count(*) FROM tasks WHERE subject_nip = $1 AND done_at IS NULL`, nipEmployee); n != 0 {
		t.Errorf("%d tasks left open after the rating", n)
	}

	// The year continued as new for the next month; the first run's history stays one month long.
	waitFor(t, func() bool {
		desc, err := p.Temporal.DescribeWorkflowExecution(ctx, id, firstRun)
		return err == nil && desc.WorkflowExecutionInfo.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
	})
	waitFor(t, func() bool { return p.Temporal.GetWorkflow(ctx, id, "").GetRunID() != firstRun })
	events := runHistory(t, p, id, firstRun)
	if len(events) > 200 {
		t.Errorf("the first run's history holds %d events", len(events))
	}
	var st workflows.Status
	waitFor(t, func() bool {
		v, err := p.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
		return err == nil && v.Get(&st) == nil && len(st.PeriodResults) > 0
	})
	if last := st.PeriodResults[len(st.PeriodResults)-1]; last.Period != cur.ID || last.Predikat != "baik" || st.PlanState != "approved" {
		t.Errorf("the next run carried %+v", st)
	}

	// The month's payroll pays kinerja by the period's predikat.
	policy := pay.Balangan2025()
	policy.ID, policy.EffectiveFrom = fmt.Sprintf("balangan-%d", year), pay.MonthOf(year, 1)
	e.call("POST", "/api/payroll/policies", nipHR, policy, 201)
	month := cur.Start.Format("2006-01")
	run := e.call("POST", "/api/payroll/runs", nipHR, map[string]any{"month": month, "scope_unit_id": "diskominfo"}, 202)
	runPath := fmt.Sprintf("/api/payroll/runs/%v", run["id"])
	waitFor(t, func() bool { return e.call("GET", runPath, nipHR, nil, 200)["state"] == "awaiting_approval" })
	e.call("POST", runPath+"/approve", nipHR, nil, 200)
	slip := e.call("GET", "/api/me/pay?month="+month, nipEmployee, nil, 200)
	if in := slip["input"].(map[string]any); in["predikat"] != "baik" {
		t.Errorf("the payroll read predikat %v, want baik", in["predikat"])
	}

	if path := os.Getenv("KINERJA_RECORD_PERIODS_HISTORY"); path != "" {
		writeHistory(t, events, path)
	}
}

// runHistory reads one run's events ("": the latest run) as the server stores them.
func runHistory(t *testing.T, p *platform.Platform, id, runID string) []*historypb.HistoryEvent {
	t.Helper()
	it := p.Temporal.GetWorkflowHistory(context.Background(), id, runID, false, 0)
	var events []*historypb.HistoryEvent
	for it.HasNext() {
		ev, err := it.Next()
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, ev)
	}
	return events
}

// writeHistory writes a history's events decrypted, for the replay test in workflows/: the
// replayer reads it with the default converter, and no test key lives in the repository.
func writeHistory(t *testing.T, events []*historypb.HistoryEvent, path string) {
	hist := &historypb.History{Events: events}
	codec := testenv.Payloads(t)
	if err := proxy.VisitPayloads(context.Background(), hist, proxy.VisitPayloadsOptions{
		Visitor: func(_ *proxy.VisitPayloadsContext, ps []*commonpb.Payload) ([]*commonpb.Payload, error) {
			return codec.Decode(ps)
		},
	}); err != nil {
		t.Fatal(err)
	}
	b, err := temporalproto.CustomJSONMarshalOptions{Indent: "  "}.Marshal(hist)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Clean(path), b, 0o644); err != nil {
		t.Fatal(err)
	}
}
