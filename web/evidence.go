package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
)

// Evidence around a rating (issue 7), on pages: the employee's daily activity log (laporan
// kegiatan harian) and 360 feedback on the BerAKHLAK values (the penilai chooses who is asked,
// those asked answer). Same functions as the JSON routes of api/evidence360.go; none of it rates.

func (p *pages) evidenceRoutes(in *gin.RouterGroup) {
	in.GET("/siklus/:cycle/pegawai/:nip/kegiatan", p.activityPage)
	in.POST("/siklus/:cycle/pegawai/:nip/kegiatan", p.addActivity)
	in.POST("/siklus/:cycle/pegawai/:nip/kegiatan/:id/hapus", p.deleteActivity)
	in.GET("/siklus/:cycle/pegawai/:nip/umpan-balik-360", p.feedbackPage)
	in.POST("/siklus/:cycle/pegawai/:nip/umpan-balik-360/pemberi", p.chooseRaters)
	in.POST("/siklus/:cycle/pegawai/:nip/umpan-balik-360/jawab", p.answerFeedback)
}

// activityFields are the log's form fields, named as the JSON API names them.
var activityFields = []string{"date", "rhk_seq", "description", "quantity", "output", "evidence_url"}

type activityView struct {
	Log    store.ActivityLog
	Path   string // the year's page
	Name   string
	Rows   []option // the approved SKP's RHK rows, to log against
	Typed  url.Values
	Errors form.Errors
}

func (v activityView) RHKText(seq int) string { return v.Log.RHK[seq] }

func (p *pages) activityPage(c *gin.Context) {
	p.showActivities(c, http.StatusOK, url.Values{}, form.Errors{})
}

func (p *pages) showActivities(c *gin.Context, status int, typed url.Values, errs form.Errors) {
	log, err := p.app.ActivityLog(c, c.Query("bulan"))
	if err != nil {
		p.fail(c, err)
		return
	}
	if typed.Get("date") == "" {
		typed.Set("date", time.Now().In(wib.Location).Format(time.DateOnly)) // most entries are today's
	}
	v := activityView{Log: log, Path: here(c), Name: p.app.Name(c.Request.Context(), c.Param("nip")),
		Typed: typed, Errors: errs}
	seqs := make([]int, 0, len(log.RHK))
	for s := range log.RHK {
		seqs = append(seqs, s)
	}
	slices.Sort(seqs)
	for _, s := range seqs {
		v.Rows = append(v.Rows, option{strconv.Itoa(s), fmt.Sprintf("%d. %s", s+1, log.RHK[s])})
	}
	p.render(c, status, "activities.html", view{Title: "Kegiatan harian · " + v.Name, Nav: navOfYear(c), Data: v})
}

// addActivity logs one entry; a refused field is shown next to it with what was typed.
func (p *pages) addActivity(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	errs := form.Errors{}
	_, err := p.app.AddActivity(c, func(in *store.ActivityInput) error {
		in.Date, in.Description = form.Text(f, "date"), form.Text(f, "description")
		in.Output, in.EvidenceURL = form.Text(f, "output"), form.Text(f, "evidence_url")
		if s := form.Text(f, "rhk_seq"); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				errs["rhk_seq"] = "pilih salah satu RHK"
			}
			in.RHKSeq = &n
		}
		if s := strings.ReplaceAll(form.Text(f, "quantity"), ".", ""); s != "" {
			n, err := strconv.ParseInt(s, 10, 64)
			if err != nil {
				errs["quantity"] = "harus bilangan bulat, misalnya 2"
			}
			in.Quantity = &n
		}
		if len(errs) > 0 {
			return errFormOnly
		}
		return nil
	})
	if err == nil {
		c.Redirect(http.StatusSeeOther, here(c)+"/kegiatan?ok=kegiatan")
		return
	}
	if errors.Is(err, errFormOnly) || p.fieldError(c, err, errs, activityFields...) {
		p.showActivities(c, http.StatusUnprocessableEntity, f, errs)
	}
}

func (p *pages) deleteActivity(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	if _, err := p.app.DeleteActivity(c, c.Param("id")); err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, here(c)+"/kegiatan?ok=kegiatan-dihapus")
}

