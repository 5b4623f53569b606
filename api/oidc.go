package api

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/store"
)

// Optional single sign-on through an OpenID Connect provider (a government SSO), authorization
// code flow with PKCE. Off unless OIDC_ISSUER is set (cmd/kinerja, deploy/README.md); when off,
// both routes answer 404 and nothing is initialised.
//
//   - GET /api/auth/oidc/login redirects (302) to the provider with state, nonce and a PKCE
//     challenge (S256), and sets the kinerja_oidc cookie (HttpOnly, Secure as the session cookie,
//     SameSite=Lax so it comes back on the provider's top-level redirect, Path=/api/auth/oidc/,
//     10 minutes). The cookie holds a random 256-bit secret and the time the attempt began;
//     state, nonce and PKCE verifier are HMACs of that secret over that time. Nothing is stored on
//     the server, the verifier never leaves it, the state in the URL ties the callback to the
//     browser that began the attempt, and since the time is part of what the state signs, a cookie
//     whose time was changed no longer matches: an attempt expires after 10 minutes whatever the
//     browser does with the cookie.
//   - GET /api/auth/oidc/callback clears that cookie, checks the state (400 invalid_state), turns
//     a provider's error=… into a message (access_denied: 403 sso_access_denied), exchanges the
//     code with the verifier, verifies the ID token with go-oidc (signature against the
//     provider's JWKS, issuer, audience = OIDC_CLIENT_ID, expiry) and its nonce, and reads the NIP
//     from the configured claim (OIDC_NIP_CLAIM, default "nip"; of the ID token, else of the
//     UserInfo answer for the same subject). preferred_username is used only when OIDC_NIP_CLAIM
//     names it: there is no implicit fallback. The NIP must belong to an employee in the org data
//     (403 nip_not_registered, "NIP … belum terdaftar; hubungi BKPSDM"): nobody is created here.
//     Then a session is opened exactly like a password login's (auth.Service.OpenSession: same
//     kinerja_session cookie, lifetime and CSRF token; an earlier session cookie of this browser
//     is ended) and the browser is sent (303) to PUBLIC_URL + "/", where the page fetches its
//     csrf_token from GET /api/auth/session.
//
// A callback whose Accept header asks for JSON and not HTML (a script or integration driving the
// flow) gets what POST /api/auth/login answers instead of the redirect, {csrf_token, employee,
// expires_at}, and errors as the usual JSON; a browser gets a short HTML page in Bahasa Indonesia
// with a link back to PUBLIC_URL. An SSO login ignores a password account's lockout, which guards
// the password only, and needs no password account at all (migration 0004).
//
// The provider is discovered (oidc.NewProvider) at start with a 10-second limit. If it cannot be
// reached the platform starts anyway, logs it, and tries again on the next SSO login (one
// discovery at a time; logins arriving meanwhile wait for its outcome), answering 503
// sso_unavailable until it succeeds.

const (
	// OIDCLoginPath starts an SSO login; OIDCCallbackPath is the redirect URI to register at the
	// provider, after PUBLIC_URL.
	OIDCLoginPath    = "/api/auth/oidc/login"
	OIDCCallbackPath = "/api/auth/oidc/callback"
	// OIDCCookie carries one login attempt from the redirect to the callback.
	OIDCCookie = "kinerja_oidc"

	oidcCookiePath   = "/api/auth/oidc/"
	oidcAttemptTTL   = 10 * time.Minute
	oidcClockSkew    = time.Minute
	oidcDiscoveryTTL = 10 * time.Second // one discovery request
	oidcExchangeTTL  = 15 * time.Second // code exchange and UserInfo together
)

// OIDCConfig configures single sign-on. The zero value (no Issuer) means off.
type OIDCConfig struct {
	Issuer       string // OIDC_ISSUER: https, or http only on a loopback address
	ClientID     string // OIDC_CLIENT_ID; also the audience the ID token must carry
	ClientSecret string // OIDC_CLIENT_SECRET
	// NIPClaim is the claim holding the 18-digit NIP (OIDC_NIP_CLAIM); empty means "nip".
	NIPClaim string
	// Scopes are requested besides openid (OIDC_SCOPES, space-separated); nil means profile.
	Scopes []string
	// HTTPClient talks to the provider (discovery, JWKS, token, UserInfo); nil means a client
	// with a 10-second timeout.
	HTTPClient *http.Client
}

