package platform_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/workflows"
)

// logscanSendGridKey looks like a real key: it must never reach a log line.
const logscanSendGridKey = "SG.logscan_Key-1234567890.abcdefghijklmnopqrstuvwxyz0123456789"

// syncBuffer is the log sink: the platform logs from many goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// flakySendGrid accepts mail like SendGrid, except that it fails the first request with a 500 and
// refuses every message to the HR user with a 400, so delivery errors are logged too.
type flakySendGrid struct {
	mu       sync.Mutex
	requests int
}

func (s *flakySendGrid) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	s.requests++
	n := s.requests
	s.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	switch {
	case r.Header.Get("Authorization") != "Bearer "+logscanSendGridKey:
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"errors":[{"message":"The provided authorization grant is invalid, expired, or revoked"}]}`)
	case n == 1:
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, `{"errors":[{"message":"internal error"}]}`)
	case bytes.Contains(raw, []byte("rina@contoh.go.id")):
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email"}]}`)
	default:
		w.Header().Set("X-Message-Id", fmt.Sprintf("msg-%d", n))
		w.WriteHeader(http.StatusAccepted)
	}
}

// rawCall sends a body as is (not JSON-encoded by the helper) and checks only the status.
func (e *e2e) rawCall(method, path, nip, body string, want int) {
	e.t.Helper()
	e.send(method, path, nip, strings.NewReader(body), want)
}

