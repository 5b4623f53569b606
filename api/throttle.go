package api

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

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

// ParseTrustedProxies reads TRUSTED_PROXIES: addresses or CIDR prefixes of the reverse proxies
// in front of the API, separated by commas or spaces.
func ParseTrustedProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || unicode.IsSpace(r) }) {
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("TRUSTED_PROXIES: %q is neither an address nor a CIDR prefix", f)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func trusted(proxies []netip.Prefix, a netip.Addr) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientKey is the address a request came from: the connection's, or, when that is one of the
// trusted proxies, the nearest address in X-Forwarded-For that is not (the rest of the header
// can be forged by the client). IPv6 clients are keyed by their /64, which one subscriber
// usually holds whole.
func (s *Server) clientKey(c *gin.Context) string {
	host, _, err := net.SplitHostPort(c.Request.RemoteAddr)
	if err != nil {
		host = c.Request.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	a = a.Unmap()
	if trusted(s.TrustedProxies, a) {
		hops := strings.Split(strings.Join(c.Request.Header.Values("X-Forwarded-For"), ","), ",")
		for i := len(hops) - 1; i >= 0; i-- {
			h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
			if err != nil {
				break // a garbled hop: trust nothing further left
			}
			if a = h.Unmap(); !trusted(s.TrustedProxies, a) {
				break
			}
		}
	}
	if a.Is4() {
		return a.String()
	}
	return netip.PrefixFrom(a, 64).Masked().String()
}

// errTooManyLogins is the 429 of a throttled login; failCredentials adds its Retry-After.
func errTooManyLogins(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	return &lockedAnswer{apiError{Status: http.StatusTooManyRequests, Code: "too_many_requests",
		Message: "terlalu banyak percobaan login gagal dari alamat ini; coba lagi setelah " + strconv.Itoa(secs) + " detik"}, wait}
}
