package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/audit"
)

// TestCycleCreationIsBounded: every duration, date and text of a new cycle has a bound that the
// refusal names; an accepted cycle is in the audit chain.
func TestCycleCreationIsBounded(t *testing.T) {
	e := newAzServer(t, nil)
	deadlines := func(year int) map[string]any {
		d := map[string]any{}
		for i, n := range []string{"plan_due", "monitoring_start", "monitoring_due", "evaluation_start", "evaluation_due", "dialog_due", "followup_due"} {
			d[n] = time.Date(year, time.January, 31, 0, 0, 0, 0, time.UTC).AddDate(0, i*2, 0).Format(time.RFC3339)
		}
		return d
	}
	valid := func() map[string]any { return map[string]any{"year": 2027, "deadlines": deadlines(2027)} }
	with := func(kv ...any) map[string]any {
		b := valid()
		for i := 0; i < len(kv); i += 2 {
			b[kv[i].(string)] = kv[i+1]
		}
		return b
	}
	deadline := func(name, at string) map[string]any {
		b := valid()
		b["deadlines"].(map[string]any)[name] = at
		return b
	}
	for _, tc := range []struct {
		name string
		body map[string]any
		want string
	}{
		{"appeal window of a nanosecond", with("appeal_window", "1ns"), "appeal_window: paling singkat 1 detik"},
		{"appeal window over a month", with("appeal_window", "721h"), "appeal_window: paling lama 30 hari"},
		{"appeal window in days over a month", with("appeal_window_days", 31), "appeal_window_days: harus 1 sampai 30 hari"},
		{"appeal window twice", with("appeal_window", "48h", "appeal_window_days", 2), "appeal_window: isi salah satu saja"},
		{"fractional seconds", with("appeal_window", "1500ms"), "appeal_window: harus kelipatan 1 detik"},
		{"decision SLA of 2000000h", with("decision_sla", "2000000h"), "decision_sla: paling lama 90 hari"},
		{"decision SLA overflowing", with("decision_sla", "9999999999h"), "decision_sla: durasi tidak valid"},
		{"negative decision SLA days", with("decision_sla_days", -1), "decision_sla_days: harus 1 sampai 90 hari"},
		{"reminder of a year", with("reminder_days", 365), "reminder_days: harus 1 sampai 30 hari"},
		{"reminder of zero", with("reminder_lead", "0s"), "reminder: paling singkat 1 detik"},
		{"deadline two years early", deadline("plan_due", "2025-12-31T00:00:00Z"), "deadlines.plan_due: harus antara 1 Januari 2026 dan 31 Desember 2028"},
		{"deadline two years late", deadline("followup_due", "2029-01-01T00:00:00+07:00"), "deadlines.followup_due: harus antara 1 Januari 2026"},
		{"deadline out of order", deadline("monitoring_start", "2027-01-01T00:00:00Z"), "deadlines.monitoring_start: tidak boleh sebelum plan_due"},
		{"name of 201 characters", with("name", strings.Repeat("a", 201)), "name: paling banyak 200 karakter"},
		{"name with a newline", with("name", "Siklus\n2027"), "name: tidak boleh berisi baris baru"},
		{"year 0001", with("year", 1), "year: harus tahun 2022 sampai 2100"},
	} {
		res := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: tc.body}, 422)
		if msg := res.json(t)["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%s: message %q, want it to start %q", tc.name, msg, tc.want)
		}
	}

	// Times far outside any cycle are refused while the body is read.
	for _, at := range []string{"0001-01-31T00:00:00Z", "9999-12-31T00:00:00Z"} {
		res := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: deadline("plan_due", at)}, 400)
		if msg := res.json(t)["error"].(map[string]any)["message"].(string); msg != "deadlines.plan_due: waktu harus antara tahun 2000 dan 2100" {
			t.Errorf("deadline %s: %s", at, msg)
		}
	}

	// Any text of a body is bounded before a handler sees it.
	res := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: with("name", strings.Repeat("a", 1_000_000))}, 400)
	if msg := res.json(t)["error"].(map[string]any)["message"].(string); msg != "name: teks terlalu panjang, paling banyak 10000 karakter" {
		t.Errorf("a name of a million characters: %s", msg)
	}

	// At the bounds: accepted, stored exactly.
	created := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: with("name", strings.Repeat("é", 200),
		"appeal_window", "720h", "decision_sla", "1s", "reminder_days", 30)}, 201).json(t)
	if created["appeal_window"] != "720h0m0s" || created["decision_sla"] != "1s" || created["reminder_lead"] != "720h0m0s" {
		t.Errorf("created: %v", created)
	}
	id := int64(created["id"].(float64))
	var actor, after string
	if err := e.pool.QueryRow(context.Background(), `SELECT actor_nip, after::text FROM audit_log WHERE action = 'cycle.created' AND cycle_id = $1`, id).
		Scan(&actor, &after); err != nil {
		t.Fatalf("no audit row for the new cycle: %v", err)
	}
	if actor != azHRRegion || !strings.Contains(after, `"appeal_window": "720h0m0s"`) || !strings.Contains(after, `"plan_due": "2027-01-31T00:00:00Z"`) {
		t.Errorf("audit row: %s %s", actor, after)
	}
	if rep, err := audit.Verify(context.Background(), e.pool); err != nil || !rep.Intact() {
		t.Errorf("audit chain after creating a cycle: %+v %v", rep, err)
	}
}

