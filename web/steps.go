package web

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
	"github.com/kinerja/platform/workflows"
)

// The pages of the year after the SKP: realisasi and feedback (here), the rating (rating.go), the
// dialog (dialog.go), the keberatan and its decision (appeal.go); then the team (team.go) and the
// password reset (reset.go). Each form is one step through App.Step, as the JSON API takes it.

// Paths of the team and reset pages.
const (
	PathTeam         = "/tim"
	PathForgot       = "/lupa-sandi"
	PathResetConfirm = "/reset-password" // the link in the reset email (api.sendResetLink)
)

func (p *pages) teamRoutes(r *gin.Engine, in *gin.RouterGroup) {
	r.GET(PathForgot, p.forgotForm)
	r.POST(PathForgot, p.limitForm, p.forgot)
	r.GET(PathResetConfirm, p.resetForm)
	r.POST(PathResetConfirm, p.limitForm, p.reset)

	in.GET(PathTeam, p.team)
	y := "/siklus/:cycle/pegawai/:nip"
	in.GET(y+"/realisasi", p.realisasiPage)
	// The realisasi form may carry files: its own body bound instead of limitForm's.
	r.POST(y+"/realisasi", p.limitUpload, p.identify, p.reportRealisasi)
	in.GET(y+"/bukti/:id", p.evidenceFile)
	in.POST(y+"/umpan-balik", p.giveFeedback)
	in.GET(y+"/penilaian", p.ratingPage)
	in.POST(y+"/penilaian", p.rate)
	in.GET(y+"/dialog", p.dialogPage)
	in.POST(y+"/dialog/jadwal", p.scheduleDialog)
	in.POST(y+"/dialog/catatan", p.recordDialog)
	in.POST(y+"/dialog/terima", p.acknowledge)
	in.GET(y+"/keberatan", p.appealPage)
	in.POST(y+"/keberatan", p.fileAppeal)
	in.POST(y+"/keberatan/putusan", p.decideAppeal)
	in.GET(y+"/mutasi", p.mutasiPage) // web/mutasi.go
	in.POST(y+"/mutasi", p.recordMutasi)
}

func init() {
	funcs["isian"] = func(v url.Values, name string) string { return v.Get(name) }
	funcs["rating"] = func(r string) string { return appraisal.Rating(r).Label() }
	funcs["predikat"] = func(p string) string { return appraisal.Predikat(p).Label() }
	funcs["berakhlak"] = func(v string) string { return nilai[v] }
	funcs["periodeSiklus"] = func(k string) string { kind, _ := period.ParseKind(k); return kind.Label() }
	funcs["periode"] = func(id string) string {
		if p, err := period.Parse(id); err == nil {
			return p.Label()
		}
		return id
	}
	funcs["bukti"] = func(link string) string { l, _ := ownEvidence(link); return l }
	funcs["berkas"] = func(link string) bool { _, own := ownEvidence(link); return own }
	maps.Copy(flashText, map[string]string{
		"dilaporkan":   "Realisasi telah dilaporkan kepada pejabat penilai.",
		"umpan-balik":  "Umpan balik telah disimpan dan dikirim kepada pegawai.",
		"dinilai":      "Penilaian telah disimpan.",
		"dijadwalkan":  "Dialog kinerja telah dijadwalkan; pegawai menerima pemberitahuan.",
		"dicatat":      "Catatan dialog kinerja telah disimpan.",
		"diterima":     "Anda telah mengonfirmasi penerimaan hasil penilaian.",
		"keberatan":    "Keberatan telah diajukan kepada atasan pejabat penilai.",
		"diputus":      "Keputusan atas keberatan telah disimpan.",
		"mutasi":       "Mutasi telah dicatat; pada tanggal berlakunya SKP lama ditutup dan pegawai menyusun SKP baru.",
		"sandi-diatur": "Kata sandi telah diatur. Silakan masuk dengan kata sandi baru.",
	})
}

// stepView is what every step page gets: the year, the live status, the steps the caller may
// take, and a refused form's errors and typed values.
type stepView struct {
	Year      store.Year
	Status    *workflows.Status
	Tasks     []store.Task
	Mine      bool              // the caller's own year
	Path      string            // the year page; forms post under it
	May       map[string]string // steps the caller may take → whom they act for ("" in person)
	ActingFor string            // the name of the official the caller acts for here, if any
	Errors    form.Errors
	Message   string     // the refusal at the top of a form
	Typed     url.Values // what was typed in a refused form
	Extra     any        // the page's own data
}

// Hasil and Perilaku are the year's annual ratings, "" before the rating.
func (v stepView) Hasil() string {
	if v.Year.Annual == nil {
		return ""
	}
	return v.Year.Annual.RatingHasil
}

func (v stepView) Perilaku() string {
	if v.Year.Annual == nil {
		return ""
	}
	return v.Year.Annual.RatingPerilaku
}

// can tells whether the caller may take the step: {{if .Can "rate"}}.
func (v stepView) Can(update string) bool { _, ok := v.May[update]; return ok }

