// Package api serves the JSON API: HR configures and runs cycles, supervisors and employees act
// on their tasks. Handlers turn requests into workflow updates and read Postgres projections.
package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"reflect"
	"runtime/debug"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web"
)

// Server holds the handlers' dependencies.
type Server struct {
	Store    *store.Store
	Temporal client.Client
	// DevAuth trusts the X-Dev-NIP header as the caller's identity when a request carries no
	// API token and no session cookie. Development only: otherwise the header is refused.
	DevAuth bool
	// SecureCookies marks the session cookie Secure; off only for development over plain HTTP.
	SecureCookies bool
	// PublicURL is where people reach the site, for links in emails (password reset).
	PublicURL string
	// Now is the clock for sessions, lockouts, links and delegations; nil means time.Now.
	Now func() time.Time
	// OIDC is the single sign-on provider (api/oidc.go); nil turns SSO off: its routes answer 404.
	OIDC *OIDC
	// Background runs work that must not delay the answer (the password-reset email); nil means
	// a goroutine. Tests run it when they choose, to see what happened before and after.
	Background func(work func())
	// TrustedProxies are the reverse proxies in front of the API: behind them, the client's
	// address (for the login throttle) comes from X-Forwarded-For. See ParseTrustedProxies.
	TrustedProxies []netip.Prefix
	// EvidenceDir keeps uploaded bukti dukung (api/evidence.go), outside anything served; empty
	// turns uploads off (links still work).
	EvidenceDir string

	logins     *throttle     // failed logins per client address: api/throttle.go
	surveys    *throttle     // public survey answers per client address: api/survey.go
	resetSlots chan struct{} // password resets being made at once
}

// maxBody bounds every request body.
const maxBody = 1 << 20

// Handler returns the HTTP handler with every route.
func (s *Server) Handler() http.Handler {
	gin.SetMode(gin.ReleaseMode)
	s.logins = newThrottle(loginBurst, loginRefill)
	s.surveys = newThrottle(surveyBurst, surveyRefill)
	s.resetSlots = make(chan struct{}, 16)
	r := gin.New()
	// gin writes its trailing-slash redirects before any middleware runs, so without the security
	// headers: a path with a stray slash answers 404 like any unknown address instead.
	r.RedirectTrailingSlash = false
	r.Use(recovery, securityHeaders, checkText)
	r.NoRoute(func(c *gin.Context) { fail(c, errNotFound("alamat tidak dikenal")) })
	r.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })

	// Region-wide HR or admin, or the one-time bootstrap token while there is no admin.
	r.POST("/api/org/import", s.importIdentity, s.importOrg)

	a := r.Group("/api", s.identity)
	a.GET("/me", s.me)
	a.GET("/me/tasks", s.myTasks)
	a.GET("/me/cycles", s.myCycles)
	s.authRoutes(r, a) // login, sessions, password reset, API tokens: api/auth.go
	s.oidcRoutes(r)    // single sign-on, only when configured: api/oidc.go

	// Who may do what: internal/access; api/authz.go. Organisation-wide work needs region-wide HR
	// or an admin; per-employee HR work needs the employee inside the caller's HR scope.
	org := a.Group("", s.requireOrgWide)
	org.POST("/cycles", s.createCycle)
	org.DELETE("/cycles/:cycle", s.deleteCycle) // only while nothing refers to it
	a.GET("/cycles/:cycle", s.requireHROrAdmin, s.getCycle)
	org.PUT("/cycles/:cycle/deadlines/:name", s.moveDeadline)
	org.GET("/outbox", s.deliveries) // message statuses, never bodies: api/outbox.go
	if s.DevAuth {
		// The dev inbox shows whole emails, reset links included: it exists only in dev mode.
		org.GET("/dev/outbox", s.outbox)
	}
	org.GET("/audit/export", s.exportAudit)       // api/audit.go
	org.POST("/org/import/file", s.importOrgFile) // CSV or XLSX, dry run or apply: api/org_file.go
	hr := a.Group("", s.requireHR)
	hr.POST("/cycles/:cycle/enrol", s.enrol)                         // employees in scope only
	hr.POST("/cycles/:cycle/launch", s.launch)                       // a batch: api/batches.go
	hr.GET("/cycles/:cycle/progress", s.progress)                    // employees in scope only
	hr.POST("/cycles/:cycle/reassign", s.reassignCycle)              // after a mutasi: running years in scope follow the org data
	hr.GET("/cycles/:cycle/supervisor-changes", s.supervisorChanges) // what reassign would move: api/org_file.go
	s.batchRoutes(a)                                                 // progress and steering of batches: api/batches.go
	s.delegationRoutes(a)                                            // Plt/Plh: api/delegations.go
	s.distributionRoutes(a)                                          // SE MenPANRB 03/2023: api/distribution.go
	s.payrollRoutes(a)                                               // monthly TPP payroll: api/payroll.go

	a.GET("/cycles/:cycle/employees/:nip", s.employeeYear)
	a.GET("/cycles/:cycle/employees/:nip/audit", s.employeeAudit)
	a.POST("/cycles/:cycle/employees/:nip/:action", s.act)
	s.evidenceRoutes(a)    // bukti dukung files: api/evidence.go
	s.evidenceLogRoutes(a) // daily activity log, 360 feedback: api/evidence360.go
	s.surveyRoutes(r, a)   // public satisfaction survey of a unit: api/survey.go
	s.cascadeRoutes(a)     // cascading: RHK parents, the cascade tree, unit goals: api/cascade.go
	web.Routes(r, s)       // the pages, over the same functions: web/
	return r
}

