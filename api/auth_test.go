package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const (
	nipHR       = "198501012010012001"
	nipEmployee = "199203152018011003"
	nipNoAcct   = "199505052020121004" // in the org data, no password yet
	nipUnknown  = "200001012025011999" // not in the org data

	pwHR       = "rahasia-pengelola-2026"
	pwEmployee = "kata sandi budi yang panjang"
	publicURL  = "https://kinerja.contoh.go.id"
)

type harness struct {
	t    *testing.T
	srv  *api.Server
	h    http.Handler
	pool *pgxpool.Pool
	now  time.Time
}

// newHarness starts an API without Temporal (auth needs none) over a fresh database holding
// an HR user and an employee with passwords, and one employee without an account.
func newHarness(t *testing.T, devAuth bool) *harness {
	t.Helper()
	pool := testenv.DB(t)
	ctx := context.Background()
	st := &store.Store{Pool: pool}
	emp := func(nip, name string, hr bool) store.Employee {
		return store.Employee{NIP: nip, Name: name, Email: nip + "@contoh.go.id", Status: "PNS", UnitID: "dinas", PositionID: "staf", IsHR: hr}
	}
	if err := st.ImportOrg(ctx, store.OrgImport{
		Units:     []store.Unit{{ID: "dinas", Name: "Dinas"}},
		Positions: []store.Position{{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8}},
		Employees: []store.Employee{emp(nipHR, "Rina", true), emp(nipEmployee, "Budi", false), emp(nipNoAcct, "Sari", false)},
	}); err != nil {
		t.Fatal(err)
	}
	// The test clock starts at the real time: email delivery judges a reset link's expiry by the
	// database's clock.
	h := &harness{t: t, pool: pool, now: time.Now().UTC().Truncate(time.Second)}
	h.srv = &api.Server{Store: st, DevAuth: devAuth, SecureCookies: true, PublicURL: publicURL, Now: func() time.Time { return h.now }}
	h.srv.Background = func(work func()) { work() } // the reset email is in the outbox when the answer is
	h.h = h.srv.Handler()
	svc := &auth.Service{Pool: pool, Now: h.srv.Now}
	for nip, pw := range map[string]string{nipHR: pwHR, nipEmployee: pwEmployee} {
		if _, err := svc.SetPassword(ctx, nip, pw); err != nil {
			t.Fatal(err)
		}
	}
	return h
}

func (h *harness) advance(d time.Duration) { h.now = h.now.Add(d) }

// req is one request; zero fields are left out.
type req struct {
	method, path string
	body         any
	cookie       string // session token
	csrf         string
	bearer       string
	devNIP       string
}

type resp struct {
	*httptest.ResponseRecorder
	t *testing.T
}

func (h *harness) do(r req) resp {
	h.t.Helper()
	var body bytes.Buffer
	if r.body != nil {
		if err := json.NewEncoder(&body).Encode(r.body); err != nil {
			h.t.Fatal(err)
		}
	}
	hr := httptest.NewRequest(r.method, r.path, &body)
	if r.body != nil {
		hr.Header.Set("Content-Type", "application/json")
	}
	if r.cookie != "" {
		hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: r.cookie})
	}
	if r.csrf != "" {
		hr.Header.Set(api.CSRFHeader, r.csrf)
	}
	if r.bearer != "" {
		hr.Header.Set("Authorization", "Bearer "+r.bearer)
	}
	if r.devNIP != "" {
		hr.Header.Set(api.DevNIPHeader, r.devNIP)
	}
	w := httptest.NewRecorder()
	h.h.ServeHTTP(w, hr)
	return resp{w, h.t}
}

func (r resp) want(status int, code string) resp {
	r.t.Helper()
	if r.Code != status {
		r.t.Fatalf("status %d, want %d: %s", r.Code, status, r.Body)
	}
	if code != "" {
		if got := r.json()["error"].(map[string]any)["code"]; got != code {
			r.t.Fatalf("code %v, want %s: %s", got, code, r.Body)
		}
	}
	return r
}