// loadStep reads the year and the steps the caller may take among updates.
func (p *pages) loadStep(c *gin.Context, updates ...string) (stepView, bool) {
	y, tasks, st, err := p.app.Year(c)
	if err != nil {
		p.fail(c, err)
		return stepView{}, false
	}
	may, err := p.app.MayAct(c, updates...)
	if err != nil {
		p.fail(c, err)
		return stepView{}, false
	}
	v := stepView{Year: y, Status: st, Tasks: tasks, Mine: y.Enrolment.NIP == me(c).NIP, May: may,
		Path: yearPath(y.Enrolment.CycleID, y.Enrolment.NIP), Errors: form.Errors{}, Typed: url.Values{}}
	for _, principal := range may {
		if principal != "" {
			v.ActingFor = p.app.Name(c.Request.Context(), principal)
		}
	}
	return v, true
}

// showStep renders a step page; a refused form (errors set) answers 422.
func (p *pages) showStep(c *gin.Context, page, title string, v stepView) {
	status := http.StatusOK
	if len(v.Errors) > 0 {
		status = http.StatusUnprocessableEntity
		if v.Message == "" {
			v.Message = "Periksa kembali isian yang ditandai."
		}
	}
	nav := ""
	if v.Mine {
		nav = "tahun"
	}
	p.render(c, status, page, view{Title: title + " · " + v.Year.Enrolment.Name, Nav: nav, Data: v})
}

// stepForm takes one step from a posted form through App.Step. fill reads the form into the step's
// input, after the step's authorisation; it puts the form's own refusals in errs and returns
// errFormOnly. On success the browser goes back to the page with ?ok=done; a refusal of bad input
// comes back through again with the message next to its field (one of fields) and what was typed;
// any other refusal is the error page.
func (p *pages) stepForm(c *gin.Context, update string, fill func(in any, errs form.Errors) error, fields []string,
	done string, again func(errs form.Errors, typed url.Values)) {
	if !p.parseForm(c) {
		return
	}
	errs := form.Errors{}
	_, err := p.app.Step(c, update, func(in any) error {
		if err := fill(in, errs); err != nil {
			return err
		}
		if len(errs) > 0 {
			return errFormOnly
		}
		return nil
	})
	switch {
	case err == nil:
		c.Redirect(http.StatusSeeOther, pagePath(c)+"?ok="+done)
	case errors.Is(err, errFormOnly) || p.fieldError(c, err, errs, fields...):
		again(errs, c.Request.PostForm)
	}
}

// pagePath is the path of the page a form was posted from: the route's page without the form's
// own last segment (…/dialog/jadwal → …/dialog; …/realisasi stays).
func pagePath(c *gin.Context) string {
	path := c.Request.URL.Path
	for _, form := range []string{"/jadwal", "/catatan", "/terima", "/putusan", "/umpan-balik"} {
		if rest, ok := strings.CutSuffix(path, form); ok {
			if form == "/umpan-balik" {
				return rest + "/realisasi"
			}
			return rest
		}
	}
	return path
}

// realisasiPage shows the plan with what was reported against it, each row's bukti dukung, the
// feedback, and the forms of the steps the caller may take now.
func (p *pages) realisasiPage(c *gin.Context) { p.showRealisasi(c, form.Errors{}, nil) }

// realisasiExtra is the realisasi page's own data.
type realisasiExtra struct {
	Period      string // the report open now: midyear, annual, a period's id, or ""
	PeriodLabel string
	Due         *time.Time // a period's report date
	Feedback    bool       // the penilai may give the midyear feedback now
}

func (p *pages) showRealisasi(c *gin.Context, errs form.Errors, typed url.Values) {
	v, ok := p.loadStep(c, workflows.UpdateReportRealisasi, workflows.UpdateGiveFeedback)
	if !ok {
		return
	}
	ex := realisasiExtra{}
	y := v.Year
	switch workflows.Phase(y.Enrolment.Phase) {
	case workflows.PhaseMonitoring:
		if y.Midyear == nil || y.Midyear.ReportedAt == nil {
			ex.Period, ex.PeriodLabel = workflows.PeriodMidyear, "tengah tahun"
		}
	case workflows.PhaseEvaluation:
		if y.Annual == nil || y.Annual.ReportedAt == nil {
			ex.Period, ex.PeriodLabel = workflows.PeriodAnnual, "akhir tahun"
		}
	}
	// A monthly or quarterly year: the open period's report, until it is reported or rated.
	if st := v.Status; st != nil && st.Period != nil {
		ex.Period, ex.PeriodLabel, ex.Due = "", "", nil
		if !st.Period.Reported && !st.Period.Rated {
			due := st.Period.ReportDue
			ex.Period, ex.PeriodLabel, ex.Due = st.Period.ID, st.Period.Label, &due
		}
	}
	if !v.Can(workflows.UpdateReportRealisasi) || y.Plan == nil {
		ex.Period = ""
	}
	ex.Feedback = v.Can(workflows.UpdateGiveFeedback) && y.Midyear != nil && y.Midyear.ReportedAt != nil && y.Midyear.Feedback == ""
	v.Extra, v.Errors = ex, errs
	if typed != nil {
		v.Typed = typed
	}
	p.showStep(c, "realisasi.html", "Realisasi", v)
}

