package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	dates "github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
)

// The public satisfaction survey of a unit (issue 7). HR makes a link with a random token;
// GET /survei/:token is a small form anyone may answer without logging in. Abuse limits: a token
// bucket per client address (surveyBurst, then one answer per surveyRefill), one answer per
// browser per link per WIB day (a stable random cookie, stored hashed with the link), a
// double-submit form token (cookie = hidden field) so another site cannot post the form, and
// a small body. Results per unit and period: HR in scope and the penilai of its employees.

const (
	surveyBurst      = 20               // answers an address may post at once
	surveyRefill     = 30 * time.Second // then one more every 30 s
	surveyMaxBody    = 8 << 10
	surveyMaxComment = 500
	surveyClientCk   = "survei_klien"
	surveyFormCk     = "survei_form"
)

func (s *Server) surveyRoutes(r *gin.Engine, a *gin.RouterGroup) {
	a.POST("/survey-links", s.createSurveyLink) // HR whose scope covers the unit: CreateSurveyLink
	a.GET("/survey-results", s.surveyResults)
	r.GET("/survei/:token", s.surveyForm)
	r.POST("/survei/:token", s.surveyAnswer)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b)
}

type surveyLinkInput struct {
	UnitID string `json:"unit_id"`
}

// CreateSurveyLink makes a public survey link for the unit read by read, for HR whose scope
// covers the unit; it answers the link with its public address.
func (s *Server) CreateSurveyLink(c *gin.Context, read func(unit *string) error) (store.SurveyLinkSummary, error) {
	var out store.SurveyLinkSummary
	if err := hrOnly(c); err != nil {
		return out, err
	}
	var unit string
	if err := read(&unit); err != nil {
		return out, err
	}
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return out, err
	}
	if _, known := parents[unit]; unit == "" || !known {
		return out, invalidField("unit_id", "unit kerja "+strconv.Quote(unit)+" tidak ada dalam data organisasi")
	}
	if !coversUnit(who, parents, unit) {
		return out, errForbidden("unit kerja ini di luar cakupan pengelola kinerja Anda")
	}
	out.Token, out.UnitID, out.CreatedAt = randomHex(16), unit, s.now()
	out.URL = s.surveyURL(out.Token)
	return out, s.Store.CreateSurveyLink(c.Request.Context(), out.Token, unit, who.NIP, out.CreatedAt)
}

func (s *Server) surveyURL(token string) string {
	return strings.TrimRight(s.PublicURL, "/") + "/survei/" + token
}

func (s *Server) createSurveyLink(c *gin.Context) {
	l, err := s.CreateSurveyLink(c, func(unit *string) error {
		var in surveyLinkInput
		err := bind(c, &in)
		*unit = in.UnitID
		return err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"token": l.Token, "unit_id": l.UnitID, "url": l.URL})
}

// SurveyLinks lists the survey links of the units in the caller's HR scope, each with its unit's
// answers over year.
func (s *Server) SurveyLinks(c *gin.Context, year int) ([]store.SurveyLinkSummary, error) {
	if err := hrOnly(c); err != nil {
		return nil, err
	}
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	all, err := s.Store.SurveyLinks(ctx)
	if err != nil {
		return nil, err
	}
	links := inScope(who, parents, all, func(l store.SurveyLinkSummary) string { return l.UnitID })
	for i := range links {
		links[i].URL = s.surveyURL(links[i].Token)
		if links[i].Results, err = s.unitSurvey(c, links[i].UnitID, year); err != nil {
			return nil, err
		}
	}
	return links, nil
}

