package api

import (
	"context"
	"errors"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/store"
)

// Login, sessions, password reset and API tokens.
//
//   - POST /api/auth/login {nip, password} sets the kinerja_session cookie (HttpOnly, Secure unless
//     SecureCookies is off for plain-HTTP development, SameSite=Lax, Path=/, 8 hours) and answers
//     {csrf_token, employee, expires_at}. Wrong NIP, wrong password and a locked account all answer
//     401 invalid_credentials; a locked one adds "coba lagi setelah N menit" (see auth/lockout.go).
//   - Every POST/PUT/PATCH/DELETE authenticated by the cookie carries X-CSRF-Token: the csrf_token
//     of its session, an HMAC of the session token (auth.CSRFToken). GET /api/auth/session gives it
//     again after a page reload. API tokens and the dev header need none: browsers never send them
//     on their own.
//   - POST /api/auth/password-reset {nip} always answers 202; an employee in the org data gets an
//     email with a single-use link valid 30 minutes (this is also how a first password is set).
//     POST /api/auth/password-reset/confirm {token, new_password} uses it up and ends every session.
//   - API tokens (POST/GET /api/tokens, DELETE /api/tokens/:id) act as their owner, limited by
//     their scopes: read allows GET only, write everything the owner may do. Only HR creates them
//     for now, since integrations are HR's; anyone lists and revokes their own. Token and password
//     management needs an interactive login: a token cannot be used to make more tokens.
//
// The unauthenticated POSTs insist on Content-Type: application/json, which a cross-site HTML
// form cannot send without a CORS preflight that this API never grants.
func (s *Server) authRoutes(r *gin.Engine, a *gin.RouterGroup) {
	r.POST("/api/auth/login", requireJSON, s.login)
	r.POST("/api/auth/password-reset", requireJSON, s.requestPasswordReset)
	r.POST("/api/auth/password-reset/confirm", requireJSON, s.confirmPasswordReset)

	a.POST("/auth/logout", s.logout)
	a.GET("/auth/session", s.currentSession)
	a.POST("/auth/password", s.interactiveOnly, s.changePassword)
	a.POST("/tokens", s.interactiveOnly, s.requireHR, s.createToken)
	a.GET("/tokens", s.interactiveOnly, s.listTokens)
	a.DELETE("/tokens/:id", s.interactiveOnly, s.revokeToken)
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) accounts() *auth.Service {
	return &auth.Service{Pool: s.Store.Pool, Now: s.now}
}

// accountsFor is accounts() with the request's origin, which logins write to the audit log.
// The peer address is what the server saw; X-Forwarded-For is kept apart, as the client sent it.
func (s *Server) accountsFor(c *gin.Context) *auth.Service {
	a := s.accounts()
	a.Client = auth.Client{IP: c.RemoteIP(), ForwardedFor: c.GetHeader("X-Forwarded-For")}
	return a
}

func requireJSON(c *gin.Context) {
	mt, _, err := mime.ParseMediaType(c.GetHeader("Content-Type"))
	if err != nil || mt != "application/json" {
		fail(c, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "header Content-Type harus application/json"})
		return
	}
	c.Next()
}

func (s *Server) setSessionCookie(c *gin.Context, token string, expires time.Time) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: token, Path: "/", Expires: expires, MaxAge: int(expires.Sub(s.now()).Seconds()),
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

func (s *Server) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{
		Name: SessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteLaxMode,
	})
}

// credentialError turns the auth package's refusals into answers. wrong is the message for a
// wrong password in this context.
func credentialError(err error, status int, code, wrong string) error {
	var locked *auth.LockedError
	var input *auth.InputError
	switch {
	case errors.As(err, &locked):
		msg := wrong + ". Terlalu banyak percobaan gagal; coba lagi setelah " + auth.WaitText(locked.Wait) + "."
		return &lockedAnswer{apiError{Status: status, Code: code, Message: msg}, locked.Wait}
	case errors.Is(err, auth.ErrInvalidCredentials):
		return &apiError{Status: status, Code: code, Message: wrong}
	case errors.As(err, &input):
		return errInvalid(input.Message)
	}
	return err
}

// lockedAnswer is an apiError that also tells clients when to retry.
type lockedAnswer struct {
	apiError
	wait time.Duration
}

func failCredentials(c *gin.Context, err error) {
	var la *lockedAnswer
	if errors.As(err, &la) {
		c.Header("Retry-After", strconv.Itoa(int((la.wait+time.Second-1)/time.Second)))
		fail(c, &la.apiError)
		return
	}
	fail(c, err)
}

