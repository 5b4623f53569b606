package platform_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/api/serviceerror"

	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/workflows"
)

func TestMain(m *testing.M) {
	if os.Getenv(workerProcessEnv) == "1" {
		runWorkerProcess() // this binary, started by TestStepSurvivesAKilledWorker as its worker
		return
	}
	testenv.Main(m)
}

const (
	nipHR       = "198501012010012001"
	nipHead     = "197001011995031001" // atasan penilai
	nipPenilai  = "198001012005011002" // pejabat penilai
	nipEmployee = "199203152018011003"
	nipStranger = "199405202019032004" // a colleague with no part in the employee's year
)

// sendGridSink stands in for SendGrid's v3 Mail Send endpoint: it checks what every request
// must carry and records who was written to. The email package tests the full request shape.
type sendGridSink struct {
	mu   sync.Mutex
	sent []string // "to|subject"
	bad  []string
}

func (s *sendGridSink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Personalizations []struct {
			To []struct{ Email string } `json:"to"`
		} `json:"personalizations"`
		Subject    string            `json:"subject"`
		CustomArgs map[string]string `json:"custom_args"`
	}
	err := json.NewDecoder(r.Body).Decode(&body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Method != http.MethodPost || r.URL.Path != "/v3/mail/send" || r.Header.Get("Authorization") != "Bearer SG.e2e" ||
		err != nil || len(body.Personalizations) != 1 || body.CustomArgs["dedupe_key"] == "" {
		s.bad = append(s.bad, fmt.Sprintf("%s %s err=%v", r.Method, r.URL.Path, err))
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	s.sent = append(s.sent, body.Personalizations[0].To[0].Email+"|"+body.Subject)
	w.Header().Set("X-Message-Id", fmt.Sprintf("msg-%d", len(s.sent)))
	w.WriteHeader(http.StatusAccepted)
}

// asBootstrap, as the caller of call or send, presents the one-time bootstrap token the platform
// printed at start instead of a NIP: the first import.
const asBootstrap = "bootstrap"

type e2e struct {
	t    testing.TB
	base string
	pool *pgxpool.Pool
	p    *platform.Platform
}

// call sends a JSON request as the given NIP and decodes the answer, failing unless it has status want.
func (e *e2e) call(method, path, nip string, body any, want int) map[string]any {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	raw := e.send(method, path, nip, rd, want)
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("%s %s: answer is not JSON: %s", method, path, raw)
	}
	return out
}

// send sends a body as is and returns the answer, failing unless it has status want.
func (e *e2e) send(method, path, nip string, body io.Reader, want int) []byte {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.base+path, body)
	req.Header.Set("Content-Type", "application/json")
	switch nip {
	case "":
	case asBootstrap:
		req.Header.Set("Authorization", "Bootstrap "+e.p.BootstrapToken)
	default:
		req.Header.Set("X-Dev-NIP", nip)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d: %s", method, path, nip, res.StatusCode, want, raw)
	}
	return raw
}

func (e *e2e) act(cycle int64, action, nip string, body map[string]any, want int) map[string]any {
	e.t.Helper()
	return e.call("POST", fmt.Sprintf("/api/cycles/%d/employees/%s/%s", cycle, nipEmployee, action), nip, body, want)
}