// reportRealisasi takes report-realisasi: one row per plan item, empty rows not reported.
func (p *pages) reportRealisasi(c *gin.Context) {
	y, _, _, err := p.app.Year(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	n := 0
	if y.Plan != nil {
		n = len(y.Plan.Items)
	}
	var seqs []int
	fields := []string{"period", "items"}
	for i := range n {
		fields = append(fields, form.Field(i, "seq"), form.Field(i, "realisasi"), form.Field(i, "evidence_url"))
	}
	for i := range n {
		fields = append(fields, form.Field(i, "evidence_file"))
	}
	p.stepForm(c, workflows.UpdateReportRealisasi, func(in any, errs form.Errors) error {
		// After the step's authorisation: each uploaded file is kept and its link takes the row's
		// link field, so a refused form comes back with the link and nothing is uploaded twice.
		if err := p.keepUploads(c, n, errs); err != nil {
			return err
		}
		r := in.(*workflows.ReportRealisasiInput)
		r.Period = form.Text(c.Request.PostForm, "period")
		r.Items, seqs = form.Realisasi(c.Request.PostForm, n)
		return nil
	}, fields, "dilaporkan", func(errs form.Errors, typed url.Values) {
		p.showRealisasi(c, itemErrors(errs, "items[", seqs), typed)
	})
}

// itemErrors moves an error named by the step's row (prefix "items[": "items[0].realisasi") to the
// plan item that row is about (seqs[0]), where the form shows it ("items[3].realisasi").
func itemErrors(errs form.Errors, prefix string, seqs []int) form.Errors {
	out := form.Errors{}
	for k, msg := range errs {
		if rest, ok := strings.CutPrefix(k, prefix); ok {
			if i, name, ok := strings.Cut(rest, "]."); ok {
				if n, err := strconv.Atoi(i); err == nil && n >= 0 && n < len(seqs) {
					k = form.Field(seqs[n], name)
				}
			}
		}
		out[k] = msg
	}
	return out
}

// giveFeedback takes give-feedback, the penilai's midyear feedback.
func (p *pages) giveFeedback(c *gin.Context) {
	p.stepForm(c, workflows.UpdateGiveFeedback, func(in any, _ form.Errors) error {
		in.(*workflows.GiveFeedbackInput).Feedback = form.Text(c.Request.PostForm, "feedback")
		return nil
	}, []string{"feedback"}, "umpan-balik", func(errs form.Errors, typed url.Values) { p.showRealisasi(c, errs, typed) })
}

// maxUpload bounds the body of a form with files (each file is bounded by the application layer).
const maxUpload = 24 << 20

func (p *pages) limitUpload(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxUpload)
	c.Next()
}

// keepUploads stores the file of each row that carries one (App.SaveEvidence checks who, type and
// size) and puts its link in the row's evidence_url; a refusal goes next to the row's file field.
func (p *pages) keepUploads(c *gin.Context, n int, errs form.Errors) error {
	mf := c.Request.MultipartForm
	if mf == nil {
		return nil
	}
	for i := range n {
		files := mf.File[form.Field(i, "evidence_file")]
		if len(files) == 0 || files[0].Filename == "" {
			continue
		}
		field := form.Field(i, "evidence_file")
		if form.Text(c.Request.PostForm, form.Field(i, "evidence_url")) != "" {
			errs[field] = "isi tautan atau unggah berkas, salah satu saja"
			continue
		}
		link, err := p.app.SaveEvidence(c, files[0])
		if err != nil {
			status, code, _, msg := p.app.Explain(c.Request.Context(), err)
			if status != http.StatusUnprocessableEntity || code != workflows.ErrInvalid {
				return err
			}
			errs[field] = msg
			continue
		}
		c.Request.PostForm.Set(form.Field(i, "evidence_url"), link)
	}
	return nil
}

// evidenceFile serves an uploaded bukti dukung to whoever may see the year (App.SendEvidence).
func (p *pages) evidenceFile(c *gin.Context) {
	if err := p.app.SendEvidence(c, c.Param("id")); err != nil {
		p.fail(c, err)
	}
}

// ownEvidence is the path on this site of a link to an uploaded file (…/siklus/1/pegawai/X/bukti/ID),
// so the page links it here whatever PUBLIC_URL says; other links are returned as they are.
func ownEvidence(link string) (string, bool) {
	u, err := url.Parse(link)
	if err != nil || !evidencePath.MatchString(u.Path) {
		return link, false
	}
	return u.Path, true
}

var evidencePath = regexp.MustCompile(`^/siklus/[0-9]+/pegawai/[0-9]+/bukti/[0-9a-f]{32}$`)