// Enabled tells whether single sign-on is configured.
func (c OIDCConfig) Enabled() bool { return c.Issuer != "" }

// OIDC is a configured provider, discovered at start or on first use.
type OIDC struct {
	cfg         OIDCConfig
	client      *http.Client
	redirectURL string // PUBLIC_URL + OIDCCallbackPath
	home        string // PUBLIC_URL + "/": where a browser goes after logging in

	mu       sync.Mutex
	provider *oidc.Provider
	pending  chan struct{} // closed when the discovery in flight ends; nil when none is
	lastErr  error
}

// NewOIDC checks cfg and tries discovery, bounded by 10 seconds. A bad configuration is an
// error; an unreachable provider is only logged (discovery is retried on the next login).
func NewOIDC(ctx context.Context, cfg OIDCConfig, publicURL string) (*OIDC, error) {
	iss, err := url.Parse(cfg.Issuer)
	if err != nil || iss.Host == "" || (iss.Scheme != "https" && !(iss.Scheme == "http" && loopbackHost(iss.Hostname()))) {
		return nil, fmt.Errorf("OIDC_ISSUER %q: want an https URL (http only on a loopback address)", cfg.Issuer)
	}
	if cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("OIDC_ISSUER is set: OIDC_CLIENT_ID and OIDC_CLIENT_SECRET are required too")
	}
	base, err := url.Parse(strings.TrimRight(publicURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, errors.New("OIDC_ISSUER is set: PUBLIC_URL must be the absolute http(s) URL of the site, for the redirect URI")
	}
	if cfg.NIPClaim == "" {
		cfg.NIPClaim = "nip"
	}
	if cfg.Scopes == nil {
		cfg.Scopes = []string{oidc.ScopeProfile}
	}
	o := &OIDC{cfg: cfg, client: cfg.HTTPClient,
		redirectURL: base.JoinPath(OIDCCallbackPath).String(), home: base.JoinPath("/").String()}
	if o.client == nil {
		o.client = &http.Client{Timeout: oidcDiscoveryTTL}
	}
	if _, err := o.discover(ctx); err != nil {
		slog.WarnContext(ctx, "OIDC provider not reachable at start; SSO login retries discovery on first use",
			"issuer", cfg.Issuer, "error", err)
	}
	return o, nil
}

func loopbackHost(h string) bool {
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// RedirectURL is the redirect URI to register at the provider.
func (o *OIDC) RedirectURL() string { return o.redirectURL }

// discover returns the provider, discovering it if needed: one discovery at a time, whose outcome
// every caller waiting meanwhile shares.
func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, error) {
	o.mu.Lock()
	if o.provider != nil {
		p := o.provider
		o.mu.Unlock()
		return p, nil
	}
	wait := o.pending
	if wait == nil {
		wait = make(chan struct{})
		o.pending = wait
		go func() {
			// Not the request's context: a client that gives up must not fail the others.
			dctx, cancel := context.WithTimeout(oidc.ClientContext(context.WithoutCancel(ctx), o.client), oidcDiscoveryTTL)
			defer cancel()
			p, err := oidc.NewProvider(dctx, o.cfg.Issuer)
			o.mu.Lock()
			o.provider, o.lastErr, o.pending = p, err, nil
			o.mu.Unlock()
			close(wait)
		}()
	}
	o.mu.Unlock()
	select {
	case <-wait:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, nil
	}
	return nil, o.lastErr
}

func (o *OIDC) oauth(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, Endpoint: p.Endpoint(),
		RedirectURL: o.redirectURL, Scopes: append([]string{oidc.ScopeOpenID}, o.cfg.Scopes...)}
}

// oidcRoutes registers the SSO routes when single sign-on is configured; otherwise they stay
// unknown addresses (404).
func (s *Server) oidcRoutes(r *gin.Engine) {
	if s.OIDC == nil {
		return
	}
	r.GET(OIDCLoginPath, s.oidcLogin)
	r.GET(OIDCCallbackPath, s.oidcCallback)
}

