package api_test

// Single sign-on against a real OpenID Provider: zitadel/oidc's OP (pkg/op) with its example
// storage and login UI, serving real discovery, JWKS, authorize, token and UserInfo endpoints and
// RS256-signed ID tokens, started in-process on loopback. The test plays the browser: a cookie
// jar and every redirect followed by hand, through the provider's login form.

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zitadel/oidc/v3/example/server/exampleop"
	"github.com/zitadel/oidc/v3/example/server/storage"
	zoidc "github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const (
	ssoClientID     = "kinerja"
	ssoClientSecret = "rahasia-klien-kinerja"
	ssoOtherClient  = "aplikasi-lain" // another application registered at the same provider
	ssoOtherSecret  = "rahasia-aplikasi-lain"
	ssoOtherRedir   = "https://lain.contoh.go.id/callback"
	ssoPassword     = "sandi-di-penyedia"

	ssoNIPBudi    = "199203152018011003" // employee with a password account
	ssoNIPSari    = "199505052020121004" // employee who never had a password
	ssoNIPRina    = "198501012010012001" // HR
	ssoNIPUnknown = "200001012025011999" // has an SSO account, not in the org data
)

// Provider accounts, by login name. nip is the "nip" claim; "" means the account has none.
var ssoUsers = []struct{ id, username, nip string }{
	{"u-budi", "budi", ssoNIPBudi},
	{"u-sari", "sari", "19950505 202012 1 004"}, // printed form, with spaces
	{"u-asing", "asing", ssoNIPUnknown},
	{"u-tanpa", "tanpa-nip", ""},
	{"u-pu", ssoNIPSari, ""}, // login name is the NIP (for OIDC_NIP_CLAIM=preferred_username)
}

// userStore is the example storage's user directory for ssoUsers.
type userStore map[string]*storage.User

func (u userStore) GetUserByID(id string) *storage.User { return u[id] }
func (u userStore) ExampleClientID() string             { return storage.ServiceUserID }
func (u userStore) GetUserByUsername(name string) *storage.User {
	for _, x := range u {
		if x.Username == name {
			return x
		}
	}
	return nil
}

// nipStorage is zitadel's example storage whose ID tokens also carry the "nip" claim, as a
// government SSO's would.
type nipStorage struct {
	*storage.Storage
	nips map[string]string // user ID → nip claim
}

func (s *nipStorage) SetUserinfoFromRequest(ctx context.Context, ui *zoidc.UserInfo, req op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, ui, req, scopes); err != nil {
		return err
	}
	if nip := s.nips[req.GetSubject()]; nip != "" {
		ui.AppendClaims("nip", nip)
	}
	return nil
}

// startProvider serves a zitadel OP on ln with the kinerja client (redirect URI redirect) and
// another application registered.
func startProvider(t *testing.T, ln net.Listener, redirect string) (issuer string) {
	t.Helper()
	issuer = "http://" + ln.Addr().String()
	users := userStore{}
	nips := map[string]string{}
	for _, u := range ssoUsers {
		users[u.id] = &storage.User{ID: u.id, Username: u.username, Password: ssoPassword, FirstName: u.username,
			LastName: "Uji", Email: u.username + "@sso.contoh.go.id", EmailVerified: true}
		nips[u.id] = u.nip
	}
	clients := map[string]*storage.Client{
		ssoClientID:    storage.WebClient(ssoClientID, ssoClientSecret, redirect),
		ssoOtherClient: storage.WebClient(ssoOtherClient, ssoOtherSecret, ssoOtherRedir),
	}
	st := &nipStorage{Storage: storage.NewStorageWithClients(users, clients), nips: nips}
	srv := httptest.NewUnstartedServer(exampleop.SetupServer(issuer, st, nil, false))
	srv.Listener.Close()
	srv.Listener = ln
	srv.Start()
	t.Cleanup(srv.Close)
	return issuer
}

// tokenTap sits between kinerja and the provider and may rewrite the id_token of token
// responses: a provider, or someone on the way, handing over a token it should not.
type tokenTap struct {
	rewrite atomic.Pointer[func(idToken string) string]
	last    atomic.Pointer[string] // the last ID token the provider handed out
}