type loginRequest struct {
	NIP      string `json:"nip"`
	Password string `json:"password"`
}

func (s *Server) login(c *gin.Context) {
	var in loginRequest
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	e, csrf, expires, err := s.openSession(c, in.NIP, in.Password)
	if err != nil {
		failCredentials(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"csrf_token": csrf, "employee": e, "expires_at": expires})
}

// openSession checks a password login and sets the session cookie: the JSON login and the login
// page share it. It answers the caller's record, the session's CSRF token and when it ends.
func (s *Server) openSession(c *gin.Context, nip, password string) (store.Employee, string, time.Time, error) {
	var none store.Employee
	nip = strings.TrimSpace(nip)
	if nip == "" || password == "" {
		return none, "", time.Time{}, errBadRequest("kolom nip dan password wajib diisi")
	}
	ctx := c.Request.Context()
	// Taken before the password is hashed, so a throttled request costs no argon2 work.
	client := s.clientKey(c)
	if ok, wait := s.logins.take(client, s.now()); !ok {
		return none, "", time.Time{}, errTooManyLogins(wait)
	}
	sess, err := s.accountsFor(c).Login(ctx, nip, password)
	if !errors.Is(err, auth.ErrInvalidCredentials) {
		s.logins.give(client, s.now()) // only wrong credentials count
	}
	if err != nil {
		return none, "", time.Time{}, credentialError(err, http.StatusUnauthorized, "invalid_credentials", "NIP atau kata sandi salah")
	}
	e, err := s.Store.Employee(ctx, sess.NIP)
	if err != nil {
		return none, "", time.Time{}, err
	}
	// A cookie from an earlier login in this browser is replaced: end that session too.
	if old, err := c.Cookie(SessionCookie); err == nil && old != "" {
		if err := s.accounts().Logout(ctx, old); err != nil {
			return none, "", time.Time{}, err
		}
	}
	s.setSessionCookie(c, sess.Token, sess.ExpiresAt)
	return e, auth.CSRFToken(sess.Token), sess.ExpiresAt, nil
}

func (s *Server) logout(c *gin.Context) {
	if err := s.Logout(c); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// currentSession gives a browser its CSRF token again, e.g. after a page reload.
func (s *Server) currentSession(c *gin.Context) {
	tok := c.GetString(sessionTokenKey)
	if tok == "" {
		fail(c, errBadRequest("permintaan ini tidak memakai sesi login (cookie "+SessionCookie+")"))
		return
	}
	sess, err := s.accounts().Session(c.Request.Context(), tok)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"csrf_token": auth.CSRFToken(tok), "employee": caller(c), "expires_at": sess.ExpiresAt})
}

type changePasswordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword sets a new password for the caller; their other sessions end.
func (s *Server) changePassword(c *gin.Context) {
	var in changePasswordRequest
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	var keep []byte
	if tok := c.GetString(sessionTokenKey); tok != "" {
		keep = auth.HashToken(tok)
	}
	err := s.accounts().ChangePassword(c.Request.Context(), caller(c).NIP, in.CurrentPassword, in.NewPassword, keep)
	if errors.Is(err, auth.ErrNoAccount) {
		fail(c, errNotFound("Anda "+auth.ErrNoAccount.Error()))
		return
	}
	if err != nil {
		failCredentials(c, credentialError(err, http.StatusForbidden, "wrong_password", "kata sandi saat ini salah"))
		return
	}
	c.JSON(http.StatusOK, gin.H{"message": "kata sandi berhasil diubah; sesi lain akun ini telah diakhiri"})
}

type passwordResetRequest struct {
	NIP string `json:"nip"`
}

// resetAccepted is the one answer to every well-formed reset request.
const resetAccepted = "jika NIP tersebut terdaftar, tautan untuk mengatur kata sandi telah dikirim ke surel pegawai yang tercatat; tautan berlaku 30 menit"

func (s *Server) requestPasswordReset(c *gin.Context) {
	var in passwordResetRequest
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	msg, err := s.RequestPasswordReset(c, in.NIP)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, gin.H{"message": msg})
}