// waitPhase polls the projection until the employee's year reaches the phase.
func (e *e2e) waitPhase(cycle int64, phase workflows.Phase) {
	e.t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	var got string
	for time.Now().Before(deadline) {
		var err error
		if err = e.pool.QueryRow(context.Background(), `SELECT phase FROM employee_cycles WHERE cycle_id = $1 AND nip = $2`,
			cycle, nipEmployee).Scan(&got); err == nil && got == string(phase) {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	var stack string
	if v, err := e.p.Temporal.QueryWorkflow(context.Background(), workflowID(e.t, e.pool, cycle, nipEmployee), "", "__stack_trace"); err == nil {
		_ = v.Get(&stack)
	}
	e.t.Fatalf("phase stayed %q, want %q; workflow stack:\n%s", got, phase, stack)
}

func (e *e2e) moveDeadline(cycle int64, name string, at time.Time) {
	e.t.Helper()
	if b, items := e.batch("PUT", fmt.Sprintf("/api/cycles/%d/deadlines/%s", cycle, name), nipHR, map[string]any{"at": at}); b["failed"] != 0.0 {
		e.t.Fatalf("deadline move: %v %v", b, items)
	}
}

// rupiah reads one amount of money, whole rupiah.
func (e *e2e) rupiah(sql string, args ...any) int64 {
	e.t.Helper()
	var n int64
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func (e *e2e) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
	return n
}

func orgImport() map[string]any {
	emp := func(nip, name, status, pos, sup string, hr bool) map[string]any {
		return map[string]any{"nip": nip, "name": name, "email": strings.ToLower(strings.Fields(name)[0]) + "@contoh.go.id",
			"status": status, "unit_id": "diskominfo", "position_id": pos, "superior_nip": sup, "is_hr": hr,
			"is_admin": nip == nipHead} // the first import, with the bootstrap token, must name an admin
	}
	return map[string]any{
		"units": []map[string]any{{"id": "pemkab", "name": "Pemerintah Kabupaten Contoh"},
			{"id": "diskominfo", "name": "Dinas Komunikasi dan Informatika", "parent_id": "pemkab"}},
		"positions": []map[string]any{
			{"id": "kadis", "name": "Kepala Dinas", "jenis_jabatan": "jpt", "kelas_jabatan": 14, "tpp_basic": 15_000_000},
			{"id": "kabid", "name": "Kepala Bidang", "jenis_jabatan": "administrator", "kelas_jabatan": 11, "tpp_basic": 9_000_000},
			{"id": "pranata", "name": "Pranata Komputer Ahli Pertama", "jenis_jabatan": "fungsional", "kelas_jabatan": 8, "tpp_basic": 5_000_000},
			{"id": "analis-sdm", "name": "Analis SDM Aparatur", "jenis_jabatan": "pelaksana", "kelas_jabatan": 7, "tpp_basic": 4_000_000},
		},
		"employees": []map[string]any{
			emp(nipHead, "Hadi Prasetyo", "PNS", "kadis", "", false),
			emp(nipPenilai, "Sari Wulandari", "PNS", "kabid", nipHead, false),
			emp(nipEmployee, "Budi Santoso", "PNS", "pranata", nipPenilai, false),
			emp(nipHR, "Rina Kusuma", "PNS", "analis-sdm", nipHead, true),
			emp(nipStranger, "Dewi Lestari", "PPPK", "analis-sdm", nipPenilai, false),
		},
	}
}

// TestEmployeeGoesThroughTheWholeYear walks one employee through all seven phases over HTTP,
// against real PostgreSQL and a real Temporal server, with deadlines compressed by moving them.
func TestEmployeeGoesThroughTheWholeYear(t *testing.T) {
	sink := &sendGridSink{}
	sg := httptest.NewServer(sink)
	defer sg.Close()
	p := startPlatform(t, platform.Config{DevAuth: true,
		SendGrid: &email.SendGrid{APIKey: "SG.e2e", Host: sg.URL, FromEmail: "kinerja@contoh.go.id", FromName: "BKPSDM"},
	})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}

	// HR: organisation, cycle, enrolment.
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 401) // the token works once: now HR only
	e.call("POST", "/api/org/import", "", orgImport(), 401)
	dl := hourlyDeadlines()
	cy := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": dl,
		"appeal_window": "2m", "decision_sla": "1h", "reminder_lead": "1m"}, 201)
	cycle := int64(cy["id"].(float64))
	e.call("POST", "/api/cycles", nipPenilai, map[string]any{"year": 2026, "deadlines": dl}, 403)
	enrol, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee, nipHead}})
	if fmt.Sprint(statuses(items)) != fmt.Sprint(map[string]string{nipEmployee: "done", nipHead: "failed"}) ||
		items[nipHead]["message"] != "pegawai belum punya pejabat penilai (superior_nip kosong)" || enrol["state"] != "finished" {
		t.Fatalf("enrol = %v %v", enrol, items)
	}

	// 1. Perencanaan: the employee's inbox holds the drafting task; a wrong actor writes nothing.
	waitFor(t, func() bool {
		tasks := e.call("GET", "/api/me/tasks", nipEmployee, nil, 200)["tasks"].([]any)
		return len(tasks) == 1 && tasks[0].(map[string]any)["kind"] == "draft_plan"
	})
	plan := map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Tersedianya layanan aplikasi perizinan", "aspect": "kuantitas",
			"iki": "Jumlah modul aplikasi yang dirilis", "target": "4", "unit": "modul"},
		{"kind": "tambahan", "rhk": "Terlaksananya pendampingan OPD", "aspect": "kualitas",
			"iki": "Persentase OPD terdampingi", "target": "90", "unit": "persen"},
	}, "behaviours": []map[string]any{{"value": "akuntabel", "expectation": "Melaporkan progres tiap bulan"}}}
	audits := e.count(`SELECT count(*) FROM audit_log`)
	e.act(cycle, "submit-plan", nipPenilai, map[string]any{"plan": plan}, 403)
	e.act(cycle, "approve-plan", nipPenilai, nil, 409)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": map[string]any{"approach": "kuantitatif"}}, 422)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan, "surprise": 1}, 400)
	if n := e.count(`SELECT count(*) FROM audit_log`); n != audits {
		t.Fatalf("rejected steps wrote %d audit rows", n-audits)
	}
	first := e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan, "request_id": "plan-1"}, 200)
	if again := e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan, "request_id": "plan-1"}, 200); fmt.Sprint(again) != fmt.Sprint(first) {
		t.Fatalf("a retried step answered %v, first %v", again, first)
	}
	res := e.act(cycle, "approve-plan", nipPenilai, nil, 200)
	if st := res["status"].(map[string]any); st["plan_state"] != "approved" || st["phase"] != string(workflows.PhaseExecution) {
		t.Fatalf("after approval: %v", st)
	}
	// Another employee's year is invisible to a stranger: the same 404 as a missing one.
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipHR, nil, 200)
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipEmployee, nil, 200)
	stranger := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipStranger, nil, 404)
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle+1, nipEmployee), nipStranger, nil, 404)
	missing := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipStranger, nil, 404)
	if fmt.Sprint(stranger) != fmt.Sprint(missing) {
		t.Errorf("a forbidden read answers differently from a missing one: %v vs %v", stranger, missing)
	}
	e.act(cycle, "acknowledge", nipStranger, nil, 404)

	mine := e.call("GET", "/api/me/cycles", nipEmployee, nil, 200)["cycles"].([]any)
	if len(mine) != 1 || mine[0].(map[string]any)["phase"] != string(workflows.PhaseExecution) {
		t.Errorf("my cycles = %v", mine)
	}

	// 2. Pemantauan: HR brings the monitoring date forward; the running workflow obeys.
	e.moveDeadline(cycle, "plan_due", time.Now())
	e.moveDeadline(cycle, "monitoring_start", time.Now())
	e.waitPhase(cycle, workflows.PhaseMonitoring)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "midyear", "items": []map[string]any{
		{"seq": 0, "realisasi": "2 modul dirilis", "evidence_url": "https://arsip.contoh.go.id/rilis-1"}}}, 200)
	e.act(cycle, "give-feedback", nipPenilai, map[string]any{"feedback": "Sesuai rencana, percepat modul ketiga"}, 200)

	// 3. Penilaian.
	e.moveDeadline(cycle, "monitoring_due", time.Now())
	e.moveDeadline(cycle, "evaluation_start", time.Now())
	e.waitPhase(cycle, workflows.PhaseEvaluation)
	e.act(cycle, "rate", nipPenilai, map[string]any{"rating_hasil": "dibawah", "rating_perilaku": "sesuai"}, 409) // no report yet
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "annual", "items": []map[string]any{
		{"seq": 0, "realisasi": "4 modul dirilis", "evidence_url": "https://arsip.contoh.go.id/rilis-4"},
		{"seq": 1, "realisasi": "85 persen OPD"}}}, 200)
	res = e.act(cycle, "rate", nipPenilai, map[string]any{"rating_hasil": "dibawah", "rating_perilaku": "sesuai"}, 200)
	if st := res["status"].(map[string]any); st["predikat"] != "butuh_perbaikan" {
		t.Fatalf("predikat = %v", st["predikat"])
	}

	// 4. Dialog kinerja.
	e.act(cycle, "schedule-dialog", nipPenilai, map[string]any{"at": time.Now().Add(time.Hour), "place": "Ruang Rapat Bidang"}, 200)
	e.act(cycle, "record-dialog", nipPenilai, map[string]any{"notes": "Target modul tercapai, pendampingan OPD kurang"}, 200)
	e.act(cycle, "acknowledge", nipEmployee, nil, 200)

	// 5. Keberatan: filed with reasons, decided by the atasan penilai and never by the penilai.
	e.waitPhase(cycle, workflows.PhaseAppeal)
	e.act(cycle, "file-appeal", nipEmployee, map[string]any{"reasons": "Seluruh target utama tercapai dengan bukti rilis"}, 200)
	e.act(cycle, "decide-appeal", nipPenilai, map[string]any{"decision": "uphold", "notes": "Tetap"}, 403)
	e.act(cycle, "decide-appeal", nipHead, map[string]any{"decision": "change", "rating_hasil": "sesuai",
		"rating_perilaku": "sesuai", "notes": "Bukti rilis empat modul sah"}, 200)

	// 6. Tindak lanjut: HR confirms.
	e.waitPhase(cycle, workflows.PhaseFollowUp)
	hrTasks := e.call("GET", "/api/me/tasks", nipHR, nil, 200)["tasks"].([]any)
	if len(hrTasks) != 1 || hrTasks[0].(map[string]any)["kind"] != workflows.TaskConfirmFollowUp {
		t.Fatalf("HR inbox = %v", hrTasks)
	}
	e.act(cycle, "confirm-followup", nipPenilai, map[string]any{"decision": "none"}, 403)
	e.act(cycle, "confirm-followup", nipHR, map[string]any{"decision": "none", "notes": "Sesuai usulan"}, 200)

	// 7. Pembayaran.
	e.waitPhase(cycle, workflows.PhaseDone)
	waitWorkflowDone(t, p, cycle)

	year := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipEmployee, nil, 200)["year"].(map[string]any)
	if pl := year["plan"].(map[string]any); pl["status"] != "approved" || len(pl["items"].([]any)) != 2 {
		t.Errorf("plan = %v", pl)
	}
	if ann := year["annual"].(map[string]any); ann["predikat"] != "butuh_perbaikan" || len(ann["items"].([]any)) != 2 {
		t.Errorf("annual evaluation = %v", ann)
	}
	if ap := year["appeal"].(map[string]any); ap["decision"] != "change" || ap["final_predikat"] != "baik" || ap["decided_by"] != nipHead {
		t.Errorf("appeal = %v", ap)
	}
	if fu := year["follow_up"].(map[string]any); fu["recommended"] != "none" || fu["decided"] != "none" || fu["decided_by"] != nipHR {
		t.Errorf("follow-up = %v", fu)
	}
	// The year ends in the final, changed result (Baik), which the monthly payroll pays from
	// (payroll/, pay_lines); the payment step writes no payroll_postings row since 0027.
	if postings := year["postings"].([]any); len(postings) != 0 {
		t.Errorf("postings = %v", postings)
	}
	if n := e.count(`SELECT count(*) FROM employee_cycles WHERE nip = $1 AND result_final AND predikat = 'baik'`, nipEmployee); n != 1 {
		t.Errorf("%d final Baik results, want 1", n)
	}
	if n := e.count(`SELECT count(*) FROM payroll_postings WHERE nip = $1`, nipEmployee); n != 0 {
		t.Errorf("%d rows in payroll_postings", n)
	}
	if n := e.count(`SELECT count(*) FROM tasks WHERE subject_nip = $1 AND done_at IS NULL`, nipEmployee); n != 0 {
		t.Errorf("%d tasks left open", n)
	}

	// The audit trail names who did each step.
	audit := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s/audit", cycle, nipEmployee), nipHR, nil, 200)["audit"].([]any)
	actors := map[string]string{}
	for _, a := range audit {
		row := a.(map[string]any)
		actors[row["action"].(string)] = row["actor_nip"].(string)
	}
	for action, who := range map[string]string{"plan.submitted": nipEmployee, "plan.approved": nipPenilai, "evaluation.rated": nipPenilai,
		"appeal.filed": nipEmployee, "appeal.decided": nipHead, "followup.decided": nipHR, "payroll.posted": "system"} {
		if actors[action] != who {
			t.Errorf("audit %s by %q, want %q", action, actors[action], who)
		}
	}

	// Emails: every task and notice went out once through SendGrid, in Bahasa Indonesia.
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM notification_outbox WHERE status IN ('pending', 'sending')`) == 0
	})
	sent := e.count(`SELECT count(*) FROM notification_outbox WHERE status = 'sent'`)
	sink.mu.Lock()
	defer sink.mu.Unlock()
	if len(sink.bad) > 0 || len(sink.sent) != sent || sent < 10 {
		t.Errorf("outbox sent %d, SendGrid got %d, bad requests %v", sent, len(sink.sent), sink.bad)
	}
	if !containsPrefix(sink.sent, "budi@contoh.go.id|[e-Kinerja] Tugas baru: Susun dan ajukan SKP") ||
		!containsPrefix(sink.sent, "sari@contoh.go.id|[e-Kinerja] Tugas baru: Setujui atau kembalikan SKP Budi Santoso") ||
		!containsPrefix(sink.sent, "hadi@contoh.go.id|[e-Kinerja] Tugas baru: Putuskan keberatan Budi Santoso") {
		t.Errorf("emails sent: %v", sink.sent)
	}

	if path := os.Getenv("KINERJA_RECORD_HISTORY"); path != "" {
		recordHistory(t, p, workflowID(t, p.Pool, cycle, nipEmployee), path)
	}
}

func containsPrefix(ss []string, prefix string) bool {
	for _, s := range ss {
		if strings.HasPrefix(s, prefix) {
			return true
		}
	}
	return false
}

// waitFor polls cond for up to two minutes: a bound for a stuck platform, not a speed target
// (a loaded CI machine enrols 40 employees in well over 30 s).
func waitFor(t testing.TB, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(2 * time.Minute); time.Now().Before(end); time.Sleep(100 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatal("condition not met within 2 min")
}

func waitWorkflowDone(t *testing.T, p *platform.Platform, cycle int64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var st workflows.Status
	if err := p.Temporal.GetWorkflow(ctx, workflowID(t, p.Pool, cycle, nipEmployee), "").Get(ctx, &st); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if st.FinalPredikat != "baik" || !st.Posted {
		t.Fatalf("workflow result = %+v", st)
	}
}

// recordHistory writes the workflow's history for the replay test in workflows/, decrypted:
// the replayer reads it with the default converter, and no test key lives in the repository.
func recordHistory(t *testing.T, p *platform.Platform, id, path string) {
	writeHistory(t, rawHistory(t, p, id), path)
}

// rawHistory reads a workflow's events as the server stores them: the client's codec decodes
// results, not the events of a history.
func rawHistory(t *testing.T, p *platform.Platform, id string) []*historypb.HistoryEvent {
	return runHistory(t, p, id, "")
}

// hourlyDeadlines are a cycle's dates an hour apart from now, in the year's order.
func hourlyDeadlines() map[string]time.Time {
	dl := map[string]time.Time{}
	for i, n := range workflows.DeadlineNames {
		dl[string(n)] = time.Now().Add(time.Duration(i+1) * time.Hour)
	}
	return dl
}

// planSubmitted imports the organisation, opens a cycle with hourly deadlines, enrols the
// employee and submits a one-item plan; it returns the cycle id.
func (e *e2e) planSubmitted() int64 {
	e.t.Helper()
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	cycle := int64(e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": hourlyDeadlines()}, 201)["id"].(float64))
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	waitFor(e.t, func() bool { return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan'`) == 1 })
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Layanan", "aspect": "kuantitas", "iki": "Jumlah", "target": "4", "unit": "modul"}}}}, 200)
	return cycle
}

