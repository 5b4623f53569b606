package api

import (
	"context"
	"sort"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/store"
)

// What the pages (package web) share with the JSON handlers: they identify the caller, log in,
// read and act through these, so every decision stays in one place. Steps: api/steps.go; the
// inbox and years: api/people.go.

// Identify establishes the caller as every JSON request does (API token, session cookie with its
// CSRF token on changes, or the dev header in dev mode) and answers their record.
// A page form carries the CSRF token in its csrf_token field instead of the header; a form with
// files (multipart, its size bounded by the page's route) is read the same way.
func (s *Server) Identify(c *gin.Context) (store.Employee, error) {
	if ct := c.ContentType(); ct == "application/x-www-form-urlencoded" || ct == "multipart/form-data" {
		var err error
		if ct == "multipart/form-data" {
			err = c.Request.ParseMultipartForm(1 << 20) // beyond 1 MiB the files wait on disk
		} else {
			err = c.Request.ParseForm()
		}
		if err != nil {
			return store.Employee{}, errBadRequest("isi formulir tidak terbaca atau terlalu besar")
		}
		// A form's text passes the checks of text outside a JSON body (checkText), field by field.
		keys := make([]string, 0, len(c.Request.PostForm))
		for k := range c.Request.PostForm {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, v := range append([]string{k}, c.Request.PostForm[k]...) {
				if msg := textProblem(v); msg != "" {
					return store.Employee{}, errBadRequest(k + ": " + msg)
				}
			}
		}
		if c.GetHeader(CSRFHeader) == "" {
			c.Request.Header.Set(CSRFHeader, c.Request.PostForm.Get("csrf_token"))
		}
	}
	if err := s.resolveCaller(c); err != nil {
		return store.Employee{}, err
	}
	return caller(c), nil
}

// Login checks a password and sets the session cookie, as POST /api/auth/login does.
// SSOLoginPath is where the login page's SSO button leads; "" when SSO is off (api/oidc.go).
func (s *Server) SSOLoginPath() string {
	if s.OIDC == nil {
		return ""
	}
	return OIDCLoginPath
}

func (s *Server) Login(c *gin.Context, nip, password string) error {
	_, _, _, err := s.openSession(c, nip, password)
	return err
}

// Logout ends the caller's session (after Identify) and clears its cookie.
func (s *Server) Logout(c *gin.Context) error {
	if tok := c.GetString(sessionTokenKey); tok != "" {
		if err := s.accounts().Logout(c.Request.Context(), tok); err != nil {
			return err
		}
	}
	s.clearSessionCookie(c)
	return nil
}

// CSRFToken is the token forms carry for the caller's session (after Identify); empty without one.
func (s *Server) CSRFToken(c *gin.Context) string {
	if tok := c.GetString(sessionTokenKey); tok != "" {
		return auth.CSRFToken(tok)
	}
	return ""
}

// Explain is what a person is told of err: the status, code, field at fault (if any) and the
// message the JSON error body would carry.
func (s *Server) Explain(ctx context.Context, err error) (status int, code, field, message string) {
	ae := answerOf(ctx, err)
	return ae.Status, ae.Code, ae.Field, ae.Message
}

// Name is how the org data names an employee, or the NIP itself when it does not know them.
func (s *Server) Name(ctx context.Context, nip string) string {
	e, err := s.Store.Employee(ctx, nip)
	if err != nil || e.Name == "" {
		return nip
	}
	return e.Name
}
