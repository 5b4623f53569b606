package api_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/kinerja/platform/email"
)

// Outside dev mode the dev inbox does not exist: it answers like any unknown address, even to
// region-wide HR, and nothing else served shows a reset link.
func TestDevOutboxOnlyInDevMode(t *testing.T) {
	for _, dev := range []bool{false, true} {
		h := newHarness(t, dev)
		h.do(req{method: "POST", path: "/api/auth/password-reset", body: map[string]string{"nip": nipEmployee}}).want(http.StatusAccepted, "")
		hr := h.login(nipHR, pwHR)
		got := h.do(req{method: "GET", path: "/api/dev/outbox", cookie: hr.token})
		if !dev {
			unknown := h.do(req{method: "GET", path: "/api/no-such-route", cookie: hr.token}).want(http.StatusNotFound, "not_found")
			got.want(http.StatusNotFound, "not_found")
			if got.Body.String() != unknown.Body.String() {
				t.Errorf("dev outbox outside dev mode: %s, unknown route: %s", got.Body, unknown.Body)
			}
		} else if got.want(http.StatusOK, ""); !linkRe.MatchString(got.Body.String()) {
			t.Errorf("the dev inbox shows the unsent reset email: %s", got.Body)
		}
		statuses := h.do(req{method: "GET", path: "/api/outbox", cookie: hr.token}).want(http.StatusOK, "")
		body := statuses.Body.String()
		if strings.Contains(body, "token=") || strings.Contains(body, "reset-password") || strings.Contains(body, "Atur ulang") {
			t.Errorf("dev=%v: the HR view shows a reset email's link or subject: %s", dev, body)
		}
		if strings.Contains(body, "@") {
			t.Errorf("dev=%v: the HR view tells who asked for a reset: %s", dev, body)
		}
		emails := statuses.json()["emails"].([]any)
		if len(emails) != 1 || emails[0].(map[string]any)["kind"] != "password_reset" || emails[0].(map[string]any)["status"] != "pending" {
			t.Errorf("dev=%v: statuses %s", dev, body)
		}
	}
}

func TestOutboxStatuses(t *testing.T) {
	h := newHarness(t, false)
	ctx := context.Background()
	for _, k := range []string{"a", "b", "c"} {
		if _, err := email.Enqueue(ctx, h.pool, email.Message{DedupeKey: "task/" + k, ToEmail: k + "@contoh.go.id",
			ToName: k, Subject: "Tugas " + k, Text: "isi " + k, CustomArgs: map[string]string{"kind": "task"}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := h.pool.Exec(ctx, `UPDATE notification_outbox SET status = 'failed', failed_at = now(), attempts = 3,
		last_attempt_at = now(), last_error = 'sendgrid status 400: Does not contain a valid address.' WHERE dedupe_key = 'task/b'`); err != nil {
		t.Fatal(err)
	}
	hr := h.login(nipHR, pwHR)
	get := func(q string) resp { return h.do(req{method: "GET", path: "/api/outbox" + q, cookie: hr.token}) }

	failed := get("?status=failed").want(http.StatusOK, "")
	emails := failed.json()["emails"].([]any)
	if len(emails) != 1 {
		t.Fatalf("failed: %s", failed.Body)
	}
	e := emails[0].(map[string]any)
	if e["dedupe_key"] != "task/b" || e["attempts"] != float64(3) || !strings.Contains(e["last_error"].(string), "400") ||
		e["last_attempt_at"] == nil || e["subject"] != "Tugas b" || failed.json()["next_before"] != nil {
		t.Errorf("failed row: %s", failed.Body)
	}
	if strings.Contains(failed.Body.String(), "isi b") {
		t.Errorf("a body is shown: %s", failed.Body)
	}

	first := get("?limit=2").want(http.StatusOK, "").json()
	next, ok := first["next_before"].(float64)
	if got := first["emails"].([]any); len(got) != 2 || !ok {
		t.Fatalf("first page: %v", first)
	}
	rest := get("?limit=2&before="+strconv.FormatInt(int64(next), 10)).want(http.StatusOK, "").json()
	if got := rest["emails"].([]any); len(got) != 1 || got[0].(map[string]any)["dedupe_key"] != "task/a" || rest["next_before"] != nil {
		t.Errorf("second page: %v", rest)
	}

	for q, field := range map[string]string{
		"?status=queued": "status", "?limit=0": "limit", "?limit=201": "limit", "?limit=x": "limit",
		"?before=-1": "before", "?before=abc": "before",
	} {
		r := get(q).want(http.StatusBadRequest, "bad_request")
		if !strings.Contains(r.message(), field) {
			t.Errorf("%s: message %q does not name %s", q, r.message(), field)
		}
	}
}