// surveyResults answers GET /api/survey-results?unit=…&month=YYYY-MM (or &year=YYYY).
func (s *Server) surveyResults(c *gin.Context) {
	unit := c.Query("unit")
	ctx := c.Request.Context()
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		fail(c, err)
		return
	}
	if _, known := parents[unit]; unit == "" || !known {
		fail(c, errBadRequest("unit: unit kerja "+strconv.Quote(unit)+" tidak ada dalam data organisasi"))
		return
	}
	from, to, err := surveyPeriod(c)
	if err != nil {
		fail(c, err)
		return
	}
	allowed := coversUnit(who, parents, unit)
	if !allowed && who.NIP != "" {
		if allowed, err = s.Store.PenilaiInUnit(ctx, who.NIP, unit); err != nil {
			fail(c, err)
			return
		}
	}
	if !allowed {
		fail(c, errForbidden("hasil survei unit ini hanya untuk pengelola kinerja yang membawahinya dan pejabat penilai pegawainya"))
		return
	}
	res, err := s.Store.SurveyResultsOf(ctx, unit, from, to)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"results": res})
}

// surveyPeriod reads ?month=YYYY-MM or ?year=YYYY as days [from, to).
func surveyPeriod(c *gin.Context) (string, string, error) {
	if m, err := monthQuery(c); err != nil || m != "" {
		if err != nil {
			return "", "", err
		}
		t, _ := time.Parse("2006-01", m)
		return t.Format(time.DateOnly), t.AddDate(0, 1, 0).Format(time.DateOnly), nil
	}
	y, err := intParam(c, "year", 0, 2022, 2100)
	if err != nil || y == 0 {
		return "", "", errBadRequest("month atau year: wajib salah satu, misalnya month=2027-03 atau year=2027")
	}
	return fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-01-01", y+1), nil
}

var surveyPage = template.Must(template.New("survei").Parse(`<!doctype html>
<html lang="id"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Survei Kepuasan Layanan</title></head>
<body data-code="{{.Code}}">
<h1>Survei Kepuasan Layanan</h1>
{{if .Unit}}<p>{{.Unit}}</p>{{end}}
{{if .Message}}<p role="status">{{.Message}}</p>{{end}}
{{if .Form}}
<form method="post" action="/survei/{{.Token}}">
<input type="hidden" name="form_token" value="{{.FormToken}}">
{{range .Questions}}<fieldset><legend>{{.Text}}</legend>
{{$k := .Key}}{{range $.Stars}}<label><input type="radio" name="{{$k}}" value="{{.}}" required> {{.}}</label> {{end}}
</fieldset>
{{end}}
<p><label for="komentar">Saran atau komentar (tidak wajib, paling banyak 500 karakter)</label><br>
<textarea id="komentar" name="komentar" maxlength="500" rows="4" cols="40"></textarea></p>
<p><button type="submit">Kirim</button></p>
</form>
<p>Nilai 1 = sangat tidak puas, 5 = sangat puas. Survei ini tanpa nama; satu isian per perangkat per hari.</p>
{{end}}
</body></html>`))

type surveyView struct {
	Code, Unit, Message, Token, FormToken string
	Form                                  bool
	Questions                             any
	Stars                                 []int
}

func (s *Server) renderSurvey(c *gin.Context, status int, v surveyView) {
	v.Questions, v.Stars = store.SurveyQuestions, []int{1, 2, 3, 4, 5}
	var buf bytes.Buffer
	if err := surveyPage.Execute(&buf, v); err != nil {
		fail(c, err)
		return
	}
	// A page of our own: no scripts, no styles from anywhere, the form posts only here.
	c.Header("Content-Security-Policy", "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (s *Server) surveyCookie(c *gin.Context, name, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: name, Value: value, Path: "/survei/", MaxAge: maxAge,
		HttpOnly: true, Secure: s.SecureCookies, SameSite: http.SameSiteStrictMode})
}