// TestDeadlineMove: a move keeps the order, the cycle's year and the present; it is audited; the
// move's batch tells each enrolled year, and its items say which were told.
func TestDeadlineMove(t *testing.T) {
	e := newAzEnv(t)
	ctx := context.Background()
	path := func(name string) string { return e.cyclePath(false) + "/deadlines/" + name }
	move := func(name string, at time.Time, want int) map[string]any {
		t.Helper()
		return e.must(azReq{method: "PUT", path: path(name), role: rHRRegion, body: map[string]any{"at": at}}, want).json(t)
	}
	message := func(res map[string]any) string { return res["error"].(map[string]any)["message"].(string) }

	if msg := message(move("monitoring_start", e.deadlines["plan_due"].Add(-time.Hour), 422)); !strings.HasPrefix(msg, "at: urutan batas waktu tidak valid") {
		t.Errorf("out of order: %s", msg)
	}
	if msg := message(move("plan_due", e.now.Add(-48*time.Hour), 422)); !strings.HasPrefix(msg, "at: tidak boleh di masa lalu") {
		t.Errorf("into the past: %s", msg)
	}
	if msg := message(move("followup_due", time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 422)); !strings.Contains(msg, "31 Desember 2027") {
		t.Errorf("year 2030: %s", msg)
	}

	// A year whose workflow is gone is skipped as finished; the running one is told.
	if _, err := e.pool.Exec(ctx, `INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase)
		VALUES ($1, $2, $3, $4, $5, 'selesai')`, e.cycle, azStranger, fmt.Sprintf("selesai-%d", e.cycle), azPenilai, azAtasan); err != nil {
		t.Fatal(err)
	}
	at := e.deadlines["plan_due"].Add(24 * time.Hour)
	bt, items := e.waitBatch(rHRRegion, e.must(azReq{method: "PUT", path: path("plan_due"), role: rHRRegion, body: map[string]any{"at": at}}, 202))
	if bt["state"] != "finished" || bt["kind"] != "move_deadline" || bt["done"] != 1.0 || bt["skipped"] != 1.0 || len(items) != 2 ||
		items[azPegawai]["status"] != "done" || items[azStranger]["status"] != "skipped" ||
		items[azStranger]["message"] != "siklus pegawai ini sudah selesai; tanggal baru tidak berlaku lagi baginya" {
		t.Errorf("batch: %v items %v", bt, items)
	}
	var before, after string
	if err := e.pool.QueryRow(ctx, `SELECT before::text, after::text FROM audit_log WHERE action = 'cycle.deadline_moved' AND cycle_id = $1 AND actor_nip = $2`,
		e.cycle, azHRRegion).Scan(&before, &after); err != nil {
		t.Fatalf("no audit row for the move: %v", err)
	}
	var b, a struct {
		Name string
		At   time.Time
	}
	if json.Unmarshal([]byte(before), &b) != nil || json.Unmarshal([]byte(after), &a) != nil ||
		b.Name != "plan_due" || !b.At.Equal(e.deadlines["plan_due"]) || !a.At.Equal(at) {
		t.Errorf("audit row: before %s after %s", before, after)
	}

	// Once plan_due has passed, it moves only forward.
	e.now = at.Add(time.Hour)
	if msg := message(move("plan_due", at.Add(-time.Hour), 422)); !strings.Contains(msg, "sudah lewat") || !strings.Contains(msg, "hanya dapat dipindah ke masa depan") {
		t.Errorf("a passed deadline moved into the past: %s", msg)
	}
	move("plan_due", e.now.Add(time.Hour), 202)
	if rep, err := audit.Verify(ctx, e.pool); err != nil || !rep.Intact() {
		t.Errorf("audit chain after moves: %+v %v", rep, err)
	}
}

// TestCycleRoutesAnswerTheCycleBeforeTheBody: a :cycle route with a body says a missing cycle is
// missing (404) whatever the body holds, and names a bad body (400) only for a cycle that exists;
// the caller's rights still come first (403).
func TestCycleRoutesAnswerTheCycleBeforeTheBody(t *testing.T) {
	e := newAzEnv(t)
	bad := []byte(`{"unit": 7, "at": "kemarin"`)
	for _, tc := range []struct {
		method, suffix string
		role           azRole
		missing        bool
		want           int
		msg            string
	}{
		{"POST", "/launch", rHRRegion, true, 404, "tidak ditemukan"},
		{"POST", "/launch", rHRRegion, false, 400, ""},
		{"POST", "/launch", rPegawai, true, 403, "hanya pengelola kinerja"},
		{"PUT", "/deadlines/plan_due", rHRRegion, true, 404, "tidak ditemukan"},
		{"PUT", "/deadlines/plan_due", rHRRegion, false, 400, ""},
		{"PUT", "/deadlines/tanggal_lain", rHRRegion, false, 404, "batas waktu tanggal_lain tidak dikenal"},
		{"PUT", "/deadlines/plan_due", rHRScoped, true, 403, "tingkat daerah"},
		{"POST", "/enrol", rHRRegion, true, 404, "tidak ditemukan"},
		{"POST", "/enrol", rHRRegion, false, 400, ""},
	} {
		res := e.must(azReq{method: tc.method, path: e.cyclePath(tc.missing) + tc.suffix, role: tc.role, raw: bad, rawType: "application/json"}, tc.want)
		if msg := errorMessage(t, res); !strings.Contains(msg, tc.msg) || msg == "" {
			t.Errorf("%s %s (missing %v) as %s: %q, want it to name %q", tc.method, tc.suffix, tc.missing, tc.role.name, msg, tc.msg)
		}
	}
}
