package platform_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/workflows"
)

// newCycle imports the organisation and opens a cycle with hourly deadlines; it returns its id.
func (e *e2e) newCycle() int64 {
	e.t.Helper()
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	return int64(e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": hourlyDeadlines()}, 201)["id"].(float64))
}

// step sends one step with an optional Idempotency-Key and returns status and body.
func (e *e2e) step(cycle int64, action, nip, key string, body map[string]any) (int, string) {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/cycles/%d/employees/%s/%s", e.base, cycle, nipEmployee, action), bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Dev-NIP", nip)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(raw)
}

// TestRetriedStepGetsTheFirstAnswer: over HTTP against the real Temporal server, a step sent
// again with the same Idempotency-Key or request_id answers what the first did, and is written once.
func TestRetriedStepGetsTheFirstAnswer(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	cycle := e.newCycle()
	e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}})
	waitFor(t, func() bool { return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan'`) == 1 })
	plan := map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Layanan", "aspect": "kuantitas", "iki": "Jumlah", "target": "4", "unit": "modul"}}}

	// The validator's refusal is given again to the retry, and writes nothing either time.
	bad := map[string]any{"plan": map[string]any{"approach": "kuantitatif"}}
	code1, body1 := e.step(cycle, "submit-plan", nipEmployee, "k-bad", bad)
	code2, body2 := e.step(cycle, "submit-plan", nipEmployee, "k-bad", bad)
	if code1 != 422 || code2 != code1 || body2 != body1 {
		t.Fatalf("refused step, then retried: %d %s / %d %s", code1, body1, code2, body2)
	}

	submitted := func() int { return e.count(`SELECT count(*) FROM audit_log WHERE action = 'plan.submitted'`) }
	code1, body1 = e.step(cycle, "submit-plan", nipEmployee, "k-1", map[string]any{"plan": plan})
	if code1 != 200 || !strings.Contains(body1, `"request_id":"k-1"`) {
		t.Fatalf("first submission: %d %s", code1, body1)
	}
	for _, retry := range []struct{ key, requestID string }{{"k-1", ""}, {"", "k-1"}, {"k-1", "k-1"}} {
		body := map[string]any{"plan": plan}
		if retry.requestID != "" {
			body["request_id"] = retry.requestID
		}
		if code, got := e.step(cycle, "submit-plan", nipEmployee, retry.key, body); code != 200 || got != body1 {
			t.Fatalf("retry %+v: %d %s, first answer %s", retry, code, got, body1)
		}
	}
	if n := submitted(); n != 1 {
		t.Fatalf("%d plan.submitted audit rows, want 1", n)
	}

	// Another step reusing the id is still refused by the workflow, and changes nothing.
	if code, body := e.step(cycle, "approve-plan", nipPenilai, "k-1", nil); code != 409 || !strings.Contains(body, workflows.ErrDuplicate) {
		t.Fatalf("another step with a used id: %d %s", code, body)
	}
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'plan.approved'`); n != 0 {
		t.Fatalf("a refused approval wrote %d audit rows", n)
	}

	// Ids a client sends are checked like any input, naming the field.
	if code, body := e.step(cycle, "approve-plan", nipPenilai, "k-2", map[string]any{"request_id": "k-3"}); code != 400 ||
		!strings.Contains(body, "Idempotency-Key") {
		t.Fatalf("request_id and Idempotency-Key that differ: %d %s", code, body)
	}
	if code, body := e.step(cycle, "approve-plan", nipPenilai, strings.Repeat("x", 129), nil); code != 400 ||
		!strings.Contains(body, "Idempotency-Key: paling panjang 128") {
		t.Fatalf("an over-long key: %d %s", code, body)
	}
	if code, body := e.step(cycle, "approve-plan", nipPenilai, "", map[string]any{"request_id": "a\tb"}); code != 400 ||
		!strings.Contains(body, "request_id:") {
		t.Fatalf("a request_id with a control character: %d %s", code, body)
	}
	if code, body := e.step(cycle, "approve-plan", nipPenilai, "k-2", nil); code != 200 || !strings.Contains(body, `"plan_state":"approved"`) {
		t.Fatalf("approval: %d %s", code, body)
	}
}
