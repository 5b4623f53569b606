package api_test

import (
	"net/http"
	"testing"
)

// TestPasswordResetAnswersBeforeLookingUp: whether the NIP exists or not, the answer is written
// before anything depends on it, and the same single piece of work follows; only that work finds
// the employee and queues the email. So the answer's timing cannot tell the two apart.
func TestPasswordResetAnswersBeforeLookingUp(t *testing.T) {
	h := newHarness(t, false)
	var jobs []func()
	h.srv.Background = func(work func()) { jobs = append(jobs, work) }
	ask := func(nip string) string {
		return h.do(req{method: "POST", path: "/api/auth/password-reset", body: map[string]string{"nip": nip}}).want(http.StatusAccepted, "").Body.String()
	}
	known := ask(nipEmployee)
	unknown := ask(nipUnknown)
	if known != unknown {
		t.Errorf("answers differ: %s vs %s", known, unknown)
	}
	if len(jobs) != 2 {
		t.Fatalf("%d background jobs, want one per request", len(jobs))
	}
	if n := h.queryInt(`SELECT count(*) FROM notification_outbox`) + h.queryInt(`SELECT count(*) FROM password_resets`); n != 0 {
		t.Fatalf("%d rows written before the answer; want none", n)
	}
	for _, job := range jobs {
		job()
	}
	if n := h.queryInt(`SELECT count(*) FROM notification_outbox`); n != 1 {
		t.Errorf("%d emails after the work, want 1 (none for the unknown NIP)", n)
	}
	if n := h.queryInt(`SELECT count(*) FROM password_resets WHERE nip = $1`, nipEmployee); n != 1 {
		t.Errorf("%d reset links for the employee, want 1", n)
	}
}