// startPlatform starts a platform for a test: on its own database unless cfg names one, on the
// package's shared Temporal server, over plain HTTP on a free port. When the test ends it ends the
// years the test left running, then stops the platform.
func startPlatform(tb testing.TB, cfg platform.Config) *platform.Platform {
	tb.Helper()
	if cfg.DatabaseURL == "" {
		cfg.DatabaseURL = testenv.DBURL(tb)
	}
	cfg.TemporalAddress, cfg.TemporalNamespace, cfg.HTTPAddr = testenv.Temporal(tb), "default", "127.0.0.1:0"
	if cfg.Payloads == nil {
		cfg.Payloads = testenv.Payloads(tb)
	}
	if cfg.Logger == nil {
		cfg.Logger = testenv.Logger()
	}
	p, err := platform.Start(context.Background(), cfg)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { endYears(tb, p); _ = p.Stop(context.Background()) })
	return p
}

// endYears terminates the workflows a test left running. Tests in this package share one Temporal
// server and task queue but each has its own database: a year left running would have its timers
// reach the next test's worker.
func endYears(tb testing.TB, p *platform.Platform) {
	tb.Helper()
	ctx := context.Background()
	rows, err := p.Pool.Query(ctx, `SELECT workflow_id FROM employee_cycles UNION ALL SELECT workflow_id FROM batches`)
	if err != nil {
		tb.Errorf("list workflows: %v", err)
		return
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		tb.Errorf("list workflows: %v", err)
		return
	}
	for _, id := range ids {
		err := p.Temporal.TerminateWorkflow(ctx, id, "", "test finished")
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			tb.Errorf("terminate %s: %v", id, err)
		}
	}
}