// TestLogsCarryNoPersonalData runs a year up to its TPP posting with every log of the platform (the
// Temporal client and worker, the API's default logger) at Debug level as JSON, including refused
// requests and failed email deliveries, then scans the output: no NIP of the organisation, no TPP
// amount, no SendGrid key, no email address.
func TestLogsCarryNoPersonalData(t *testing.T) {
	var logs syncBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	prevSlog, prevOut, prevFlags := slog.Default(), log.Writer(), log.Flags()
	slog.SetDefault(logger) // the API logs through the default logger, as `kinerja serve` sets it
	t.Cleanup(func() {
		slog.SetDefault(prevSlog)
		log.SetOutput(prevOut)
		log.SetFlags(prevFlags)
	})

	dbURL := testenv.DBURL(t)
	sg := httptest.NewServer(&flakySendGrid{})
	defer sg.Close()
	ctx := context.Background()
	p, err := platform.Start(ctx, platform.Config{
		DatabaseURL: dbURL, TemporalAddress: testenv.Temporal(t), TemporalNamespace: "default",
		HTTPAddr: "127.0.0.1:0", DevAuth: true, Logger: logger, PublicURL: "http://kinerja.contoh.go.id", Payloads: testenv.Payloads(t),
		SendGrid: &email.SendGrid{APIKey: logscanSendGridKey, Host: sg.URL, FromEmail: "kinerja@contoh.go.id", FromName: "BKPSDM"},
	})
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			endYears(t, p)
			_ = p.Stop(context.Background())
		}
	}
	t.Cleanup(stop)
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}

	// HR sets up; refused requests along the way.
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 401)
	bad := orgImport()
	bad["employees"] = append(bad["employees"].([]map[string]any), map[string]any{"nip": "19920315201801100X", "name": "Salah",
		"email": "salah@contoh", "status": "PNS", "unit_id": "tidak-ada", "position_id": "pranata", "superior_nip": nipEmployee})
	e.call("POST", "/api/org/import", nipHR, bad, 422)
	e.call("GET", "/api/me", "199912312020121999", nil, 401) // a NIP nobody has
	e.call("GET", "/api/me", "", nil, 401)
	dl := hourlyDeadlines()
	cy := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "name": "Logscan 2026", "deadlines": dl,
		"appeal_window": "2s", "decision_sla": "1h", "reminder_lead": "1m"}, 201)
	cycle := int64(cy["id"].(float64))
	e.call("POST", "/api/cycles", nipEmployee, map[string]any{"year": 2026, "deadlines": dl}, 403)
	e.rawCall("POST", "/api/cycles", nipHR, `{"year": 2026, "deadlines": {}} {"trailing": true}`, 400)
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR,
		map[string]any{"nips": []string{nipEmployee, nipHead, "199912312020121999"}})
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipStranger, nil, 404)
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle+7, nipEmployee), nipHR, nil, 404)

	// Perencanaan, with a wrong actor, bad JSON and an invalid plan first.
	plan := map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Tersedianya layanan aplikasi perizinan", "aspect": "kuantitas",
			"iki": "Jumlah modul aplikasi yang dirilis", "target": "4", "unit": "modul"},
	}, "behaviours": []map[string]any{{"value": "akuntabel", "expectation": "Melaporkan progres tiap bulan"}}}
	waitFor(t, func() bool {
		return len(e.call("GET", "/api/me/tasks", nipEmployee, nil, 200)["tasks"].([]any)) == 1
	})
	e.act(cycle, "submit-plan", nipPenilai, map[string]any{"plan": plan}, 403)
	e.rawCall("POST", fmt.Sprintf("/api/cycles/%d/employees/%s/submit-plan", cycle, nipEmployee), nipEmployee, `{"plan": {"approach": `, 400)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": map[string]any{"approach": "kuantitatif"}}, 422)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan, "nip": nipEmployee}, 400)
	e.act(cycle, "approve-plan", nipPenilai, nil, 409)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan, "request_id": "plan-1"}, 200)
	e.act(cycle, "submit-plan", nipEmployee, map[string]any{"plan": plan, "request_id": "plan-1"}, 200) // a retry
	e.act(cycle, "approve-plan", nipPenilai, map[string]any{"request_id": "plan-1"}, 409)
	e.act(cycle, "approve-plan", nipPenilai, nil, 200)

	// Pemantauan and penilaian.
	e.moveDeadline(cycle, "plan_due", time.Now())
	e.moveDeadline(cycle, "monitoring_start", time.Now())
	e.waitPhase(cycle, workflows.PhaseMonitoring)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "midyear", "items": []map[string]any{
		{"seq": 0, "realisasi": "2 modul dirilis", "evidence_url": "ftp://arsip"}}}, 422)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "midyear", "items": []map[string]any{
		{"seq": 0, "realisasi": "2 modul dirilis"}}}, 200)
	e.act(cycle, "give-feedback", nipPenilai, map[string]any{"feedback": "Sesuai rencana"}, 200)
	e.moveDeadline(cycle, "monitoring_due", time.Now())
	e.moveDeadline(cycle, "evaluation_start", time.Now())
	e.waitPhase(cycle, workflows.PhaseEvaluation)
	e.act(cycle, "report-realisasi", nipEmployee, map[string]any{"period": "annual", "items": []map[string]any{
		{"seq": 0, "realisasi": "4 modul dirilis"}}}, 200)
	e.act(cycle, "rate", nipEmployee, map[string]any{"rating_hasil": "diatas", "rating_perilaku": "diatas"}, 403)
	e.act(cycle, "rate", nipPenilai, map[string]any{"rating_hasil": "sesuai", "rating_perilaku": "sesuai"}, 200)

	// Dialog, an appeal window that closes unused, HR's follow-up, the posting.
	e.act(cycle, "schedule-dialog", nipPenilai, map[string]any{"at": time.Now().Add(time.Hour), "place": "Ruang Rapat"}, 200)
	e.act(cycle, "record-dialog", nipPenilai, map[string]any{"notes": "Target tercapai"}, 200)
	e.act(cycle, "acknowledge", nipPenilai, nil, 403)
	e.act(cycle, "acknowledge", nipEmployee, nil, 200)
	e.waitPhase(cycle, workflows.PhaseFollowUp)
	e.act(cycle, "confirm-followup", nipEmployee, map[string]any{"decision": "none"}, 403)
	e.act(cycle, "confirm-followup", nipHR, map[string]any{"decision": "none"}, 200)
	e.waitPhase(cycle, workflows.PhaseDone)
	year := e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipEmployee, nil, 200)["year"].(map[string]any)
	if postings := year["postings"].([]any); len(postings) != 0 ||
		e.count(`SELECT count(*) FROM employee_cycles WHERE nip = $1 AND result_final AND predikat IS NOT NULL`, nipEmployee) != 1 {
		t.Fatalf("postings = %v, or no final result", postings)
	}
	e.act(cycle, "acknowledge", nipEmployee, nil, 409) // the year is over
	// Let email deliveries finish (and fail), then stop so every worker log is written.
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM notification_outbox WHERE status = 'pending' AND attempts = 0`) == 0
	})
	stop()

	out := logs.String()
	if strings.Count(out, "\n") < 10 {
		t.Fatalf("only %d log lines: is the logger wired?\n%s", strings.Count(out, "\n"), out)
	}
	secrets := []struct {
		what string
		re   *regexp.Regexp
	}{
		{"NIP", regexp.MustCompile(strings.Join([]string{nipHR, nipHead, nipPenilai, nipEmployee, nipStranger, "199912312020121999"}, "|"))},
		{"18-digit number", regexp.MustCompile(`(^|[^0-9])[0-9]{18}([^0-9]|$)`)},
		{"TPP amount", regexp.MustCompile(`15000000|9000000|5000000|4000000|3000000|[0-9]\.000\.000|[0-9]e\+0[67]`)},
		{"SendGrid key", regexp.MustCompile(`SG\.[A-Za-z0-9_.-]+|` + regexp.QuoteMeta(logscanSendGridKey[3:]))},
		{"email address", regexp.MustCompile(`[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+\.)+[A-Za-z]{2,}`)},
	}
	leaks := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		for _, s := range secrets {
			if m := s.re.FindString(line); m != "" {
				if leaks[s.what]++; leaks[s.what] <= 5 {
					t.Errorf("log line leaks a %s (%q): %s", s.what, m, describeLogLine(line))
				}
			}
		}
	}
	for what, n := range leaks {
		t.Errorf("%d log lines leak a %s", n, what)
	}
	t.Logf("%d log lines scanned", strings.Count(out, "\n"))
}

// describeLogLine shortens a JSON log line to its level, message and the attribute keys that carry values.
func describeLogLine(line string) string {
	var m map[string]any
	if json.Unmarshal([]byte(line), &m) != nil {
		return line
	}
	b, _ := json.Marshal(m)
	if len(b) > 600 {
		b = append(b[:600], "…"...)
	}
	return string(b)
}

// TestRedactMasksPersonalData checks the redacting handler on every shape a value can take.
func TestRedactMasksPersonalData(t *testing.T) {
	var buf bytes.Buffer
	l := slog.New(platform.Redact(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	l = l.With("workflow", "employee-cycle/3/"+nipEmployee).WithGroup("g")
	l.Error("gagal kirim ke budi@contoh.go.id untuk "+nipPenilai,
		"error", fmt.Errorf("pegawai %s: tidak ditemukan", nipHR),
		"nip_int", int64(199203152018011003),
		"spaced", "NIP 19920315 201801 1 003",
		"key", "Bearer "+logscanSendGridKey,
		"nested", slog.GroupValue(slog.String("to", "sari.w+kinerja@contoh.go.id")),
		"any", []string{nipHead},
		"kept", "siklus 2026, 19 digit 1763912345123456789, 17 digit 19920315201801100, tpp 5000000",
		"count", 42)
	out := buf.String()
	for _, leak := range []string{nipEmployee, nipPenilai, nipHR, nipHead, "199203152018011003", "19920315 201801", "SG.logscan",
		logscanSendGridKey[3:], "@contoh.go.id"} {
		if strings.Contains(out, leak) {
			t.Errorf("%q survived redaction: %s", leak, out)
		}
	}
	for _, kept := range []string{`"kept":"siklus 2026, 19 digit 1763912345123456789, 17 digit 19920315201801100, tpp 5000000"`,
		`"count":42`, `employee-cycle/3/[NIP]`, `Bearer SG.[...]`, `[email]`, `"msg":"gagal kirim ke [email] untuk [NIP]"`} {
		if !strings.Contains(out, kept) {
			t.Errorf("want %s in %s", kept, out)
		}
	}
}