func (s *Server) surveyForm(c *gin.Context) {
	link, err := s.Store.SurveyLinkOf(c.Request.Context(), c.Param("token"))
	if errors.Is(err, store.ErrNotFound) {
		s.renderSurvey(c, http.StatusNotFound, surveyView{Code: "not_found", Message: "Tautan survei ini tidak dikenal."})
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	if ck, err := c.Cookie(surveyClientCk); err != nil || len(ck) != 32 {
		s.surveyCookie(c, surveyClientCk, randomHex(16), 366*24*3600)
	}
	form := randomHex(16)
	s.surveyCookie(c, surveyFormCk, form, 24*3600)
	s.renderSurvey(c, http.StatusOK, surveyView{Unit: link.UnitName, Token: link.Token, FormToken: form, Form: true})
}

func (s *Server) surveyAnswer(c *gin.Context) {
	refuse := func(status int, code, msg string) {
		s.renderSurvey(c, status, surveyView{Code: code, Message: msg})
	}
	now := s.now()
	if ok, wait := s.surveys.take(s.clientKey(c), now); !ok {
		c.Header("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		refuse(http.StatusTooManyRequests, "too_many_requests", "Terlalu banyak isian dari alamat ini; coba lagi beberapa saat lagi.")
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, surveyMaxBody)
	if err := c.Request.ParseForm(); err != nil {
		refuse(http.StatusBadRequest, "bad_request", "Isian tidak terbaca atau melebihi 8 KiB.")
		return
	}
	link, err := s.Store.SurveyLinkOf(c.Request.Context(), c.Param("token"))
	if errors.Is(err, store.ErrNotFound) {
		refuse(http.StatusNotFound, "not_found", "Tautan survei ini tidak dikenal.")
		return
	} else if err != nil {
		fail(c, err)
		return
	}
	form, _ := c.Cookie(surveyFormCk)
	client, _ := c.Cookie(surveyClientCk)
	sent := c.Request.PostForm.Get("form_token")
	if form == "" || client == "" || subtle.ConstantTimeCompare([]byte(form), []byte(sent)) != 1 {
		refuse(http.StatusBadRequest, "bad_request", "Formulir kedaluwarsa atau tidak dibuka dari halaman ini; muat ulang halaman survei lalu isi kembali.")
		return
	}
	r := store.SurveyResponse{Token: link.Token, UnitID: link.UnitID, At: now, Day: now.In(dates.Location).Format(time.DateOnly)}
	for i, q := range store.SurveyQuestions {
		n, err := strconv.Atoi(c.Request.PostForm.Get(q.Key))
		if err != nil || n < 1 || n > 5 {
			refuse(http.StatusUnprocessableEntity, "invalid", "Pertanyaan “"+q.Text+"”: pilih 1 sampai 5.")
			return
		}
		r.Scores[i] = n
	}
	r.Comment = strings.TrimSpace(c.Request.PostForm.Get("komentar"))
	if utf8.RuneCountInString(r.Comment) > surveyMaxComment || textProblem(r.Comment) != "" {
		refuse(http.StatusUnprocessableEntity, "invalid", fmt.Sprintf("Komentar: paling banyak %d karakter teks biasa.", surveyMaxComment))
		return
	}
	h := sha256.Sum256([]byte(link.Token + "\x00" + client))
	r.ClientHash = hex.EncodeToString(h[:])
	added, err := s.Store.AddSurveyResponse(c.Request.Context(), r)
	if err != nil {
		fail(c, err)
		return
	}
	if !added {
		refuse(http.StatusConflict, "duplicate", "Anda sudah mengisi survei ini hari ini. Terima kasih.")
		return
	}
	s.surveyCookie(c, surveyFormCk, "", -1)
	s.renderSurvey(c, http.StatusOK, surveyView{Code: "ok", Unit: link.UnitName, Message: "Terima kasih, penilaian Anda sudah kami terima."})
}

// unitSurvey is the survey of the employee's unit over the cycle year, for the year view.
func (s *Server) unitSurvey(c *gin.Context, unit string, year int) (store.SurveyResults, error) {
	return s.Store.SurveyResultsOf(c.Request.Context(), unit, fmt.Sprintf("%d-01-01", year), fmt.Sprintf("%d-01-01", year+1))
}