type feedbackView struct {
	store.Feedback360
	Path   string
	NIP    string
	Values []option // the seven BerAKHLAK values
	Scale  []option // dibawah, sesuai, diatas
	Typed  url.Values
	Errors form.Errors
}

func (p *pages) feedbackPage(c *gin.Context) {
	p.showFeedback(c, http.StatusOK, url.Values{}, form.Errors{})
}

func (p *pages) showFeedback(c *gin.Context, status int, typed url.Values, errs form.Errors) {
	fb, err := p.app.Feedback360(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v := feedbackView{Feedback360: fb, Path: here(c), NIP: c.Param("nip"),
		Scale: ratings, Typed: typed, Errors: errs}
	for _, val := range skp.BerAKHLAK {
		v.Values = append(v.Values, option{val, nilai[val]})
	}
	p.render(c, status, "feedback360.html", view{Title: "Umpan balik 360 · " + fb.Name, Nav: navOfYear(c), Data: v})
}

var nipSeparators = regexp.MustCompile(`[\s,;]+`)

// chooseRaters asks the NIPs typed (one per line, or separated by commas) for feedback.
func (p *pages) chooseRaters(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	_, err := p.app.ChooseRaters(c, func(nips *[]string) error {
		for _, n := range nipSeparators.Split(form.Text(f, "nips"), -1) {
			if n != "" {
				*nips = append(*nips, n)
			}
		}
		return nil
	})
	if err == nil {
		c.Redirect(http.StatusSeeOther, here(c)+"/umpan-balik-360?ok=diminta-360")
		return
	}
	errs := form.Errors{}
	if p.fieldError(c, err, errs, "nips") {
		// A message about the list, or about one of its NIPs (nips[2]), goes next to the one field.
		for k, m := range errs {
			delete(errs, k)
			errs["nips"] = m
		}
		p.showFeedback(c, http.StatusUnprocessableEntity, f, errs)
	}
}

// answerFeedback takes the seven values' ratings (nilai.<value>) and comments (komentar.<value>).
func (p *pages) answerFeedback(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	f := c.Request.PostForm
	errs := form.Errors{}
	err := p.app.AnswerFeedback(c, func(answers *[]store.FeedbackRating) error {
		for _, val := range skp.BerAKHLAK {
			r := form.Text(f, "nilai."+val)
			if r == "" {
				errs["nilai."+val] = "pilih penilaian nilai " + nilai[val]
			}
			*answers = append(*answers, store.FeedbackRating{Value: val, Rating: r, Comment: form.Text(f, "komentar."+val)})
		}
		if len(errs) > 0 {
			return errFormOnly
		}
		return nil
	})
	if err == nil {
		c.Redirect(http.StatusSeeOther, here(c)+"/umpan-balik-360?ok=dijawab-360")
		return
	}
	if !errors.Is(err, errFormOnly) {
		answerErrs := form.Errors{}
		if !p.fieldError(c, err, answerErrs, "answers") {
			return
		}
		// answers[i].x names the i-th value of the form's order.
		for k, m := range answerErrs {
			var i int
			var what string
			if _, scanErr := fmt.Sscanf(k, "answers[%d].%s", &i, &what); scanErr == nil && i >= 0 && i < len(skp.BerAKHLAK) {
				key := "nilai."
				if what == "comment" {
					key = "komentar."
				}
				errs[key+skp.BerAKHLAK[i]] = m
			}
		}
	}
	p.showFeedback(c, http.StatusUnprocessableEntity, f, errs)
}

// navOfYear marks "Tahun saya" in the menu on the caller's own year's pages.
func navOfYear(c *gin.Context) string {
	if c.Param("nip") == me(c).NIP {
		return "tahun"
	}
	return ""
}

func init() {
	maps.Copy(flashText, map[string]string{
		"kegiatan":         "Kegiatan harian telah dicatat.",
		"kegiatan-dihapus": "Kegiatan telah dihapus.",
		"diminta-360":      "Permintaan umpan balik telah dikirim; setiap orang yang diminta mendapat tugas dan surel.",
		"dijawab-360":      "Terima kasih, umpan balik Anda telah dicatat.",
	})
}