// oidcAttempt is one login in flight: the cookie's secret and start time, from which state,
// nonce and PKCE verifier are derived.
type oidcAttempt struct {
	secret  []byte
	started int64 // Unix seconds
}

func newOIDCAttempt(now time.Time) oidcAttempt {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return oidcAttempt{secret: b, started: now.Unix()}
}

func (a oidcAttempt) cookieValue() string {
	return base64.RawURLEncoding.EncodeToString(a.secret) + "." + strconv.FormatInt(a.started, 10)
}

func parseOIDCAttempt(v string) (oidcAttempt, bool) {
	sec, ts, ok := strings.Cut(v, ".")
	if !ok {
		return oidcAttempt{}, false
	}
	b, err := base64.RawURLEncoding.DecodeString(sec)
	t, terr := strconv.ParseInt(ts, 10, 64)
	if err != nil || terr != nil || len(b) != 32 {
		return oidcAttempt{}, false
	}
	return oidcAttempt{secret: b, started: t}, true
}

func (a oidcAttempt) derive(label string) string {
	m := hmac.New(sha256.New, a.secret)
	m.Write([]byte("kinerja/oidc/" + label + "/v1|" + strconv.FormatInt(a.started, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (a oidcAttempt) state() string    { return a.derive("state") }
func (a oidcAttempt) nonce() string    { return a.derive("nonce") }
func (a oidcAttempt) verifier() string { return a.derive("pkce") } // 43 characters, as RFC 7636 asks

func (s *Server) setOIDCCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: OIDCCookie, Value: value, Path: oidcCookiePath, MaxAge: maxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode})
}

var (
	errSSOUnavailable = &apiError{Status: http.StatusServiceUnavailable, Code: "sso_unavailable",
		Message: "penyedia SSO tidak dapat dihubungi saat ini; coba lagi nanti atau login dengan NIP dan kata sandi"}
	errInvalidState = &apiError{Status: http.StatusBadRequest, Code: "invalid_state",
		Message: "permintaan login SSO tidak sah atau sudah kedaluwarsa (berlaku 10 menit, di peramban yang memulainya); mulai login lagi"}
	errInvalidIDToken = &apiError{Status: http.StatusUnauthorized, Code: "invalid_id_token",
		Message: "token identitas dari penyedia SSO tidak sah (tanda tangan, penerbit, audiens, masa berlaku atau nonce tidak cocok); login ditolak"}
)

func errSSO(msg string) *apiError {
	return &apiError{Status: http.StatusBadGateway, Code: "sso_error", Message: msg}
}

func (s *Server) oidcLogin(c *gin.Context) {
	ctx := c.Request.Context()
	p, err := s.OIDC.discover(ctx)
	if err != nil {
		slog.WarnContext(ctx, "OIDC discovery failed", "issuer", s.OIDC.cfg.Issuer, "error", err)
		s.oidcFail(c, errSSOUnavailable)
		return
	}
	a := newOIDCAttempt(s.now())
	s.setOIDCCookie(c, a.cookieValue(), int(oidcAttemptTTL/time.Second))
	c.Redirect(http.StatusFound, s.OIDC.oauth(p).AuthCodeURL(a.state(),
		oauth2.S256ChallengeOption(a.verifier()), oidc.Nonce(a.nonce())))
}

var oauthErrorCode = regexp.MustCompile(`^[a-z_]{1,64}$`)

func (s *Server) oidcCallback(c *gin.Context) {
	ctx := c.Request.Context()
	o := s.OIDC
	raw, _ := c.Cookie(OIDCCookie)
	s.setOIDCCookie(c, "", -1) // one callback per attempt, whatever its outcome

	a, ok := parseOIDCAttempt(raw)
	age := s.now().Sub(time.Unix(a.started, 0))
	state := c.Query("state")
	if !ok || state == "" || subtle.ConstantTimeCompare([]byte(state), []byte(a.state())) != 1 ||
		age > oidcAttemptTTL || age < -oidcClockSkew {
		s.oidcFail(c, errInvalidState)
		return
	}
	if e := c.Query("error"); e != "" {
		s.oidcFail(c, providerError(e))
		return
	}
	code := c.Query("code")
	if code == "" {
		s.oidcFail(c, errBadRequest("penyedia SSO tidak mengirim kode login; mulai login lagi"))
		return
	}
	p, err := o.discover(ctx)
	if err != nil {
		slog.WarnContext(ctx, "OIDC discovery failed", "issuer", o.cfg.Issuer, "error", err)
		s.oidcFail(c, errSSOUnavailable)
		return
	}
	xctx, cancel := context.WithTimeout(oidc.ClientContext(ctx, o.client), oidcExchangeTTL)
	defer cancel()
	tok, err := o.oauth(p).Exchange(xctx, code, oauth2.VerifierOption(a.verifier()))
	if err != nil {
		slog.WarnContext(ctx, "OIDC code exchange failed", "error", err)
		msg := "penukaran kode login dengan penyedia SSO gagal"
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && oauthErrorCode.MatchString(re.ErrorCode) {
			msg += " (" + re.ErrorCode + ")"
		}
		s.oidcFail(c, errSSO(msg+"; mulai login lagi"))
		return
	}
	rawID, _ := tok.Extra("id_token").(string)
	if rawID == "" {
		s.oidcFail(c, errSSO("penyedia SSO tidak mengirim token identitas (id_token); hubungi admin"))
		return
	}
	idt, err := p.Verifier(&oidc.Config{ClientID: o.cfg.ClientID, Now: s.now}).Verify(xctx, rawID)
	if err != nil {
		slog.WarnContext(ctx, "OIDC ID token refused", "error", err)
		s.oidcFail(c, errInvalidIDToken)
		return
	}
	var claims map[string]json.RawMessage
	if err := idt.Claims(&claims); err != nil {
		s.oidcFail(c, errInvalidIDToken)
		return
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(a.nonce())) != 1 || !o.authorizedParty(idt, claims) {
		slog.WarnContext(ctx, "OIDC ID token refused: nonce or authorized party does not match")
		s.oidcFail(c, errInvalidIDToken)
		return
	}
	nip, err := o.nip(xctx, p, tok, idt, claims)
	if err != nil {
		s.oidcFail(c, err)
		return
	}
	e, err := s.Store.Employee(ctx, nip)
	if errors.Is(err, store.ErrNotFound) {
		s.oidcFail(c, &apiError{Status: http.StatusForbidden, Code: "nip_not_registered",
			Message: "NIP " + nip + " belum terdaftar; hubungi BKPSDM"})
		return
	}
	if err != nil {
		s.oidcFail(c, err)
		return
	}
	sess, err := s.accountsFor(c).OpenSession(ctx, nip, auth.MethodOIDC)
	if err != nil {
		s.oidcFail(c, err)
		return
	}
	// As with a password login: a cookie from an earlier login in this browser is replaced, and
	// that session ends too.
	if old, err := c.Cookie(SessionCookie); err == nil && old != "" {
		if err := s.accounts().Logout(ctx, old); err != nil {
			s.oidcFail(c, err)
			return
		}
	}
	s.setSessionCookie(c, sess.Token, sess.ExpiresAt)
	if wantsJSON(c) {
		c.JSON(http.StatusOK, gin.H{"csrf_token": auth.CSRFToken(sess.Token), "employee": e, "expires_at": sess.ExpiresAt})
		return
	}
	c.Redirect(http.StatusSeeOther, o.home)
}

// providerError is the answer to a callback carrying error=… (RFC 6749 4.1.2.1). The provider's
// error_description is not shown: anyone can put one in a link.
func providerError(code string) *apiError {
	switch code {
	case "access_denied":
		return &apiError{Status: http.StatusForbidden, Code: "sso_access_denied",
			Message: "login SSO dibatalkan atau ditolak oleh penyedia identitas; coba lagi, atau login dengan NIP dan kata sandi"}
	case "temporarily_unavailable":
		return errSSOUnavailable
	}
	if !oauthErrorCode.MatchString(code) {
		code = "tidak dikenal"
	}
	return errSSO("penyedia SSO menolak permintaan login (kode: " + code + "); coba lagi atau hubungi BKPSDM")
}

// authorizedParty checks azp when the token names more audiences than this client: it must
// then have been issued to this client (OpenID Connect Core 3.1.3.7).
func (o *OIDC) authorizedParty(idt *oidc.IDToken, claims map[string]json.RawMessage) bool {
	rawAzp, ok := claims["azp"]
	if !ok {
		return len(idt.Audience) == 1
	}
	var azp string
	return json.Unmarshal(rawAzp, &azp) == nil && azp == o.cfg.ClientID
}

var nipDigits = regexp.MustCompile(`^[0-9]{18}$`)

// nip reads the NIP claim from the ID token or, when the token lacks it, from UserInfo. The
// printed form with spaces (19920315 201801 1 003) is accepted.
func (o *OIDC) nip(ctx context.Context, p *oidc.Provider, tok *oauth2.Token, idt *oidc.IDToken, claims map[string]json.RawMessage) (string, error) {
	raw, ok := claims[o.cfg.NIPClaim]
	if !ok && p.UserInfoEndpoint() != "" {
		ui, err := p.UserInfo(ctx, oauth2.StaticTokenSource(tok))
		if err != nil {
			slog.WarnContext(ctx, "OIDC UserInfo failed", "error", err)
			return "", errSSO("data pengguna dari penyedia SSO tidak dapat dibaca; coba lagi")
		}
		if ui.Subject != idt.Subject {
			slog.WarnContext(ctx, "OIDC UserInfo is about another subject than the ID token")
			return "", errInvalidIDToken
		}
		var uclaims map[string]json.RawMessage
		if err := ui.Claims(&uclaims); err != nil {
			return "", errSSO("data pengguna dari penyedia SSO tidak terbaca; coba lagi")
		}
		raw, ok = uclaims[o.cfg.NIPClaim]
	}
	var nip string
	if ok {
		var str string
		var num json.Number
		if json.Unmarshal(raw, &str) == nil {
			nip = strings.ReplaceAll(str, " ", "")
		} else if json.Unmarshal(raw, &num) == nil {
			nip = num.String()
		}
	}
	if !nipDigits.MatchString(nip) {
		return "", &apiError{Status: http.StatusForbidden, Code: "nip_missing",
			Message: "akun SSO Anda tidak memuat NIP 18 digit (klaim " + o.cfg.NIPClaim + "); hubungi BKPSDM"}
	}
	return nip, nil
}

// wantsJSON tells whether the client asked for JSON rather than a page.
func wantsJSON(c *gin.Context) bool {
	js, html := false, false
	for _, part := range strings.Split(c.GetHeader("Accept"), ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		js = js || mt == "application/json"
		html = html || mt == "text/html"
	}
	return js && !html
}

var oidcErrorPage = template.Must(template.New("").Parse(`<!doctype html>
<html lang="id">
<head><meta charset="utf-8"><title>Login SSO gagal</title></head>
<body>
<h1>Login SSO gagal</h1>
<p>{{.Message}}</p>
<p><a href="{{.Home}}">Kembali ke halaman awal</a></p>
</body>
</html>
`))

// oidcFail answers an SSO error: JSON as everywhere when asked for, else a page a browser can show.
func (s *Server) oidcFail(c *gin.Context, err error) {
	if wantsJSON(c) {
		fail(c, err)
		return
	}
	c.Abort()
	var ae *apiError
	if !errors.As(err, &ae) {
		slog.ErrorContext(c.Request.Context(), "request failed", "path", c.FullPath(), "error", err)
		ae = &apiError{Status: http.StatusInternalServerError, Code: "internal", Message: "terjadi kesalahan pada server; coba lagi atau hubungi admin"}
	}
	c.Status(ae.Status)
	c.Header("Content-Type", "text/html; charset=utf-8")
	_ = oidcErrorPage.Execute(c.Writer, struct{ Message, Home string }{ae.Message, s.OIDC.home})
}