// recovery turns a panic into the usual 500 answer and logs it through slog, whose handler
// redacts personal data; gin's own recovery writes the raw panic to stderr.
func recovery(c *gin.Context) {
	defer func() {
		if p := recover(); p != nil {
			slog.ErrorContext(c.Request.Context(), "panic in handler", "path", c.FullPath(), "panic", fmt.Sprint(p),
				"stack", string(debug.Stack()))
			fail(c, fmt.Errorf("panic: %v", p))
		}
	}()
	c.Next()
}

func securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	// Every answer is JSON: nothing in it may load, run or be framed. A handler that ever serves
	// another type sets its own policy.
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if c.Request.TLS != nil {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}
	c.Next()
}

// textHeaders are the headers whose text reaches the database or Temporal.
var textHeaders = []string{DevNIPHeader, "Idempotency-Key"}

// checkText refuses NUL and invalid UTF-8 in path segments, the query and the text headers with
// 400 naming where; JSON bodies are checked by bind. PostgreSQL refuses such text, which would
// otherwise surface as a 500 that anyone could repeat.
func checkText(c *gin.Context) {
	refuse := func(where, problem string) {
		fail(c, errBadRequest(where+": "+problem))
	}
	for _, p := range c.Params {
		if msg := textProblem(p.Value); msg != "" {
			refuse(p.Key+" (bagian alamat)", msg)
			return
		}
	}
	if msg := textProblem(c.Request.URL.Path); msg != "" {
		refuse("alamat", msg)
		return
	}
	q, err := url.ParseQuery(c.Request.URL.RawQuery)
	if err != nil {
		refuse("query", "tidak terbaca: "+strings.ReplaceAll(err.Error(), "invalid URL escape", "escape URL tidak valid"))
		return
	}
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys) // the first problem named is always the same one
	for _, k := range keys {
		if msg := textProblem(k); msg != "" {
			refuse("query (nama parameter)", msg)
			return
		}
		for _, v := range q[k] {
			if msg := textProblem(v); msg != "" {
				refuse("query "+k, msg)
				return
			}
		}
	}
	for _, h := range textHeaders {
		for _, v := range c.Request.Header.Values(h) {
			if msg := textProblem(v); msg != "" {
				refuse("header "+h, msg)
				return
			}
		}
	}
	c.Next()
}

// bind decodes a JSON body strictly: unknown, repeated or miscased keys, fields the server sets,
// and trailing data are errors naming the problem (see checkShape).
func bind(c *gin.Context, v any) error {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "isi permintaan melebihi 1 MiB"}
		}
		return errBadRequest("isi permintaan tidak terbaca")
	}
	if trimmed := bytes.TrimSpace(body); len(trimmed) == 0 || string(trimmed) == "null" {
		body = []byte("{}") // steps such as approve-plan need no body
	}
	if err := checkShape(body, reflect.TypeOf(v)); err != nil {
		return errBadRequest(err.Error())
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return errBadRequest(decodeError(err).Error())
	}
	if dec.More() {
		return errBadRequest("JSON tidak valid: ada data setelah objek utama")
	}
	return nil
}
