package api_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/api"
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

// TestLoginThrottleBehindProxy: behind a trusted reverse proxy each client is keyed by its own
// address from X-Forwarded-For; what the client itself wrote there is ignored, and so is the
// header from anyone who is not a trusted proxy.
func TestLoginThrottleBehindProxy(t *testing.T) {
	if _, err := api.ParseTrustedProxies("10.0.0.0/8, bukan-alamat"); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
		t.Errorf("a bad TRUSTED_PROXIES entry: %v", err)
	}
	proxies, err := api.ParseTrustedProxies("10.0.0.0/8 192.168.1.1")
	if err != nil || len(proxies) != 2 {
		t.Fatalf("ParseTrustedProxies: %v %v", proxies, err)
	}
	h := newHarness(t, false)
	h.srv.TrustedProxies = proxies
	via := func(remote, xff, pw string) int {
		t.Helper()
		nip := nipUnknown // wrong logins name nobody, so no account locks
		if pw == pwEmployee {
			nip = nipEmployee
		}
		r := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"nip":"`+nip+`","password":"`+pw+`"}`))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("X-Forwarded-For", xff)
		r.RemoteAddr = remote
		w := httptest.NewRecorder()
		h.h.ServeHTTP(w, r)
		return w.Code
	}
	// The attacker forges a different leftmost hop each time; the proxies append the real address.
	for i := range 20 {
		if code := via("10.0.0.5:1000", fmt.Sprintf("1.2.3.%d, 203.0.113.9, 192.168.1.1", i), "salah"); code != http.StatusUnauthorized {
			t.Fatalf("wrong login %d: %d", i, code)
		}
	}
	if code := via("10.0.0.5:1000", "9.9.9.9, 203.0.113.9", "salah"); code != http.StatusTooManyRequests {
		t.Errorf("21st wrong login through the proxy: %d, want 429", code)
	}
	// Someone else behind the same proxy logs in.
	if code := via("10.0.0.5:1000", "198.51.100.4", pwEmployee); code != http.StatusOK {
		t.Errorf("a real login through the proxy: %d", code)
	}
	// A client talking to us directly cannot pick its key with the header.
	for range 20 {
		via("203.0.113.50:1", "198.51.100.4", "salah")
	}
	if code := via("203.0.113.50:1", "198.51.100.77", "salah"); code != http.StatusTooManyRequests {
		t.Errorf("an untrusted sender's X-Forwarded-For was believed: %d", code)
	}
}
