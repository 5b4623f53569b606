package platform_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	enumspb "go.temporal.io/api/enums/v1"

	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/workflows"
)

// TestMutasiMovesTheRunningYear: the org data gives the employee a new superior mid-plan; HR
// reassigns the running year as the org data now says, and the open task follows the new penilai.
func TestMutasiMovesTheRunningYear(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	const nipWati = "198702142012012007" // the new kepala bidang

	cycle := e.planSubmitted()

	// Mutasi: Wati becomes Budi's superior in the org data.
	e.call("POST", "/api/org/import", nipHR, map[string]any{"employees": []map[string]any{
		{"nip": nipWati, "name": "Wati Susanti", "email": "wati@contoh.go.id", "status": "PNS", "unit_id": "diskominfo",
			"position_id": "kabid", "superior_nip": nipHead},
		{"nip": nipEmployee, "name": "Budi Santoso", "email": "budi@contoh.go.id", "status": "PNS", "unit_id": "diskominfo",
			"position_id": "pranata", "superior_nip": nipWati},
	}}, 200)
	e.act(cycle, "reassign-supervisors", nipPenilai, nil, 403)
	// One employee at a time, as the org data says today...
	res := e.act(cycle, "reassign-supervisors", nipHR, map[string]any{"penilai_nip": nipWati}, 200)
	if res["status"].(map[string]any)["plan_state"] != "submitted" {
		t.Errorf("status after reassignment: %v", res["status"])
	}
	e.act(cycle, "reassign-supervisors", nipHR, nil, 422) // nothing left to change
	// ...or the whole cycle: only years that differ from the org data move.
	e.act(cycle, "reassign-supervisors", nipHR, map[string]any{"penilai_nip": nipPenilai}, 200)
	if bulk, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil); bulk["done"] != 1.0 ||
		items[nipEmployee]["status"] != "done" || bulk["failed"] != 0.0 {
		t.Fatalf("bulk reassignment: %v %v", bulk, items)
	}
	if again, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil); again["done"] != 0.0 ||
		items[nipEmployee]["message"] != "pejabat penilai dan atasannya sudah sesuai data organisasi" {
		t.Errorf("second bulk reassignment: %v %v", again, items)
	}

	tasks := e.call("GET", "/api/me/tasks", nipWati, nil, 200)["tasks"].([]any)
	if len(tasks) != 1 || tasks[0].(map[string]any)["kind"] != "review_plan" {
		t.Fatalf("the new penilai's inbox: %v", tasks)
	}
	if n := e.count(`SELECT count(*) FROM tasks WHERE assignee_nip = $1 AND done_at IS NULL`, nipPenilai); n != 0 {
		t.Errorf("the former penilai keeps %d open tasks", n)
	}
	if n := e.count(`SELECT count(*) FROM notification_outbox WHERE to_email = 'wati@contoh.go.id' AND subject LIKE '%Setujui atau kembalikan SKP%'`); n != 2 {
		t.Errorf("%d task emails to the new penilai, want one each time the task came to her", n)
	}
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipPenilai, nil, 404)
	e.act(cycle, "approve-plan", nipWati, nil, 200)
	var actor, from string
	if err := p.Pool.QueryRow(context.Background(), `SELECT actor_nip, after->'record'->'reassigned'->>'from_penilai' FROM audit_log
		WHERE action = 'supervisors.reassigned' ORDER BY id DESC LIMIT 1`).Scan(&actor, &from); err != nil || actor != nipHR || from != nipPenilai {
		t.Errorf("audit of the reassignment: %s %s %v", actor, from, err)
	}
}