func (tt *tokenTap) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil || !strings.HasSuffix(r.URL.Path, "/oauth/token") || resp.StatusCode != http.StatusOK {
		return resp, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, err
	}
	id, _ := m["id_token"].(string)
	tt.last.Store(&id)
	if f := tt.rewrite.Load(); f != nil {
		m["id_token"] = (*f)(id)
	}
	body, _ = json.Marshal(m)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Del("Content-Length")
	return resp, nil
}

type ssoEnv struct {
	t       *testing.T
	pool    *pgxpool.Pool
	issuer  string
	app     *httptest.Server // kinerja, over TLS so the Secure cookies travel as in production
	srv     *api.Server
	tap     *tokenTap
	offset  atomic.Int64 // added to kinerja's clock
	nipName string       // OIDC_NIP_CLAIM
}

type ssoOption func(*ssoEnv)

func withNIPClaim(name string) ssoOption { return func(e *ssoEnv) { e.nipName = name } }

// newSSO starts the provider and kinerja with SSO over a fresh database holding Budi (with a
// password), Sari (without) and Rina (HR).
func newSSO(t *testing.T, opts ...ssoOption) *ssoEnv {
	t.Helper()
	e := &ssoEnv{t: t, pool: testenv.DB(t), tap: &tokenTap{}}
	for _, o := range opts {
		o(e)
	}
	importSSOOrg(t, e.pool)
	e.app = httptest.NewUnstartedServer(nil)
	publicURL := "https://" + e.app.Listener.Addr().String()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	e.issuer = startProvider(t, ln, publicURL+api.OIDCCallbackPath)
	e.srv = &api.Server{Store: &store.Store{Pool: e.pool}, SecureCookies: true, PublicURL: publicURL,
		Now: func() time.Time { return time.Now().Add(time.Duration(e.offset.Load())) }}
	o, err := api.NewOIDC(context.Background(), api.OIDCConfig{Issuer: e.issuer, ClientID: ssoClientID,
		ClientSecret: ssoClientSecret, NIPClaim: e.nipName, HTTPClient: &http.Client{Transport: e.tap, Timeout: 10 * time.Second}}, publicURL)
	if err != nil {
		t.Fatal(err)
	}
	if got := o.RedirectURL(); got != publicURL+"/api/auth/oidc/callback" {
		t.Fatalf("redirect URL %s", got)
	}
	e.srv.OIDC = o
	e.app.Config.Handler = e.srv.Handler()
	e.app.StartTLS()
	t.Cleanup(e.app.Close)
	return e
}

