package api

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
)

// Failed logins are throttled per client address, before any password is hashed: each costs
// 64 MiB and tens of milliseconds of argon2, so a burst of wrong ones from one address would
// otherwise queue every real login behind it. The per-account lockout (auth/lockout.go) protects
// accounts; this protects the server. A successful login gives its token back, so an office
// behind one address logging in on Monday morning is never held up by its own right passwords.
const (
	loginBurst  = 20              // failed logins an address may make at once
	loginRefill = 3 * time.Second // then one more every 3 s (20 a minute)
	// throttleSweep is the number of addresses above which full buckets are forgotten.
	throttleSweep = 10_000
)

// throttle is a token bucket per key.
type throttle struct {
	mu      sync.Mutex
	burst   float64
	every   time.Duration
	buckets map[string]*bucket
	sweepAt int
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newThrottle(burst int, every time.Duration) *throttle {
	return &throttle{burst: float64(burst), every: every, buckets: map[string]*bucket{}, sweepAt: throttleSweep}
}

// refill brings b up to now.
func (t *throttle) refill(b *bucket, now time.Time) {
	if now.After(b.at) {
		b.tokens = min(t.burst, b.tokens+float64(now.Sub(b.at))/float64(t.every))
		b.at = now
	}
}

// take spends one token of key; when none is left it spends nothing and says how long until one is.
func (t *throttle) take(key string, now time.Time) (ok bool, wait time.Duration) {
	t.mu.Lock()
	defer t.mu.Unlock()
	b, found := t.buckets[key]
	if !found {
		t.sweep(now)
		b = &bucket{tokens: t.burst, at: now}
		t.buckets[key] = b
	}
	t.refill(b, now)
	if b.tokens < 1 {
		return false, time.Duration((1 - b.tokens) * float64(t.every))
	}
	b.tokens--
	return true, 0
}

// give returns a token taken for a request that turned out not to count (a successful login).
func (t *throttle) give(key string, now time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if b, ok := t.buckets[key]; ok {
		t.refill(b, now)
		b.tokens = min(t.burst, b.tokens+1)
	}
}

// sweep forgets full buckets once there are many: they hold nothing a new bucket would not.
func (t *throttle) sweep(now time.Time) {
	if len(t.buckets) < t.sweepAt {
		return
	}
	for k, b := range t.buckets {
		if t.refill(b, now); b.tokens >= t.burst {
			delete(t.buckets, k)
		}
	}
	t.sweepAt = max(throttleSweep, 2*len(t.buckets))
}

// clientKey is the address a request came from, as the connection says (forwarding headers can
// be forged). IPv6 clients are keyed by their /64, which one subscriber usually holds whole.
func clientKey(c *gin.Context) string {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		host = c.Request.RemoteAddr
	}
	ip := net.ParseIP(host)
	switch {
	case ip == nil:
		return host
	case ip.To4() != nil:
		return ip.To4().String()
	}
	return ip.Mask(net.CIDRMask(64, 128)).String() + "/64"
}

func tooManyLogins(c *gin.Context, wait time.Duration) {
	secs := int((wait + time.Second - 1) / time.Second)
	c.Header("Retry-After", strconv.Itoa(secs))
	fail(c, &apiError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
		Message: "terlalu banyak percobaan login gagal dari alamat ini; coba lagi setelah " + strconv.Itoa(secs) + " detik"})
}
