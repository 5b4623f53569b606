package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// loginCookie guards the login form against login CSRF (a foreign site logging the browser into
// its own account): the form's hidden field must equal this cookie, which only this site sets.
const loginCookie = "kinerja_login"

type loginView struct {
	NIP, Next, Token string
	Error            string
	SSO              string // the SSO login's path, when SSO is on
}

func (p *pages) loginForm(c *gin.Context) {
	v := loginView{Next: safeNext(c.Query("ke")), Token: issueFormToken(c, PathLogin), SSO: p.app.SSOLoginPath()}
	p.render(c, http.StatusOK, "login.html", view{Title: "Masuk", Data: v})
}

// issueFormToken sets the cookie guarding a form posted without a session (login, password reset)
// for the form's path, and answers the token the form carries in its login_token field.
func issueFormToken(c *gin.Context, path string) string {
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	t := hex.EncodeToString(tok)
	http.SetCookie(c.Writer, &http.Cookie{Name: loginCookie, Value: t, Path: path, HttpOnly: true,
		Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	return t
}

// formTokenOK tells whether a posted form's token matches the cookie issueFormToken set.
func formTokenOK(c *gin.Context, token string) bool {
	cookie, _ := c.Cookie(loginCookie)
	return cookie != "" && subtle.ConstantTimeCompare([]byte(cookie), []byte(token)) == 1
}

// login posts the NIP and password to the same auth service as POST /api/auth/login.
func (p *pages) login(c *gin.Context) {
	v := loginView{NIP: strings.TrimSpace(c.PostForm("nip")), Next: safeNext(c.PostForm("ke")), Token: c.PostForm("login_token"),
		SSO: p.app.SSOLoginPath()}
	if !formTokenOK(c, v.Token) {
		v.Error = "formulir masuk sudah kedaluwarsa; muat ulang halaman lalu coba lagi"
		p.render(c, http.StatusForbidden, "login.html", view{Title: "Masuk", Data: v})
		return
	}
	if err := p.app.Login(c, v.NIP, c.PostForm("password")); err != nil {
		status, _, _, msg := p.app.Explain(c.Request.Context(), err)
		v.Error = msg
		p.render(c, status, "login.html", view{Title: "Masuk", Data: v})
		return
	}
	c.Redirect(http.StatusSeeOther, v.Next)
}

func (p *pages) logout(c *gin.Context) {
	if err := p.app.Logout(c); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, PathLogin)
}

// safeNext keeps a redirect after login on this site: a path, never "//host" or a full URL.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return PathTasks
	}
	return next
}