func importSSOOrg(t *testing.T, pool *pgxpool.Pool) {
	t.Helper()
	st := &store.Store{Pool: pool}
	emp := func(nip, name string, hr bool) store.Employee {
		return store.Employee{NIP: nip, Name: name, Email: name + "@contoh.go.id", Status: "PNS", UnitID: "dinas", PositionID: "staf", IsHR: hr}
	}
	if err := st.ImportOrg(context.Background(), store.OrgImport{
		Units:     []store.Unit{{ID: "dinas", Name: "Dinas"}},
		Positions: []store.Position{{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8}},
		Employees: []store.Employee{emp(ssoNIPRina, "rina", true), emp(ssoNIPBudi, "budi", false), emp(ssoNIPSari, "sari", false)},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(context.Background(), `INSERT INTO accounts (nip, password_hash) VALUES ($1, '$argon2id$v=19$m=65536,t=2,p=2$AAAA$AAAA')`, ssoNIPBudi); err != nil {
		t.Fatal(err)
	}
}

// browser keeps cookies and follows no redirect by itself.
type browser struct {
	t      *testing.T
	c      *http.Client
	accept string
}

func (e *ssoEnv) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{t: e.t, accept: "text/html,application/xhtml+xml,*/*;q=0.8", c: &http.Client{
		Transport: e.app.Client().Transport, Jar: jar, Timeout: 20 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

type page struct {
	*http.Response
	body string
}

func (b *browser) do(method, u string, form url.Values, header ...string) page {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	r, err := http.NewRequest(method, u, body)
	if err != nil {
		b.t.Fatal(err)
	}
	r.Header.Set("Accept", b.accept)
	if form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	resp, err := b.c.Do(r)
	if err != nil {
		b.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		b.t.Fatal(err)
	}
	return page{resp, string(data)}
}

func (p page) want(t *testing.T, status int) page {
	t.Helper()
	if p.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", p.Request.Method, p.Request.URL, p.StatusCode, status, p.body)
	}
	return p
}

func (p page) location(t *testing.T) *url.URL {
	t.Helper()
	loc, err := p.Location()
	if err != nil {
		t.Fatalf("%s %s: %d without Location: %s", p.Request.Method, p.Request.URL, p.StatusCode, p.body)
	}
	return loc
}

func (p page) cookie(name string) *http.Cookie {
	for _, c := range p.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func (p page) errorCode(t *testing.T) string {
	t.Helper()
	var m struct {
		Error struct{ Code, Message string }
	}
	if err := json.Unmarshal([]byte(p.body), &m); err != nil {
		t.Fatalf("not a JSON error: %q", p.body)
	}
	return m.Error.Code
}

// startLogin asks kinerja for an SSO login and returns where it sends the browser.
func (b *browser) startLogin(e *ssoEnv) *url.URL {
	b.t.Helper()
	p := b.do("GET", e.app.URL+api.OIDCLoginPath, nil).want(b.t, http.StatusFound)
	c := p.cookie(api.OIDCCookie)
	if c == nil || !c.HttpOnly || !c.Secure || c.SameSite != http.SameSiteLaxMode || c.Path != "/api/auth/oidc/" || c.MaxAge != 600 {
		b.t.Fatalf("login attempt cookie %+v", c)
	}
	return p.location(b.t)
}

var formID = regexp.MustCompile(`name="id" value="([^"]+)"`)

// signIn goes through the provider's authorize endpoint and login form as username and returns
// the redirect back to the application, not followed.
func (b *browser) signIn(authorize *url.URL, username string) *url.URL {
	b.t.Helper()
	loginPage := authorize.ResolveReference(b.do("GET", authorize.String(), nil).want(b.t, http.StatusFound).location(b.t))
	form := b.do("GET", loginPage.String(), nil).want(b.t, http.StatusOK)
	m := formID.FindStringSubmatch(form.body)
	if m == nil {
		b.t.Fatalf("provider login page without auth request id: %s", form.body)
	}
	post := loginPage.ResolveReference(&url.URL{Path: "/login/username"})
	done := b.do("POST", post.String(), url.Values{"id": {m[1]}, "username": {username}, "password": {ssoPassword}}).want(b.t, http.StatusFound)
	cb := post.ResolveReference(done.location(b.t))
	back := b.do("GET", cb.String(), nil).want(b.t, http.StatusFound).location(b.t)
	return cb.ResolveReference(back)
}

// login runs the whole flow as username up to kinerja's answer to the callback.
func (b *browser) login(e *ssoEnv, username string) page {
	b.t.Helper()
	return b.do("GET", b.signIn(b.startLogin(e), username).String(), nil)
}

func (e *ssoEnv) count(sql string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.pool.QueryRow(context.Background(), sql, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func TestOIDCLogin(t *testing.T) {
	e := newSSO(t)
	b := e.browser()

	authorize := b.startLogin(e)
	if !strings.HasPrefix(authorize.String(), e.issuer+"/auth?") {
		t.Fatalf("login sent the browser to %s, not the provider's authorization endpoint", authorize)
	}
	q := authorize.Query()
	for k, want := range map[string]string{"client_id": ssoClientID, "response_type": "code",
		"redirect_uri": e.app.URL + api.OIDCCallbackPath, "code_challenge_method": "S256", "scope": "openid profile"} {
		if q.Get(k) != want {
			t.Errorf("authorization request %s=%q, want %q", k, q.Get(k), want)
		}
	}
	for _, k := range []string{"state", "nonce", "code_challenge"} {
		if len(q.Get(k)) < 43 {
			t.Errorf("authorization request %s=%q: want 256 bits", k, q.Get(k))
		}
	}

	cb := b.signIn(authorize, "budi")
	if !strings.HasPrefix(cb.String(), e.app.URL+api.OIDCCallbackPath+"?") || cb.Query().Get("code") == "" {
		t.Fatalf("provider sent the browser back to %s", cb)
	}
	p := b.do("GET", cb.String(), nil).want(t, http.StatusSeeOther)
	if loc := p.location(t).String(); loc != e.app.URL+"/" {
		t.Fatalf("after login the browser goes to %s, want PUBLIC_URL/", loc)
	}
	sc := p.cookie(api.SessionCookie)
	if sc == nil || !sc.HttpOnly || !sc.Secure || sc.SameSite != http.SameSiteLaxMode || sc.Path != "/" || sc.MaxAge < 8*3600-60 {
		t.Fatalf("session cookie %+v", sc)
	}
	if c := p.cookie(api.OIDCCookie); c == nil || c.MaxAge >= 0 {
		t.Fatalf("the login attempt cookie is not cleared: %+v", c)
	}

	me := b.do("GET", e.app.URL+"/api/me", nil).want(t, http.StatusOK)
	var emp store.Employee
	if err := json.Unmarshal([]byte(me.body), &emp); err != nil || emp.NIP != ssoNIPBudi {
		t.Fatalf("GET /api/me as the SSO session: %s", me.body)
	}
	if n := e.count(`SELECT count(*) FROM sessions WHERE nip = $1 AND method = 'oidc' AND revoked_at IS NULL`, ssoNIPBudi); n != 1 {
		t.Fatalf("%d live oidc sessions of Budi, want 1", n)
	}

	// The session is a password login's: CSRF token from GET /api/auth/session, logout with it.
	var sess struct {
		CSRF string `json:"csrf_token"`
	}
	if err := json.Unmarshal([]byte(b.do("GET", e.app.URL+"/api/auth/session", nil).want(t, http.StatusOK).body), &sess); err != nil || sess.CSRF == "" {
		t.Fatal("no csrf token for the SSO session")
	}
	b.do("POST", e.app.URL+"/api/auth/logout", nil).want(t, http.StatusForbidden)
	b.do("POST", e.app.URL+"/api/auth/logout", nil, api.CSRFHeader, sess.CSRF).want(t, http.StatusNoContent)
	b.do("GET", e.app.URL+"/api/me", nil).want(t, http.StatusUnauthorized)

	// The same callback again: the attempt is spent (its cookie is gone) and the code too.
	if got := b.do("GET", cb.String(), nil).want(t, http.StatusBadRequest); !strings.Contains(got.body, "kedaluwarsa") {
		t.Fatalf("replayed callback: %s", got.body)
	}
}

// Someone with no password account logs in through SSO; the NIP claim in printed form counts.
// A script asking for JSON gets the password login's answer and its CSRF token works.
func TestOIDCLoginWithoutPasswordAccountJSON(t *testing.T) {
	e := newSSO(t)
	b := e.browser()
	cb := b.signIn(b.startLogin(e), "sari")
	b.accept = "application/json"
	p := b.do("GET", cb.String(), nil).want(t, http.StatusOK)
	var out struct {
		CSRF     string         `json:"csrf_token"`
		Employee store.Employee `json:"employee"`
	}
	if err := json.Unmarshal([]byte(p.body), &out); err != nil || out.Employee.NIP != ssoNIPSari || out.CSRF == "" {
		t.Fatalf("JSON answer %s", p.body)
	}
	if p.cookie(api.SessionCookie) == nil {
		t.Fatal("no session cookie")
	}
	if n := e.count(`SELECT count(*) FROM accounts WHERE nip = $1`, ssoNIPSari); n != 0 {
		t.Fatal("an SSO login created a password account")
	}
	b.do("POST", e.app.URL+"/api/auth/logout", nil, api.CSRFHeader, out.CSRF).want(t, http.StatusNoContent)
}

func TestOIDCStateChecked(t *testing.T) {
	e := newSSO(t)

	t.Run("wrong state", func(t *testing.T) {
		b := e.browser()
		cb := b.signIn(b.startLogin(e), "budi")
		q := cb.Query()
		q.Set("state", strings.Repeat("A", 43))
		cb.RawQuery = q.Encode()
		b.accept = "application/json"
		p := b.do("GET", cb.String(), nil).want(t, http.StatusBadRequest)
		if p.errorCode(t) != "invalid_state" || p.cookie(api.SessionCookie) != nil {
			t.Fatalf("wrong state: %s", p.body)
		}
	})
	t.Run("callback in another browser", func(t *testing.T) {
		b := e.browser()
		cb := b.signIn(b.startLogin(e), "budi")
		other := e.browser()
		p := other.do("GET", cb.String(), nil).want(t, http.StatusBadRequest)
		if !strings.Contains(p.Header.Get("Content-Type"), "text/html") || !strings.Contains(p.body, "Login SSO gagal") ||
			!strings.Contains(p.body, "mulai login lagi") || p.cookie(api.SessionCookie) != nil {
			t.Fatalf("callback without the attempt cookie: %s", p.body)
		}
	})
	t.Run("attempt older than 10 minutes", func(t *testing.T) {
		b := e.browser()
		cb := b.signIn(b.startLogin(e), "budi")
		e.offset.Store(int64(11 * time.Minute))
		defer e.offset.Store(0)
		b.accept = "application/json"
		if p := b.do("GET", cb.String(), nil).want(t, http.StatusBadRequest); p.errorCode(t) != "invalid_state" {
			t.Fatal(p.body)
		}
	})
}

func TestOIDCUnknownNIP(t *testing.T) {
	e := newSSO(t)
	b := e.browser()
	p := b.login(e, "asing").want(t, http.StatusForbidden)
	if !strings.Contains(p.body, "NIP "+ssoNIPUnknown+" belum terdaftar; hubungi BKPSDM") || p.cookie(api.SessionCookie) != nil {
		t.Fatalf("unknown NIP: %s", p.body)
	}
	b.accept = "application/json"
	p = b.login(e, "asing").want(t, http.StatusForbidden)
	if p.errorCode(t) != "nip_not_registered" {
		t.Fatal(p.body)
	}
	b.do("GET", e.app.URL+"/api/me", nil).want(t, http.StatusUnauthorized)
	if n := e.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("%d sessions after refused logins", n)
	}
}

// The NIP comes from the configured claim only: no nip claim is refused; preferred_username
// counts when OIDC_NIP_CLAIM names it (read from UserInfo, since zitadel keeps profile claims
// out of the ID token when it issues an access token).
func TestOIDCNIPClaim(t *testing.T) {
	e := newSSO(t)
	b := e.browser()
	b.accept = "application/json"
	if p := b.login(e, "tanpa-nip").want(t, http.StatusForbidden); p.errorCode(t) != "nip_missing" {
		t.Fatal(p.body)
	}
	if p := b.login(e, ssoNIPSari).want(t, http.StatusForbidden); p.errorCode(t) != "nip_missing" {
		t.Fatalf("preferred_username used without OIDC_NIP_CLAIM naming it: %s", p.body)
	}

	e = newSSO(t, withNIPClaim("preferred_username"))
	b = e.browser()
	p := b.login(e, ssoNIPSari).want(t, http.StatusSeeOther)
	if p.cookie(api.SessionCookie) == nil {
		t.Fatal("no session")
	}
	if me := b.do("GET", e.app.URL+"/api/me", nil).want(t, http.StatusOK); !strings.Contains(me.body, ssoNIPSari) {
		t.Fatal(me.body)
	}
}

// ID tokens that are not for kinerja, not signed by the provider or expired are refused.
func TestOIDCTokenRefused(t *testing.T) {
	e := newSSO(t)
	refused := func(t *testing.T, b *browser, cb *url.URL) {
		t.Helper()
		b.accept = "application/json"
		p := b.do("GET", cb.String(), nil).want(t, http.StatusUnauthorized)
		if p.errorCode(t) != "invalid_id_token" || p.cookie(api.SessionCookie) != nil {
			t.Fatal(p.body)
		}
	}
	t.Run("tampered: claims another NIP", func(t *testing.T) {
		rewrite := func(id string) string {
			parts := strings.Split(id, ".")
			payload, err := base64.RawURLEncoding.DecodeString(parts[1])
			if err != nil || !strings.Contains(string(payload), ssoNIPBudi) {
				t.Errorf("ID token payload %q", payload)
			}
			parts[1] = base64.RawURLEncoding.EncodeToString([]byte(strings.ReplaceAll(string(payload), ssoNIPBudi, ssoNIPRina)))
			return strings.Join(parts, ".")
		}
		e.tap.rewrite.Store(&rewrite)
		defer e.tap.rewrite.Store(nil)
		b := e.browser()
		refused(t, b, b.signIn(b.startLogin(e), "budi"))
	})
	t.Run("issued to another application", func(t *testing.T) {
		b := e.browser()
		authorize := b.startLogin(e)
		// A genuine token of the same provider for the same person and even the same nonce,
		// but for another application's audience.
		other := otherAudienceToken(t, e, authorize.Query().Get("nonce"))
		rewrite := func(string) string { return other }
		e.tap.rewrite.Store(&rewrite)
		defer e.tap.rewrite.Store(nil)
		refused(t, b, b.signIn(authorize, "budi"))
	})
	t.Run("from another login (nonce)", func(t *testing.T) {
		// A genuine kinerja token from someone else's login, injected into this one.
		victim := e.browser()
		victimCB := victim.signIn(victim.startLogin(e), "budi")
		b := e.browser()
		cb := b.signIn(b.startLogin(e), "budi")
		victim.accept = "application/json"
		victim.do("GET", victimCB.String(), nil).want(t, http.StatusOK)
		stolen := *e.tap.last.Load()
		rewrite := func(string) string { return stolen }
		e.tap.rewrite.Store(&rewrite)
		defer e.tap.rewrite.Store(nil)
		refused(t, b, cb)
		if _, err := e.pool.Exec(context.Background(), `DELETE FROM sessions`); err != nil { // the victim's own login
			t.Fatal(err)
		}
	})
	t.Run("expired", func(t *testing.T) {
		// zitadel's ID tokens live an hour: begin at +55 minutes, come back at +61.
		e.offset.Store(int64(55 * time.Minute))
		defer e.offset.Store(0)
		b := e.browser()
		cb := b.signIn(b.startLogin(e), "budi")
		e.offset.Store(int64(61 * time.Minute))
		refused(t, b, cb)
	})
	if n := e.count(`SELECT count(*) FROM sessions`); n != 0 {
		t.Fatalf("%d sessions after refused tokens", n)
	}
}

// otherAudienceToken logs budi in to the other application at the provider and returns its ID token.
func otherAudienceToken(t *testing.T, e *ssoEnv, nonce string) string {
	t.Helper()
	b := e.browser()
	authorize, _ := url.Parse(e.issuer + "/auth?" + url.Values{"client_id": {ssoOtherClient}, "redirect_uri": {ssoOtherRedir},
		"response_type": {"code"}, "scope": {"openid"}, "state": {"lain"}, "nonce": {nonce}}.Encode())
	back := b.signIn(authorize, "budi")
	if !strings.HasPrefix(back.String(), ssoOtherRedir) {
		t.Fatalf("provider sent the other application's login to %s", back)
	}
	r, _ := http.NewRequest("POST", e.issuer+"/oauth/token", strings.NewReader(url.Values{"grant_type": {"authorization_code"},
		"code": {back.Query().Get("code")}, "redirect_uri": {ssoOtherRedir}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.SetBasicAuth(ssoOtherClient, ssoOtherSecret)
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.IDToken == "" {
		t.Fatalf("other application's token: %d %v", resp.StatusCode, err)
	}
	return tok.IDToken
}

func TestOIDCProviderError(t *testing.T) {
	e := newSSO(t)
	b := e.browser()
	authorize := b.startLogin(e)
	// What the provider sends back when the person declines.
	cb := e.app.URL + api.OIDCCallbackPath + "?" + url.Values{"error": {"access_denied"},
		"error_description": {"<b>klik tautan ini</b>"}, "state": {authorize.Query().Get("state")}}.Encode()
	p := b.do("GET", cb, nil).want(t, http.StatusForbidden)
	if !strings.Contains(p.body, "dibatalkan atau ditolak oleh penyedia identitas") || strings.Contains(p.body, "klik tautan") {
		t.Fatalf("access_denied page: %s", p.body)
	}
	if p.cookie(api.SessionCookie) != nil {
		t.Fatal("session after access_denied")
	}
}

// Discovery that fails at start does not stop the platform; the first login retries it.
func TestOIDCProviderDownAtStart(t *testing.T) {
	pool := testenv.DB(t)
	importSSOOrg(t, pool)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there yet
	app := httptest.NewUnstartedServer(nil)
	publicURL := "https://" + app.Listener.Addr().String()
	o, err := api.NewOIDC(context.Background(), api.OIDCConfig{Issuer: "http://" + addr, ClientID: ssoClientID, ClientSecret: ssoClientSecret}, publicURL)
	if err != nil {
		t.Fatalf("an unreachable provider must not fail the start: %v", err)
	}
	srv := &api.Server{Store: &store.Store{Pool: pool}, SecureCookies: true, PublicURL: publicURL, OIDC: o}
	app.Config.Handler = srv.Handler()
	app.StartTLS()
	defer app.Close()
	e := &ssoEnv{t: t, pool: pool, app: app, srv: srv}
	b := e.browser()
	b.accept = "application/json"
	if p := b.do("GET", app.URL+api.OIDCLoginPath, nil).want(t, http.StatusServiceUnavailable); p.errorCode(t) != "sso_unavailable" {
		t.Fatal(p.body)
	}

	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	e.issuer = startProvider(t, ln, publicURL+api.OIDCCallbackPath)
	b.accept = "text/html"
	b.login(e, "budi").want(t, http.StatusSeeOther)
	b.do("GET", app.URL+"/api/me", nil).want(t, http.StatusOK)
}

func TestOIDCDisabled(t *testing.T) {
	srv := &api.Server{Store: &store.Store{Pool: testenv.DB(t)}, SecureCookies: true, PublicURL: "https://kinerja.contoh.go.id"}
	h := srv.Handler()
	for _, path := range []string{api.OIDCLoginPath, api.OIDCCallbackPath + "?code=x&state=y"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest("GET", path, nil))
		if w.Code != http.StatusNotFound {
			t.Errorf("GET %s without OIDC: %d %s", path, w.Code, w.Body)
		}
		if len(w.Result().Cookies()) != 0 {
			t.Errorf("GET %s without OIDC set cookies", path)
		}
	}
}

func TestOIDCConfigChecked(t *testing.T) {
	ctx := context.Background()
	for name, c := range map[string]struct {
		cfg       api.OIDCConfig
		publicURL string
	}{
		"plain http issuer":   {api.OIDCConfig{Issuer: "http://sso.contoh.go.id", ClientID: "k", ClientSecret: "s"}, "https://kinerja.contoh.go.id"},
		"no client id":        {api.OIDCConfig{Issuer: "https://sso.contoh.go.id", ClientSecret: "s"}, "https://kinerja.contoh.go.id"},
		"no client secret":    {api.OIDCConfig{Issuer: "https://sso.contoh.go.id", ClientID: "k"}, "https://kinerja.contoh.go.id"},
		"relative PUBLIC_URL": {api.OIDCConfig{Issuer: "https://sso.contoh.go.id", ClientID: "k", ClientSecret: "s"}, "/kinerja"},
	} {
		if _, err := api.NewOIDC(ctx, c.cfg, c.publicURL); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
