package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/store"
)

// DevNIPHeader carries the caller's NIP in development mode; outside it the header is refused.
const DevNIPHeader = "X-Dev-NIP"

// SessionCookie holds the session token of a browser login.
const SessionCookie = "kinerja_session"

// CSRFHeader must carry the session's CSRF token (from login) on every state-changing request
// authenticated by the session cookie.
const CSRFHeader = "X-CSRF-Token"

const (
	callerKey       = "caller"
	authMethodKey   = "auth_method"
	sessionTokenKey = "session_token"
)

// How the caller proved who they are.
const (
	viaToken   = "token"   // Authorization: Bearer <API token>
	viaSession = "session" // the kinerja_session cookie
	viaDev     = "dev"     // X-Dev-NIP, development mode only
)

func unauthenticated(msg string) *apiError {
	return &apiError{Status: http.StatusUnauthorized, Code: "unauthenticated", Message: msg}
}

// identity establishes the caller on every request and puts their employee record in the context.
func (s *Server) identity(c *gin.Context) {
	if s.authenticate(c) {
		c.Next()
	}
}

// authenticate resolves the caller from, in order: an API token (Authorization: Bearer), the
// session cookie, or, only when DevAuth is on, the X-Dev-NIP header. A credential that is
// present but invalid is refused rather than skipped. Requests authenticated by the cookie must
// carry the CSRF token when they change state; tokens and the dev header are not sent by browsers
// on their own, so they need none. On failure it has written the error and returns false.
func (s *Server) authenticate(c *gin.Context) bool {
	if err := s.resolveCaller(c); err != nil {
		fail(c, err)
		return false
	}
	return true
}

// resolveCaller is authenticate without the answer: the pages (web/) share it through Identify.
func (s *Server) resolveCaller(c *gin.Context) error {
	ctx := c.Request.Context()
	var nip, method string
	if h := c.GetHeader("Authorization"); h != "" {
		scheme, secret, _ := strings.Cut(h, " ")
		if !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(secret) == "" {
			return unauthenticated("header Authorization harus berbentuk: Bearer <token API>")
		}
		t, err := s.accounts().UseAPIToken(ctx, strings.TrimSpace(secret))
		if errors.Is(err, auth.ErrTokenInvalid) {
			return unauthenticated(err.Error())
		}
		if err != nil {
			return err
		}
		if !auth.ScopesAllow(t.Scopes, c.Request.Method) {
			return &apiError{Status: http.StatusForbidden, Code: "insufficient_scope",
				Message: "token API ini hanya untuk membaca (scope read); permintaan yang mengubah data memerlukan scope write"}
		}
		nip, method = t.NIP, viaToken
	} else if tok, err := c.Cookie(SessionCookie); err == nil && tok != "" {
		sess, err := s.accounts().Session(ctx, tok)
		if errors.Is(err, auth.ErrSessionInvalid) {
			s.clearSessionCookie(c)
			return unauthenticated(err.Error())
		}
		if err != nil {
			return err
		}
		if !auth.SafeMethod(c.Request.Method) && !auth.CheckCSRF(tok, c.GetHeader(CSRFHeader)) {
			return &apiError{Status: http.StatusForbidden, Code: "csrf",
				Message: "header " + CSRFHeader + " tidak ada atau tidak cocok dengan sesi; muat ulang halaman lalu coba lagi"}
		}
		nip, method = sess.NIP, viaSession
		c.Set(sessionTokenKey, tok)
	} else if s.DevAuth {
		nip, method = c.GetHeader(DevNIPHeader), viaDev
		if nip == "" {
			return unauthenticated("header " + DevNIPHeader + " wajib diisi dengan NIP Anda, atau login terlebih dahulu")
		}
	} else if c.GetHeader(DevNIPHeader) != "" {
		return unauthenticated("header " + DevNIPHeader + " ditolak: identitas tanpa login hanya berlaku dalam mode pengembangan; silakan login")
	} else {
		return unauthenticated("silakan login terlebih dahulu")
	}

	e, err := s.Store.Employee(ctx, nip)
	if errors.Is(err, store.ErrNotFound) {
		msg := "pemilik kredensial ini tidak lagi terdaftar sebagai pegawai"
		if method == viaDev {
			msg = "NIP " + nip + " tidak terdaftar"
		}
		return unauthenticated(msg)
	}
	if err != nil {
		return err
	}
	c.Set(callerKey, e)
	c.Set(authMethodKey, method)
	return nil
}

// bootstrapKey holds the bootstrap token of an import that presented one.
const bootstrapKey = "bootstrap_token"

// importIdentity admits to the org import region-wide HR and admins, or a request carrying the
// one-time bootstrap token printed at server start (Authorization: Bootstrap <token>), which
// ImportBy checks and uses up inside the import's transaction.
func (s *Server) importIdentity(c *gin.Context) {
	if scheme, secret, _ := strings.Cut(c.GetHeader("Authorization"), " "); strings.EqualFold(scheme, auth.BootstrapScheme) {
		if strings.TrimSpace(secret) == "" {
			fail(c, unauthenticated("header Authorization harus berbentuk: Bootstrap <token dari log server>"))
			return
		}
		c.Set(bootstrapKey, strings.TrimSpace(secret))
		c.Next()
		return
	}
	// authenticate, not identity: identity would run the handler before the HR check below.
	if !s.authenticate(c) {
		return
	}
	s.requireOrgWide(c)
}

func (s *Server) requireHR(c *gin.Context) {
	if err := hrOnly(c); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// interactiveOnly refuses API tokens: managing tokens and passwords needs a person who logged
// in, so a leaked token cannot mint more tokens or take over the account.
func (s *Server) interactiveOnly(c *gin.Context) {
	if authMethod(c) == viaToken {
		fail(c, errForbidden("token API tidak dapat dipakai untuk ini; login dengan NIP dan kata sandi"))
		return
	}
	c.Next()
}

func caller(c *gin.Context) store.Employee {
	e, _ := c.Get(callerKey)
	emp, _ := e.(store.Employee)
	return emp
}

func authMethod(c *gin.Context) string { return c.GetString(authMethodKey) }