// TestMutasiClosesTheSKP: a monthly year on the real stack. HR records (late, as often happens)
// a mutasi dated in the month now open: the approved SKP is closed at that date (its row stays
// as approved; skp_closures says when and why), the year moves to the new penilai, and the new
// SKP is drafted and approved by her. The month, which started before the date, is the former
// penilai's alone to rate, here through their Plt; once rated, the former penilai no longer sees
// the year. The mutasi names a position of the org data: an unknown or typed one is refused.
func TestMutasiClosesTheSKP(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	ctx := context.Background()
	const nipWati = "198702142012012007"

	year, cur, dl := testenv.MonthlyCycleNow(t)
	org := orgImport()
	org["employees"] = append(org["employees"].([]map[string]any), map[string]any{"nip": nipWati, "name": "Wati Susanti",
		"email": "wati@contoh.go.id", "status": "PNS", "unit_id": "diskominfo", "position_id": "kabid", "superior_nip": nipHead})
	e.call("POST", "/api/org/import", asBootstrap, org, 200)
	cy := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": year, "deadlines": dl, "evaluation_period": "monthly"}, 201)
	cycle := int64(cy["id"].(float64))
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	waitFor(t, func() bool { return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan'`) == 1 })
	id := workflowID(t, p.Pool, cycle, nipEmployee)
	firstRun := p.Temporal.GetWorkflow(ctx, id, "").GetRunID()

	plan := func(rhk string) map[string]any {
		return map[string]any{"approach": "kuantitatif", "items": []map[string]any{
			{"kind": "utama", "rhk": rhk, "aspect": "kuantitas", "iki": "Dokumen selesai", "target": "4", "unit": "dokumen"}}}
	}
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan("Tersedianya layanan aplikasi perizinan")}, 200)
	e.act(cycle, "approve-plan", nipPenilai, nil, 200)
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE kind = $1 AND done_at IS NULL`, workflows.TaskReportPeriod) == 1
	})

	// Refusals name the field; nothing is recorded.
	date := cur.Start.AddDate(0, 0, 14)
	body := map[string]any{"effective_date": date.Format("2006-01-02"), "position_id": "analis-sdm",
		"unit": "Bagian Organisasi", "penilai_nip": nipWati}
	e.act(cycle, "record-mutasi", nipPenilai, body, 403)
	for _, bad := range []struct {
		field string
		value any
		want  string
	}{
		{"effective_date", "15-11-2026", "effective_date"},
		{"position_id", " ", "jabatan baru wajib dipilih"},
		{"position_id", "analis-kebijakan", "tidak ada dalam data jabatan organisasi"}, // not a position of the org data
	} {
		b := map[string]any{}
		for k, v := range body {
			b[k] = v
		}
		b[bad.field] = bad.value
		res := e.act(cycle, "record-mutasi", nipHR, b, 422)
		if msg, _ := res["error"].(map[string]any)["message"].(string); !strings.Contains(msg, bad.field) || !strings.Contains(msg, bad.want) {
			t.Errorf("refused %s %q: %v", bad.field, bad.value, res)
		}
	}
	// A name typed instead of a position is not taken.
	typed := map[string]any{"effective_date": body["effective_date"], "position": "Analis Kebijakan Ahli Muda", "penilai_nip": nipWati}
	e.act(cycle, "record-mutasi", nipHR, typed, 422)
	if n := e.count(`SELECT count(*) FROM mutasi`); n != 0 {
		t.Fatalf("refused mutasi recorded: %d", n)
	}
	res := e.act(cycle, "record-mutasi", nipHR, body, 200)
	if m := res["status"].(map[string]any)["mutasi"].(map[string]any); m["position"] != "Analis SDM Aparatur" || m["position_id"] != "analis-sdm" ||
		m["to_penilai"].(map[string]any)["nip"] != nipWati {
		t.Fatalf("status after the mutasi: %v", res["status"])
	}

	// The date has passed: the SKP closes now, and the new SKP's drafting opens.
	waitFor(t, func() bool { return e.count(`SELECT count(*) FROM skp_closures`) == 1 })
	var status string
	var closedAt time.Time
	if err := p.Pool.QueryRow(ctx, `SELECT s.status, c.closed_at FROM skp s JOIN skp_closures c ON c.skp_id = s.id
		WHERE s.cycle_id = $1 AND s.nip = $2 AND s.version = 1`, cycle, nipEmployee).Scan(&status, &closedAt); err != nil ||
		status != "approved" || !closedAt.Equal(date) {
		t.Errorf("the closed SKP: %s %v %v", status, closedAt, err)
	}
	var pen, former string
	if err := p.Pool.QueryRow(ctx, `SELECT penilai_nip, coalesce(former_penilai_nip, '') FROM employee_cycles WHERE cycle_id = $1`,
		cycle).Scan(&pen, &former); err != nil || pen != nipWati || former != nipPenilai {
		t.Errorf("supervisors after the date: %s former %s %v", pen, former, err)
	}
	if n := e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan' AND done_at IS NULL AND subject_nip = $1`, nipEmployee); n != 1 {
		t.Errorf("draft tasks for the new SKP: %d", n)
	}
	var actor string
	if err := p.Pool.QueryRow(ctx, `SELECT actor_nip FROM audit_log WHERE action = 'mutasi.recorded'`).Scan(&actor); err != nil || actor != nipHR {
		t.Errorf("audit of the mutasi: %s %v", actor, err)
	}
	if n := e.count(`SELECT count(*) FROM mutasi WHERE cycle_id = $1 AND position = 'Analis SDM Aparatur' AND position_id = 'analis-sdm'
		AND to_penilai_nip = $2 AND applied_at IS NOT NULL`, cycle, nipWati); n != 1 {
		t.Errorf("mutasi rows: %d", n)
	}

	// The org data still names the former penilai as the superior: the difference is the mutasi's,
	// so the year is not listed as differing and the reassign batch leaves it alone.
	if changes := e.call("GET", fmt.Sprintf("/api/cycles/%d/supervisor-changes", cycle), nipHR, nil, 200); len(changes["years"].([]any)) != 0 {
		t.Errorf("a year whose penilai the mutasi set is listed as differing: %v", changes)
	}
	if bulk, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil); items[nipEmployee]["status"] != "skipped" ||
		!strings.Contains(fmt.Sprint(items[nipEmployee]["message"]), "mutasi berlaku") {
		t.Errorf("the reassign batch after the mutasi: %v %v", bulk, items)
	}
	if n := e.count(`SELECT count(*) FROM employee_cycles WHERE cycle_id = $1 AND penilai_nip = $2`, cycle, nipWati); n != 1 {
		t.Errorf("the reassign batch undid the mutasi")
	}

	// The new SKP: drafted by the employee, approved by the new penilai only.
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan("Tersusunnya kajian kelembagaan")}, 200)
	e.act(cycle, "approve-plan", nipPenilai, nil, 403)
	e.act(cycle, "approve-plan", nipWati, nil, 200)

	// The month open now started before the date: the former penilai rates it against the old SKP.
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": cur.ID, "items": []map[string]any{
		{"seq": 0, "realisasi": "1 modul dirilis"}}}, 200)
	values := []map[string]any{}
	for _, v := range []string{"berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"} {
		values = append(values, map[string]any{"value": v, "rating": "sesuai"})
	}
	rate := map[string]any{"period": cur.ID, "rating_perilaku": "sesuai", "feedback": "Sesuai rencana",
		"row_ratings": []map[string]any{{"seq": 0, "rating": "sesuai"}}, "value_ratings": values}
	e.act(cycle, "rate", nipWati, rate, 403)
	// Dewi sees nothing of the year until she stands in for the former penilai (Plt): then she
	// rates the old month as the former penilai would, recorded on her behalf.
	e.act(cycle, "rate", nipStranger, rate, 404)
	e.call("POST", "/api/delegations", nipHR, map[string]any{"principal_nip": nipPenilai, "delegate_nip": nipStranger, "kind": "plt",
		"starts_at": time.Now().Add(-time.Hour), "ends_at": time.Now().Add(30 * 24 * time.Hour), "reason": "Surat Perintah Plt Nomor 800/31/BKPSDM"}, 201)
	e.act(cycle, "rate", nipStranger, rate, 200)
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM employee_cycles WHERE cycle_id = $1 AND former_penilai_nip IS NULL`, cycle) == 1
	})
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipPenilai, nil, 404)
	var rater, onBehalf string
	if err := p.Pool.QueryRow(ctx, `SELECT actor_nip, coalesce(on_behalf_of, '') FROM audit_log WHERE action = 'period.rated'`).Scan(&rater, &onBehalf); err != nil ||
		rater != nipPenilai || onBehalf != nipStranger {
		t.Errorf("the month rated by %s on behalf of %s %v", rater, onBehalf, err)
	}

	// The run ends at the month's rating, continuing as new with the mutasi carried.
	// KINERJA_RECORD_MUTASI_HISTORY=<file> keeps it for the replay test (employee_cycle_v5_mutasi.json).
	waitFor(t, func() bool {
		desc, err := p.Temporal.DescribeWorkflowExecution(ctx, id, firstRun)
		return err == nil && desc.WorkflowExecutionInfo.Status == enumspb.WORKFLOW_EXECUTION_STATUS_CONTINUED_AS_NEW
	})
	var st workflows.Status
	waitFor(t, func() bool {
		v, err := p.Temporal.QueryWorkflow(ctx, id, "", workflows.QueryStatus)
		return err == nil && v.Get(&st) == nil && st.Mutasi != nil && len(st.PeriodResults) > 0
	})
	if !st.Mutasi.Applied || st.PlanState != "approved" || st.PlanVersion != 2 {
		t.Errorf("the next run carried %+v %+v", st, st.Mutasi)
	}
	if path := os.Getenv("KINERJA_RECORD_MUTASI_HISTORY"); path != "" {
		writeHistory(t, runHistory(t, p, id, firstRun), path)
	}
}

// TestMutasiPendingRefusesReassign: a monthly year of next year, so a mutasi HR records now waits
// for its date (1 March). Until then the mutasi alone moves the year's supervisors: a reassignment,
// one year at a time or as the cycle's batch after the org data named the new superior, is refused
// with the mutasi's date, the supervisor-changes list says so, and the year keeps its penilai.
func TestMutasiPendingRefusesReassign(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	const nipWati = "198702142012012007"

	year := time.Now().In(wib.Location).Year() + 1
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, wib.Location) }
	now := time.Now()
	dl := map[string]time.Time{"plan_due": now.Add(time.Hour), "monitoring_start": now.Add(2 * time.Hour), "monitoring_due": now.Add(3 * time.Hour),
		"evaluation_start": day(year+1, 2, 1), "evaluation_due": day(year+1, 2, 15), "dialog_due": day(year+1, 3, 1), "followup_due": day(year+1, 3, 15)}
	org := orgImport()
	wati := map[string]any{"nip": nipWati, "name": "Wati Susanti", "email": "wati@contoh.go.id", "status": "PNS", "unit_id": "diskominfo",
		"position_id": "kabid", "superior_nip": nipHead}
	org["employees"] = append(org["employees"].([]map[string]any), wati)
	e.call("POST", "/api/org/import", asBootstrap, org, 200)
	cy := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": year, "deadlines": dl, "evaluation_period": "monthly"}, 201)
	cycle := int64(cy["id"].(float64))
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan' AND done_at IS NULL`) == 1
	})
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Tersedianya layanan aplikasi perizinan", "aspect": "kuantitas", "iki": "Dokumen selesai", "target": "4", "unit": "dokumen"}}}}, 200)
	e.act(cycle, "approve-plan", nipPenilai, nil, 200)

	res := e.act(cycle, "record-mutasi", nipHR, map[string]any{"effective_date": fmt.Sprintf("%d-03-01", year), "position_id": "analis-sdm",
		"penilai_nip": nipWati}, 200)
	if m := res["status"].(map[string]any)["mutasi"].(map[string]any); m["applied"] != false || m["position"] != "Analis SDM Aparatur" {
		t.Fatalf("the recorded mutasi: %v", m)
	}
	if n := e.count(`SELECT count(*) FROM mutasi WHERE cycle_id = $1 AND applied_at IS NULL AND position_id = 'analis-sdm'`, cycle); n != 1 {
		t.Fatalf("pending mutasi rows: %d", n)
	}
	// The org data names the new superior ahead of the date (Dewi, to differ from the mutasi's Wati).
	for _, emp := range org["employees"].([]map[string]any) {
		if emp["nip"] == nipEmployee {
			emp["superior_nip"] = nipStranger
		}
	}
	e.call("POST", "/api/org/import", nipHR, org, 200)

	want := fmt.Sprintf("mutasi tercatat berlaku 1 Maret %d", year)
	one := e.act(cycle, "reassign-supervisors", nipHR, map[string]any{"penilai_nip": nipStranger}, 409)
	if msg, _ := one["error"].(map[string]any)["message"].(string); !strings.Contains(msg, want) || !strings.Contains(msg, "Wati Susanti") {
		t.Errorf("one year's reassignment before the mutasi's date: %v", one)
	}
	changes := e.call("GET", fmt.Sprintf("/api/cycles/%d/supervisor-changes", cycle), nipHR, nil, 200)
	years := changes["years"].([]any)
	if len(years) != 1 {
		t.Fatalf("supervisor changes: %v", changes)
	}
	if y := years[0].(map[string]any); y["org_penilai_nip"] != nipStranger || y["mutasi_pending"] == nil {
		t.Errorf("the listed year does not show its pending mutasi: %v", y)
	} else if at, err := time.Parse(time.RFC3339, y["mutasi_pending"].(string)); err != nil || !at.Equal(day(year, 3, 1)) {
		t.Errorf("mutasi_pending %v %v", y["mutasi_pending"], err)
	}
	// The page of the same list ("Pejabat penilai berubah") says it next to the year.
	if page := string(e.send("GET", fmt.Sprintf("/siklus/%d/atasan-berubah", cycle), nipHR, nil, 200)); !strings.Contains(page,
		fmt.Sprintf("Mutasi tercatat berlaku 1 Maret %d", year)) {
		t.Errorf("the supervisor-changes page does not show the pending mutasi:\n%s", page)
	}
	bulk, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil)
	if it := items[nipEmployee]; bulk["done"] != 0.0 || it["status"] != "failed" || !strings.Contains(fmt.Sprint(it["message"]), want) {
		t.Errorf("the reassign batch before the mutasi's date: %v %v", bulk, items)
	}
	var pen string
	if err := p.Pool.QueryRow(context.Background(), `SELECT penilai_nip FROM employee_cycles WHERE cycle_id = $1 AND nip = $2`,
		cycle, nipEmployee).Scan(&pen); err != nil || pen != nipPenilai {
		t.Errorf("the year's penilai before the mutasi's date: %s %v", pen, err)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'supervisors.reassigned'`); n != 0 {
		t.Errorf("%d reassignments recorded", n)
	}
}
