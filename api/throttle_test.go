package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestLoginThrottle: a burst of wrong logins from one address is answered 429 with Retry-After
// before any password is checked, while logins from elsewhere, and right passwords, go through.
func TestLoginThrottle(t *testing.T) {
	h := newHarness(t, false)
	from := func(addr, nip, pw string) *httptest.ResponseRecorder {
		t.Helper()
		r := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"nip":"`+nip+`","password":"`+pw+`"}`))
		r.Header.Set("Content-Type", "application/json")
		r.RemoteAddr = addr
		w := httptest.NewRecorder()
		h.h.ServeHTTP(w, r)
		return w
	}
	const attacker, office = "203.0.113.7:40000", "198.51.100.20:50000"
	failed := 0
	for ; failed < 30; failed++ {
		w := from(attacker, nipUnknown, "tebakan-yang-salah")
		if w.Code == http.StatusTooManyRequests {
			break
		}
		if w.Code != http.StatusUnauthorized {
			t.Fatalf("wrong login %d: %d %s", failed, w.Code, w.Body)
		}
	}
	if failed != 20 {
		t.Fatalf("throttled after %d wrong logins, want 20", failed)
	}

	// Throttled: no password is checked, so not even the account's failure count moves.
	before := h.queryInt(`SELECT failed_attempts FROM accounts WHERE nip = $1`, nipEmployee)
	w := from("203.0.113.7:40001", nipEmployee, "salah juga")
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") != "3" ||
		!strings.Contains(w.Body.String(), `"code":"too_many_requests"`) || !strings.Contains(w.Body.String(), "coba lagi setelah 3 detik") {
		t.Fatalf("throttled answer: %d Retry-After=%q %s", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	if after := h.queryInt(`SELECT failed_attempts FROM accounts WHERE nip = $1`, nipEmployee); after != before {
		t.Errorf("a throttled login was checked: failed_attempts %d → %d", before, after)
	}
	if w := from(attacker, nipEmployee, pwEmployee); w.Code != http.StatusTooManyRequests {
		t.Errorf("right password from the throttled address: %d, want 429 until a token refills", w.Code)
	}

	// Elsewhere nothing changed; right passwords never use up the budget.
	for i := range 30 {
		if w := from(office, nipEmployee, pwEmployee); w.Code != http.StatusOK {
			t.Fatalf("real login %d from another address: %d %s", i, w.Code, w.Body)
		}
	}
	// IPv6 clients share a bucket per /64.
	for range 20 {
		from("[2001:db8:1:2::a]:1", nipUnknown, "salah")
	}
	if w := from("[2001:db8:1:2::b]:1", nipUnknown, "salah"); w.Code != http.StatusTooManyRequests {
		t.Errorf("another address of the same /64: %d, want 429", w.Code)
	}

	// One token back after 3 s: the attacker's next try is checked again.
	h.advance(3 * time.Second)
	if w := from(attacker, nipEmployee, pwEmployee); w.Code != http.StatusOK {
		t.Errorf("after the refill: %d %s", w.Code, w.Body)
	}
}