func (r resp) json() map[string]any {
	r.t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body.Bytes(), &m); err != nil {
		r.t.Fatalf("body %q: %v", r.Body, err)
	}
	return m
}

func (r resp) message() string {
	e, _ := r.json()["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

func (r resp) cookie() *http.Cookie {
	for _, c := range r.Result().Cookies() {
		if c.Name == api.SessionCookie {
			return c
		}
	}
	return nil
}

type login struct{ token, csrf string }

func (h *harness) login(nip, pw string) login {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/api/auth/login", body: map[string]string{"nip": nip, "password": pw}}).want(http.StatusOK, "")
	c := r.cookie()
	if c == nil {
		h.t.Fatalf("login set no cookie: %v", r.Header())
	}
	return login{c.Value, r.json()["csrf_token"].(string)}
}

func (h *harness) loginFails(nip, pw string) resp {
	h.t.Helper()
	r := h.do(req{method: "POST", path: "/api/auth/login", body: map[string]string{"nip": nip, "password": pw}}).want(http.StatusUnauthorized, "invalid_credentials")
	if r.cookie() != nil {
		h.t.Fatal("a failed login set a cookie")
	}
	return r
}

// dbText is every row of the auth tables as text, to prove no secret is stored in clear.
func (h *harness) dbText() string {
	h.t.Helper()
	var b strings.Builder
	for _, table := range []string{"accounts", "sessions", "password_resets", "api_tokens"} {
		rows, err := h.pool.Query(context.Background(), "SELECT t::text FROM "+table+" t")
		if err != nil {
			h.t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				h.t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		if err := rows.Err(); err != nil {
			h.t.Fatal(err)
		}
	}
	return b.String()
}

func (h *harness) queryInt(sql string, args ...any) int {
	h.t.Helper()
	var n int
	if err := h.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		h.t.Fatal(err)
	}
	return n
}

func TestLoginSetsSessionCookie(t *testing.T) {
	h := newHarness(t, false)
	r := h.do(req{method: "POST", path: "/api/auth/login", body: map[string]string{"nip": nipEmployee, "password": pwEmployee}}).want(http.StatusOK, "")
	c := r.cookie()
	if c == nil {
		t.Fatal("no session cookie")
	}
	if !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.MaxAge != int(8*time.Hour/time.Second) {
		t.Errorf("cookie flags: %+v", c)
	}
	raw := r.Header().Get("Set-Cookie")
	for _, attr := range []string{"HttpOnly", "Secure", "SameSite=Lax", "Path=/", "Max-Age=28800"} {
		if !strings.Contains(raw, attr) {
			t.Errorf("Set-Cookie %q lacks %s", raw, attr)
		}
	}
	body := r.json()
	if body["employee"].(map[string]any)["nip"] != nipEmployee || body["csrf_token"] != auth.CSRFToken(c.Value) {
		t.Errorf("login answer %s", r.Body)
	}
	if n := h.queryInt(`SELECT count(*) FROM sessions WHERE id = $1 AND nip = $2 AND expires_at = $3`,
		auth.HashToken(c.Value), nipEmployee, h.now.Add(8*time.Hour)); n != 1 {
		t.Error("the session is not stored under the token's hash")
	}
	db := h.dbText()
	for _, secret := range []string{c.Value, pwEmployee, pwHR, body["csrf_token"].(string)} {
		if strings.Contains(db, secret) {
			t.Errorf("the database holds %q in clear", secret)
		}
	}

	// The session authenticates; GET /api/auth/session gives the CSRF token again.
	h.do(req{method: "GET", path: "/api/me", cookie: c.Value}).want(http.StatusOK, "")
	s := h.do(req{method: "GET", path: "/api/auth/session", cookie: c.Value}).want(http.StatusOK, "").json()
	if s["csrf_token"] != body["csrf_token"] {
		t.Errorf("session answer %v", s)
	}

	// Over plain HTTP in development the cookie cannot be Secure.
	h.srv.SecureCookies = false
	h2 := h.srv.Handler()
	w := httptest.NewRecorder()
	hr := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"nip":"`+nipHR+`","password":"`+pwHR+`"}`))
	hr.Header.Set("Content-Type", "application/json; charset=utf-8")
	h2.ServeHTTP(w, hr)
	if w.Code != http.StatusOK || strings.Contains(w.Header().Get("Set-Cookie"), "Secure") {
		t.Errorf("dev login: %d %q", w.Code, w.Header().Get("Set-Cookie"))
	}
}

func TestLoginRefusals(t *testing.T) {
	h := newHarness(t, false)
	wrong := h.loginFails(nipEmployee, "bukan kata sandinya").message()
	for _, nip := range []string{nipUnknown, nipNoAcct} {
		if got := h.loginFails(nip, pwEmployee).message(); got != wrong {
			t.Errorf("NIP %s answers %q, a wrong password %q: the answer tells them apart", nip, got, wrong)
		}
	}
	h.do(req{method: "POST", path: "/api/auth/login", body: map[string]string{"nip": nipEmployee}}).want(http.StatusBadRequest, "bad_request")
	h.do(req{method: "POST", path: "/api/auth/login", body: map[string]any{"nip": nipEmployee, "password": pwEmployee, "remember": true}}).
		want(http.StatusBadRequest, "bad_request")
	// A cross-site form cannot post JSON without a preflight: other content types are refused.
	w := httptest.NewRecorder()
	hr := httptest.NewRequest("POST", "/api/auth/login", strings.NewReader(`{"nip":"`+nipEmployee+`","password":"`+pwEmployee+`"}`))
	hr.Header.Set("Content-Type", "text/plain")
	h.h.ServeHTTP(w, hr)
	if w.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain login: %d %s", w.Code, w.Body)
	}
}

func TestLockout(t *testing.T) {
	h := newHarness(t, false)
	for i := 1; i <= 4; i++ {
		if msg := h.loginFails(nipEmployee, "salah"+strings.Repeat("!", i)).message(); strings.Contains(msg, "coba lagi") {
			t.Fatalf("failure %d already locks: %q", i, msg)
		}
	}
	fifth := h.loginFails(nipEmployee, "salah lagi")
	if !strings.Contains(fifth.message(), "coba lagi setelah 1 menit") || fifth.Header().Get("Retry-After") != "60" {
		t.Fatalf("5th failure: %q, Retry-After %q", fifth.message(), fifth.Header().Get("Retry-After"))
	}
	// Locked: even the right password is refused, with the same status and code.
	h.advance(30 * time.Second)
	if msg := h.loginFails(nipEmployee, pwEmployee).message(); !strings.Contains(msg, "coba lagi setelah 1 menit") {
		t.Errorf("right password while locked: %q", msg)
	}
	// Attempts while locked are not counted.
	if n := h.queryInt(`SELECT failed_attempts FROM accounts WHERE nip = $1`, nipEmployee); n != 5 {
		t.Errorf("failed_attempts = %d, want 5", n)
	}

	// Once the lock has passed, a further failure locks for twice as long.
	h.advance(31 * time.Second)
	if msg := h.loginFails(nipEmployee, "masih salah").message(); !strings.Contains(msg, "coba lagi setelah 2 menit") {
		t.Errorf("6th failure: %q", msg)
	}
	h.advance(2*time.Minute + time.Second)
	h.login(nipEmployee, pwEmployee)
	var failed int
	var locked *time.Time
	if err := h.pool.QueryRow(context.Background(), `SELECT failed_attempts, locked_until FROM accounts WHERE nip = $1`, nipEmployee).
		Scan(&failed, &locked); err != nil || failed != 0 || locked != nil {
		t.Errorf("after success: failed %d, locked %v, %v", failed, locked, err)
	}
	// The count starts again from zero.
	if msg := h.loginFails(nipEmployee, "salah").message(); strings.Contains(msg, "coba lagi") {
		t.Errorf("first failure after a success locks: %q", msg)
	}
	// Another account is unaffected by all of this.
	h.login(nipHR, pwHR)
}

func TestCSRFAndLogout(t *testing.T) {
	h := newHarness(t, false)
	hr := h.login(nipHR, pwHR)
	token := map[string]any{"name": "sinkronisasi SIMPEG", "scopes": []string{"read"}}

	h.do(req{method: "POST", path: "/api/tokens", body: token, cookie: hr.token}).want(http.StatusForbidden, "csrf")
	h.do(req{method: "POST", path: "/api/tokens", body: token, cookie: hr.token, csrf: hr.csrf + "x"}).want(http.StatusForbidden, "csrf")
	other := h.login(nipEmployee, pwEmployee)
	h.do(req{method: "POST", path: "/api/tokens", body: token, cookie: hr.token, csrf: other.csrf}).want(http.StatusForbidden, "csrf")
	h.do(req{method: "POST", path: "/api/tokens", body: token, cookie: hr.token, csrf: hr.csrf}).want(http.StatusCreated, "")
	// The handler runs only with the token: a bad body is its 422, not a CSRF refusal.
	h.do(req{method: "POST", path: "/api/tokens", body: map[string]any{"name": "x", "scopes": []string{"admin"}}, cookie: hr.token, csrf: hr.csrf}).
		want(http.StatusUnprocessableEntity, "invalid")
	// Safe methods need no token.
	h.do(req{method: "GET", path: "/api/tokens", cookie: hr.token}).want(http.StatusOK, "")

	h.do(req{method: "POST", path: "/api/auth/logout", cookie: hr.token}).want(http.StatusForbidden, "csrf")
	r := h.do(req{method: "POST", path: "/api/auth/logout", cookie: hr.token, csrf: hr.csrf}).want(http.StatusNoContent, "")
	if c := r.cookie(); c == nil || c.MaxAge >= 0 {
		t.Errorf("logout did not clear the cookie: %v", c)
	}
	h.do(req{method: "GET", path: "/api/me", cookie: hr.token}).want(http.StatusUnauthorized, "unauthenticated")
	if n := h.queryInt(`SELECT count(*) FROM sessions WHERE id = $1 AND revoked_at IS NOT NULL`, auth.HashToken(hr.token)); n != 1 {
		t.Error("logout did not revoke the session")
	}
	// The other session lives on until it expires after 8 hours.
	h.do(req{method: "GET", path: "/api/me", cookie: other.token}).want(http.StatusOK, "")
	h.advance(8*time.Hour - time.Second)
	h.do(req{method: "GET", path: "/api/me", cookie: other.token}).want(http.StatusOK, "")
	h.advance(time.Second)
	h.do(req{method: "GET", path: "/api/me", cookie: other.token}).want(http.StatusUnauthorized, "unauthenticated")
	h.do(req{method: "GET", path: "/api/me", cookie: auth.NewToken()}).want(http.StatusUnauthorized, "unauthenticated")
}

func TestDevHeader(t *testing.T) {
	prod := newHarness(t, false)
	r := prod.do(req{method: "GET", path: "/api/me", devNIP: nipHR}).want(http.StatusUnauthorized, "unauthenticated")
	if !strings.Contains(r.message(), "X-Dev-NIP ditolak") {
		t.Errorf("message %q does not say the header is refused", r.message())
	}
	prod.do(req{method: "POST", path: "/api/cycles", body: map[string]any{}, devNIP: nipHR}).want(http.StatusUnauthorized, "unauthenticated")
	prod.do(req{method: "GET", path: "/api/me"}).want(http.StatusUnauthorized, "unauthenticated")

	dev := newHarness(t, true)
	me := dev.do(req{method: "GET", path: "/api/me", devNIP: nipEmployee}).want(http.StatusOK, "").json()
	if me["nip"] != nipEmployee {
		t.Errorf("me = %v", me)
	}
	dev.do(req{method: "GET", path: "/api/me", devNIP: nipUnknown}).want(http.StatusUnauthorized, "unauthenticated")
	// A session still wins over the header in dev mode, and still needs its CSRF token.
	s := dev.login(nipHR, pwHR)
	me = dev.do(req{method: "GET", path: "/api/me", cookie: s.token, devNIP: nipEmployee}).want(http.StatusOK, "").json()
	if me["nip"] != nipHR {
		t.Errorf("cookie and header: caller %v", me["nip"])
	}
	dev.do(req{method: "POST", path: "/api/tokens", body: map[string]any{}, cookie: s.token, devNIP: nipHR}).want(http.StatusForbidden, "csrf")
}

// TestImportNeedsHR: once the organisation exists, only HR imports, and a refused import changes nothing.
func TestImportNeedsHR(t *testing.T) {
	h := newHarness(t, true)
	in := store.OrgImport{Units: []store.Unit{{ID: "baru", Name: "Unit Baru"}}}
	h.do(req{method: "POST", path: "/api/org/import", body: in, devNIP: nipEmployee}).want(http.StatusForbidden, "forbidden")
	if n := h.queryInt(`SELECT count(*) FROM org_units WHERE id = 'baru'`); n != 0 {
		t.Fatal("a refused import was saved")
	}
	h.do(req{method: "POST", path: "/api/org/import", body: in, devNIP: nipHR}).want(http.StatusOK, "")
	if n := h.queryInt(`SELECT count(*) FROM org_units WHERE id = 'baru'`); n != 1 {
		t.Fatal("HR's import was not saved")
	}
}

var linkRe = regexp.MustCompile(regexp.QuoteMeta(publicURL) + `/reset-password\?token=([A-Za-z0-9_-]+)`)

// resetLink returns the token of the newest reset email to nip and how many such emails there are.
func (h *harness) resetLink(nip string) (string, int) {
	h.t.Helper()
	all, err := email.ListOutbox(context.Background(), h.pool, "", 100)
	if err != nil {
		h.t.Fatal(err)
	}
	var token string
	n := 0
	for _, e := range all {
		if !strings.HasPrefix(e.DedupeKey, "password-reset/") || e.ToEmail != nip+"@contoh.go.id" {
			continue
		}
		n++
		m := linkRe.FindStringSubmatch(e.Text)
		if m == nil || !strings.Contains(e.HTML, m[0]) || !strings.Contains(e.Subject, "kata sandi") {
			h.t.Fatalf("reset email without its link: %q\n%s", e.Subject, e.Text)
		}
		if strings.Contains(e.DedupeKey, nip) || strings.Contains(e.DedupeKey, m[1]) {
			h.t.Errorf("dedupe key %q names the NIP or the token", e.DedupeKey)
		}
		if token == "" {
			token = m[1] // newest first
		}
	}
	return token, n
}

func TestPasswordReset(t *testing.T) {
	h := newHarness(t, false)
	before := h.login(nipEmployee, pwEmployee)

	ask := func(nip string) string {
		return h.do(req{method: "POST", path: "/api/auth/password-reset", body: map[string]string{"nip": nip}}).want(http.StatusAccepted, "").Body.String()
	}
	if known, unknown := ask(nipEmployee), ask(nipUnknown); known != unknown {
		t.Errorf("answers differ: %s vs %s", known, unknown)
	}
	if n := h.queryInt(`SELECT count(*) FROM notification_outbox`); n != 1 {
		t.Fatalf("%d emails, want 1 (none for an unknown NIP)", n)
	}
	token, _ := h.resetLink(nipEmployee)
	if token == "" {
		t.Fatal("no reset email")
	}
	if strings.Contains(h.dbText(), token) {
		t.Error("password_resets holds the token in clear")
	}
	// A second request within a minute sends nothing more.
	ask(nipEmployee)
	if _, n := h.resetLink(nipEmployee); n != 1 {
		t.Errorf("%d reset emails after a quick second request", n)
	}

	confirm := func(tok, pw string) resp {
		return h.do(req{method: "POST", path: "/api/auth/password-reset/confirm", body: map[string]string{"token": tok, "new_password": pw}})
	}
	// A weak password is refused and the link stays usable.
	if msg := confirm(token, "pendek").want(http.StatusUnprocessableEntity, "invalid").message(); !strings.Contains(msg, "minimal 12 karakter") {
		t.Errorf("weak password: %q", msg)
	}
	const newPW = "kata sandi baru yang panjang"
	confirm(token, newPW).want(http.StatusOK, "")
	if msg := confirm(token, newPW+"!").want(http.StatusBadRequest, "invalid_token").message(); !strings.Contains(msg, "sudah pernah digunakan") {
		t.Errorf("second use: %q", msg)
	}
	confirm(auth.NewToken(), newPW).want(http.StatusBadRequest, "invalid_token")
	h.do(req{method: "GET", path: "/api/me", cookie: before.token}).want(http.StatusUnauthorized, "unauthenticated")
	h.loginFails(nipEmployee, pwEmployee)
	h.login(nipEmployee, newPW)

	// A link expires after 30 minutes.
	h.advance(2 * time.Minute)
	ask(nipEmployee)
	expiring, n := h.resetLink(nipEmployee)
	if n != 2 || expiring == token {
		t.Fatalf("second reset: %d emails", n)
	}
	h.advance(30 * time.Minute)
	if msg := confirm(expiring, "lagi-lagi kata sandi baru").want(http.StatusBadRequest, "invalid_token").message(); !strings.Contains(msg, "kedaluwarsa") {
		t.Errorf("expired link: %q", msg)
	}
	// Only the newest link works.
	ask(nipEmployee)
	older, _ := h.resetLink(nipEmployee)
	h.advance(2 * time.Minute)
	ask(nipEmployee)
	newest, n := h.resetLink(nipEmployee)
	if n != 4 || newest == older {
		t.Fatalf("%d emails", n)
	}
	confirm(older, "lagi-lagi kata sandi baru").want(http.StatusBadRequest, "invalid_token")
	confirm(newest, "lagi-lagi kata sandi baru").want(http.StatusOK, "")

	// An employee without a password sets a first one the same way.
	ask(nipNoAcct)
	first, _ := h.resetLink(nipNoAcct)
	confirm(first, "kata sandi pertama sari").want(http.StatusOK, "")
	h.login(nipNoAcct, "kata sandi pertama sari")
}

func TestPasswordResetUnlocks(t *testing.T) {
	h := newHarness(t, false)
	for range 5 {
		h.loginFails(nipEmployee, "salah sekali")
	}
	h.do(req{method: "POST", path: "/api/auth/password-reset", body: map[string]string{"nip": nipEmployee}}).want(http.StatusAccepted, "")
	tok, _ := h.resetLink(nipEmployee)
	h.do(req{method: "POST", path: "/api/auth/password-reset/confirm", body: map[string]string{"token": tok, "new_password": "sudah tidak terkunci"}}).
		want(http.StatusOK, "")
	h.login(nipEmployee, "sudah tidak terkunci")
}

func TestChangePassword(t *testing.T) {
	h := newHarness(t, false)
	here := h.login(nipEmployee, pwEmployee)
	elsewhere := h.login(nipEmployee, pwEmployee)
	change := func(cur, next string) resp {
		return h.do(req{method: "POST", path: "/api/auth/password", cookie: here.token, csrf: here.csrf,
			body: map[string]string{"current_password": cur, "new_password": next}})
	}
	change("bukan ini", "kata sandi pengganti").want(http.StatusForbidden, "wrong_password")
	change(pwEmployee, "pendek").want(http.StatusUnprocessableEntity, "invalid")
	change(pwEmployee, "kata sandi pengganti").want(http.StatusOK, "")
	h.do(req{method: "GET", path: "/api/me", cookie: here.token}).want(http.StatusOK, "")
	h.do(req{method: "GET", path: "/api/me", cookie: elsewhere.token}).want(http.StatusUnauthorized, "unauthenticated")
	h.loginFails(nipEmployee, pwEmployee)
	h.login(nipEmployee, "kata sandi pengganti")
	if strings.Contains(h.dbText(), "kata sandi pengganti") {
		t.Error("the new password is stored in clear")
	}
}

func TestAPITokens(t *testing.T) {
	h := newHarness(t, false)
	hr := h.login(nipHR, pwHR)
	create := func(s login, name string, scopes ...string) resp {
		return h.do(req{method: "POST", path: "/api/tokens", cookie: s.token, csrf: s.csrf, body: map[string]any{"name": name, "scopes": scopes}})
	}
	rw := create(hr, "SIMPEG", "read", "write").want(http.StatusCreated, "").json()
	ro := create(hr, "dasbor", "read").want(http.StatusCreated, "").json()
	rwSecret, roSecret := rw["token"].(string), ro["token"].(string)
	if !strings.HasPrefix(rwSecret, auth.APITokenPrefix) || rwSecret == roSecret {
		t.Fatalf("tokens %q %q", rwSecret, roSecret)
	}
	// Only HR creates tokens.
	emp := h.login(nipEmployee, pwEmployee)
	create(emp, "pribadi", "read").want(http.StatusForbidden, "forbidden")

	me := h.do(req{method: "GET", path: "/api/me", bearer: roSecret}).want(http.StatusOK, "").json()
	if me["nip"] != nipHR {
		t.Errorf("bearer caller %v", me["nip"])
	}
	var used *time.Time
	if err := h.pool.QueryRow(context.Background(), `SELECT last_used_at FROM api_tokens WHERE token_hash = $1`, auth.HashToken(roSecret)).
		Scan(&used); err != nil || used == nil || !used.Equal(h.now) {
		t.Errorf("last_used_at = %v, %v; want %v", used, err, h.now)
	}
	// Uses within a minute write nothing; later ones move it.
	first := h.now
	h.advance(30 * time.Second)
	h.do(req{method: "GET", path: "/api/me", bearer: roSecret}).want(http.StatusOK, "")
	h.advance(31 * time.Second)
	h.do(req{method: "GET", path: "/api/me/tasks", bearer: roSecret}).want(http.StatusOK, "")
	var last []time.Time
	rows, _ := h.pool.Query(context.Background(), `SELECT last_used_at FROM api_tokens WHERE token_hash = $1`, auth.HashToken(roSecret))
	for rows.Next() {
		var u time.Time
		_ = rows.Scan(&u)
		last = append(last, u)
	}
	if len(last) != 1 || !last[0].Equal(first.Add(61*time.Second)) {
		t.Errorf("last_used_at %v, want %v", last, first.Add(61*time.Second))
	}

	// Scopes: read is GET only; write passes to the handler. No CSRF token is needed.
	bad := map[string]any{"year": 1999}
	h.do(req{method: "POST", path: "/api/cycles", bearer: roSecret, body: bad}).want(http.StatusForbidden, "insufficient_scope")
	h.do(req{method: "POST", path: "/api/cycles", bearer: rwSecret, body: bad}).want(http.StatusUnprocessableEntity, "invalid")
	// A token cannot manage tokens or passwords.
	h.do(req{method: "POST", path: "/api/tokens", bearer: rwSecret, body: map[string]any{"name": "x", "scopes": []string{"write"}}}).
		want(http.StatusForbidden, "forbidden")
	h.do(req{method: "GET", path: "/api/tokens", bearer: rwSecret}).want(http.StatusForbidden, "forbidden")
	h.do(req{method: "GET", path: "/api/me", bearer: "knj_" + auth.NewToken()}).want(http.StatusUnauthorized, "unauthenticated")
	h.do(req{method: "GET", path: "/api/me", bearer: ""}).want(http.StatusUnauthorized, "unauthenticated")
	h.do(req{method: "GET", path: "/api/me", bearer: auth.NewToken()}).want(http.StatusUnauthorized, "unauthenticated")

	// The list shows names, scopes and last use, never a secret.
	list := h.do(req{method: "GET", path: "/api/tokens", cookie: hr.token})
	if strings.Contains(list.Body.String(), rwSecret) || strings.Contains(list.Body.String(), roSecret) {
		t.Error("the list shows a secret")
	}
	var got struct {
		Tokens []auth.APIToken `json:"tokens"`
	}
	if err := json.Unmarshal(list.Body.Bytes(), &got); err != nil || len(got.Tokens) != 2 || got.Tokens[0].Name != "dasbor" ||
		got.Tokens[0].LastUsedAt == nil || got.Tokens[1].LastUsedAt == nil || strings.Join(got.Tokens[1].Scopes, ",") != "read,write" {
		t.Errorf("list %s (%v)", list.Body, err)
	}
	if n := len(h.do(req{method: "GET", path: "/api/tokens", cookie: emp.token}).json()["tokens"].([]any)); n != 0 {
		t.Errorf("the employee sees %d tokens", n)
	}

	// Revoking: the owner only; someone else's token answers like a missing one.
	id := url.PathEscape(jsonNumber(ro["api_token"].(map[string]any)["id"]))
	h.do(req{method: "DELETE", path: "/api/tokens/" + id, cookie: emp.token, csrf: emp.csrf}).want(http.StatusNotFound, "not_found")
	h.do(req{method: "DELETE", path: "/api/tokens/" + id, cookie: hr.token}).want(http.StatusForbidden, "csrf")
	h.do(req{method: "DELETE", path: "/api/tokens/" + id, cookie: hr.token, csrf: hr.csrf}).want(http.StatusNoContent, "")
	h.do(req{method: "DELETE", path: "/api/tokens/" + id, cookie: hr.token, csrf: hr.csrf}).want(http.StatusNoContent, "")
	h.do(req{method: "DELETE", path: "/api/tokens/999999", cookie: hr.token, csrf: hr.csrf}).want(http.StatusNotFound, "not_found")
	h.do(req{method: "DELETE", path: "/api/tokens/abc", cookie: hr.token, csrf: hr.csrf}).want(http.StatusNotFound, "not_found")
	h.do(req{method: "GET", path: "/api/me", bearer: roSecret}).want(http.StatusUnauthorized, "unauthenticated")
	h.do(req{method: "GET", path: "/api/me", bearer: rwSecret}).want(http.StatusOK, "")

	db := h.dbText()
	for _, secret := range []string{rwSecret, roSecret, strings.TrimPrefix(rwSecret, auth.APITokenPrefix)} {
		if strings.Contains(db, secret) {
			t.Errorf("the database holds token %q in clear", secret)
		}
	}
}

func jsonNumber(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

type chanSender chan email.Message

func (c chanSender) Send(_ context.Context, m email.Message) (string, error) {
	c <- m
	return "msg-1", nil
}

// TestPasswordResetDelivers: the outbox's delivery sends the email after the answer, marks it sent
// and keeps no copy of the link.
func TestPasswordResetDelivers(t *testing.T) {
	h := newHarness(t, false)
	h.do(req{method: "POST", path: "/api/auth/password-reset", body: map[string]string{"nip": nipHR}}).want(http.StatusAccepted, "")
	sent := make(chanSender, 1)
	if n, err := (&email.Deliverer{Pool: h.pool, Sender: sent}).DeliverDue(context.Background()); err != nil || n != 1 {
		t.Fatalf("delivered %d, %v", n, err)
	}
	m := <-sent
	if m.ToEmail != nipHR+"@contoh.go.id" || !linkRe.MatchString(m.Text) {
		t.Errorf("sent %+v", m)
	}
	if n := h.queryInt(`SELECT count(*) FROM notification_outbox WHERE status = 'sent' AND body_text = '' AND body_html = ''`); n != 1 {
		t.Errorf("%d sent rows without the link, want 1", n)
	}
}
