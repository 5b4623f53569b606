package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/auth"
)

// The password reset pages over the same functions as POST /api/auth/password-reset and
// .../confirm: "Lupa kata sandi" asks for a link by NIP, the link's page sets the new password.
// Both forms are guarded like the login form (a token matching a SameSite=Strict cookie).

type forgotView struct {
	NIP, Token string
	Error      string
	Sent       string // the one answer every well-formed request gets
}

func (p *pages) forgotForm(c *gin.Context) {
	p.render(c, http.StatusOK, "forgot.html", view{Title: "Lupa kata sandi", Data: forgotView{Token: issueFormToken(c, PathForgot)}})
}

func (p *pages) forgot(c *gin.Context) {
	v := forgotView{NIP: strings.TrimSpace(c.PostForm("nip")), Token: c.PostForm("login_token")}
	if !formTokenOK(c, v.Token) {
		v.Error = "formulir sudah kedaluwarsa; muat ulang halaman lalu coba lagi"
		p.render(c, http.StatusForbidden, "forgot.html", view{Title: "Lupa kata sandi", Data: v})
		return
	}
	msg, err := p.app.RequestPasswordReset(c, v.NIP)
	if err != nil {
		status, _, _, m := p.app.Explain(c.Request.Context(), err)
		v.Error = m
		p.render(c, status, "forgot.html", view{Title: "Lupa kata sandi", Data: v})
		return
	}
	v.Sent = msg
	p.render(c, http.StatusOK, "forgot.html", view{Title: "Lupa kata sandi", Data: v})
}

type resetView struct {
	Token, LinkToken string
	MinLength        int
	Errors           map[string]string
	Message          string
}

func (p *pages) resetForm(c *gin.Context) {
	v := resetView{LinkToken: c.Query("token"), Token: issueFormToken(c, PathResetConfirm), Errors: map[string]string{}, MinLength: auth.MinPasswordLength}
	if v.LinkToken == "" {
		v.Message = "tautan tidak lengkap; buka tautan dari surel, atau minta tautan baru"
	}
	p.render(c, http.StatusOK, "reset.html", view{Title: "Atur kata sandi", Data: v})
}

func (p *pages) reset(c *gin.Context) {
	v := resetView{LinkToken: c.PostForm("token"), Token: c.PostForm("login_token"), Errors: map[string]string{}, MinLength: auth.MinPasswordLength}
	again := func(status int) {
		v.Token = issueFormToken(c, PathResetConfirm)
		p.render(c, status, "reset.html", view{Title: "Atur kata sandi", Data: v})
	}
	if !formTokenOK(c, v.Token) {
		v.Message = "formulir sudah kedaluwarsa; muat ulang halaman lalu coba lagi"
		again(http.StatusForbidden)
		return
	}
	pw := c.PostForm("new_password")
	if pw != c.PostForm("repeat_password") {
		v.Errors["repeat_password"] = "tidak sama dengan kata sandi baru"
		again(http.StatusUnprocessableEntity)
		return
	}
	if _, err := p.app.ConfirmPasswordReset(c, v.LinkToken, pw); err != nil {
		status, _, field, msg := p.app.Explain(c.Request.Context(), err)
		if field == "new_password" {
			v.Errors[field] = msg
		} else {
			v.Message = msg
		}
		again(status)
		return
	}
	c.Redirect(http.StatusSeeOther, PathLogin+"?ok=sandi-diatur")
}
