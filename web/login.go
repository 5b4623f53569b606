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
}

func (p *pages) loginForm(c *gin.Context) {
	tok := make([]byte, 16)
	_, _ = rand.Read(tok)
	v := loginView{Next: safeNext(c.Query("ke")), Token: hex.EncodeToString(tok)}
	http.SetCookie(c.Writer, &http.Cookie{Name: loginCookie, Value: v.Token, Path: PathLogin, HttpOnly: true,
		Secure: c.Request.TLS != nil, SameSite: http.SameSiteStrictMode, MaxAge: 3600})
	p.render(c, http.StatusOK, "login.html", view{Title: "Masuk", Data: v})
}

// login posts the NIP and password to the same auth service as POST /api/auth/login.
func (p *pages) login(c *gin.Context) {
	v := loginView{NIP: strings.TrimSpace(c.PostForm("nip")), Next: safeNext(c.PostForm("ke")), Token: c.PostForm("login_token")}
	cookie, _ := c.Cookie(loginCookie)
	if cookie == "" || subtle.ConstantTimeCompare([]byte(cookie), []byte(v.Token)) != 1 {
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