// RequestPasswordReset starts a reset for nip, for the JSON route and the page alike, and answers
// the one message every well-formed request gets. Everything that depends on the NIP happens in
// the background, on the same path for every NIP: how long the answer takes tells nothing about
// whether the NIP exists.
func (s *Server) RequestPasswordReset(c *gin.Context, nip string) (string, error) {
	nip = strings.TrimSpace(nip)
	if nip == "" {
		return "", &apiError{Status: http.StatusBadRequest, Code: "bad_request", Field: "nip", Message: "kolom nip wajib diisi"}
	}
	base, err := url.Parse(strings.TrimRight(s.PublicURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		// Checked before anything depends on the NIP, so a misconfiguration reveals nothing.
		return "", errors.New("api: PUBLIC_URL is not an absolute http(s) URL; password reset links cannot be made")
	}
	at := s.now()
	ctx := context.WithoutCancel(c.Request.Context())
	// A bounded number at once: a flood of requests waits here, whatever NIP each names.
	s.resetSlots <- struct{}{}
	s.background(func() {
		defer func() { <-s.resetSlots }()
		ctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := s.sendResetLink(ctx, base, nip, at); err != nil {
			slog.ErrorContext(ctx, "password reset failed", "error", err)
		}
	})
	return resetAccepted, nil
}

// background runs work that must not delay or shape the answer.
func (s *Server) background(work func()) {
	if s.Background != nil {
		s.Background(work)
		return
	}
	go work()
}

// sendResetLink makes a reset link for nip if it is in the org data (see auth.RequestReset) and
// puts its email in the outbox, whose own delivery (email.Deliverer) sends it.
func (s *Server) sendResetLink(ctx context.Context, base *url.URL, nip string, at time.Time) error {
	acc := &auth.Service{Pool: s.Store.Pool, Now: func() time.Time { return at }}
	_, err := acc.RequestReset(ctx, nip, func(tx pgx.Tx, r auth.ResetRequest) error {
		link := base.JoinPath("reset-password")
		link.RawQuery = url.Values{"token": {r.Token}}.Encode()
		subject, text, html, err := email.RenderPasswordReset(email.PasswordReset{
			RecipientName: r.Name, NIP: r.NIP, Link: link.String(), ExpiresAt: r.ExpiresAt})
		if err != nil {
			return err
		}
		if _, err := email.Enqueue(ctx, tx, email.Message{DedupeKey: r.Key(), ToEmail: r.Email, ToName: r.Name,
			Subject: subject, Text: text, HTML: html, CustomArgs: map[string]string{"kind": "password_reset"}, Secret: true,
			ExpiresAt: r.ExpiresAt}); err != nil {
			return err
		}
		return nil
	})
	return err
}

type passwordResetConfirmRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

func (s *Server) confirmPasswordReset(c *gin.Context) {
	var in passwordResetConfirmRequest
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	msg, err := s.ConfirmPasswordReset(c, in.Token, in.NewPassword)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"message": msg})
}

// ConfirmPasswordReset uses up a reset link's token to set a new password (the JSON route and the
// page), ends the account's sessions and clears this browser's session cookie.
func (s *Server) ConfirmPasswordReset(c *gin.Context, token, newPassword string) (string, error) {
	if token == "" {
		return "", errBadRequest("kolom token wajib diisi (dari tautan di surel)")
	}
	_, err := s.accounts().ConfirmReset(c.Request.Context(), token, newPassword)
	var re *auth.ResetError
	var input *auth.InputError
	switch {
	case errors.As(err, &re):
		return "", &apiError{Status: http.StatusBadRequest, Code: "invalid_token", Message: re.Message}
	case errors.As(err, &input):
		ae := errInvalid(input.Message)
		ae.Field = "new_password"
		return "", ae
	case err != nil:
		return "", err
	}
	s.clearSessionCookie(c)
	return "kata sandi berhasil diatur; silakan login dengan kata sandi baru", nil
}

type createTokenRequest struct {
	Name   string   `json:"name"`
	Scopes []string `json:"scopes"`
}

func (s *Server) createToken(c *gin.Context) {
	var in createTokenRequest
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	secret, t, err := s.accounts().CreateAPIToken(c.Request.Context(), caller(c).NIP, in.Name, in.Scopes)
	var input *auth.InputError
	if errors.As(err, &input) {
		fail(c, errInvalid(input.Message))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": secret, "api_token": t,
		"message": "simpan token ini sekarang: token tidak akan ditampilkan lagi"})
}

func (s *Server) listTokens(c *gin.Context) {
	ts, err := s.accounts().APITokens(c.Request.Context(), caller(c).NIP)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tokens": ts})
}

func (s *Server) revokeToken(c *gin.Context) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil {
		fail(c, errNotFound(auth.ErrTokenNotFound.Error()))
		return
	}
	err = s.accounts().RevokeAPIToken(c.Request.Context(), caller(c).NIP, id)
	if errors.Is(err, auth.ErrTokenNotFound) {
		// Someone else's token answers like a missing one.
		fail(c, errNotFound(err.Error()))
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
