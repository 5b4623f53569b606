package web

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
)

// The public satisfaction survey of a unit (survei kepuasan layanan): HR makes a link for a unit in
// its scope, hands it to the unit's service users (a poster, a QR code at the counter), and reads
// the answers per year. Same functions as POST /api/survey-links.

type surveysView struct {
	Year   int
	Links  []store.SurveyLinkSummary
	Typed  url.Values
	Errors form.Errors
}

func (p *pages) surveys(c *gin.Context) { p.showSurveys(c, http.StatusOK, url.Values{}, form.Errors{}) }

func (p *pages) showSurveys(c *gin.Context, status int, typed url.Values, errs form.Errors) {
	year := time.Now().In(wib.Location).Year()
	if y, err := strconv.Atoi(c.Query("tahun")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	links, err := p.app.SurveyLinks(c, year)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, status, "hr_surveys.html", view{Title: "Survei kepuasan layanan", Nav: "siklus",
		Data: surveysView{Year: year, Links: links, Typed: typed, Errors: errs}})
}

func (p *pages) createSurvey(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	_, err := p.app.CreateSurveyLink(c, func(unit *string) error { *unit = form.Text(f, "unit_id"); return nil })
	if err == nil {
		c.Redirect(http.StatusSeeOther, PathSurveys+"?ok=survei")
		return
	}
	errs := form.Errors{}
	if p.fieldError(c, err, errs, "unit_id") {
		p.showSurveys(c, http.StatusUnprocessableEntity, f, errs)
	}
}

func init() {
	flashText["survei"] = "Tautan survei telah dibuat; bagikan alamatnya kepada pengguna layanan unit."
}
