// Package web serves the pages people use in a browser: server-rendered html/template in Bahasa
// Indonesia, every asset embedded, mounted on the API's gin engine. Pages decide nothing
// themselves: identity, authorisation, validation and workflow steps go through the same
// functions the JSON handlers call (App, implemented by *api.Server).
package web

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/cascade"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// App is the application layer under both faces (api/pages.go, api/steps.go, api/people.go).
type App interface {
	Identify(c *gin.Context) (store.Employee, error)
	Login(c *gin.Context, nip, password string) error
	SSOLoginPath() string // where a single sign-on login starts; "" when SSO is off
	Logout(c *gin.Context) error
	CSRFToken(c *gin.Context) string
	Tasks(c *gin.Context) ([]store.Task, error)
	MyCycles(c *gin.Context) ([]store.Enrolment, error)
	Year(c *gin.Context) (store.Year, []store.Task, *workflows.Status, error)
	Step(c *gin.Context, update string, fill func(in any) error) (workflows.Status, error)
	Explain(ctx context.Context, err error) (status int, code, field, message string)
	Name(ctx context.Context, nip string) string
	HRApp      // HR's pages: web/hr.go
	HRBatchApp // HR's import, launch and batches: web/hr_launch.go
	PayApp     // the pay pages: web/pay.go

	// The employee and supervisor pages (api/pages_team.go, api/auth.go).
	MayAct(c *gin.Context, updates ...string) (map[string]string, error)
	UnitDistribution(c *gin.Context) (*store.UnitDistribution, error)
	LedUnit(c *gin.Context) (store.LedUnit, error) // the unit the route's employee heads, once its predikat is set
	Team(c *gin.Context) ([]store.TeamMember, error)
	PlanVersion(c *gin.Context, version int) (*store.PlanVersion, error)
	// Cascading (api/cascade.go): what SKP rows may point to, the superior's tree, unit goals.
	RHKParents(c *gin.Context) (cascade.Parents, error)
	RHKCascade(c *gin.Context) (store.Cascade, error)
	UnitGoals(c *gin.Context, unit string) ([]store.UnitGoal, bool, error)
	AddUnitGoal(c *gin.Context, unit string, read func() (string, error)) (store.UnitGoal, error)
	// Evidence around a rating (api/evidence360.go): the activity log, 360 feedback, the unit's survey.
	ActivityLog(c *gin.Context, month string) (store.ActivityLog, error)
	AddActivity(c *gin.Context, read func(*store.ActivityInput) error) (store.Activity, error)
	DeleteActivity(c *gin.Context, id string) (int64, error)
	Feedback360(c *gin.Context) (store.Feedback360, error)
	ChooseRaters(c *gin.Context, read func(nips *[]string) error) ([]string, error)
	AnswerFeedback(c *gin.Context, read func(*[]store.FeedbackRating) error) error
	Evidence(c *gin.Context) (store.EvidenceSummary, error)
	SaveEvidence(c *gin.Context, fh *multipart.FileHeader) (string, error)
	SendEvidence(c *gin.Context, id string) error
	RequestPasswordReset(c *gin.Context, nip string) (string, error)
	ConfirmPasswordReset(c *gin.Context, token, newPassword string) (string, error)
}

//go:embed templates/*.html
var templateFS embed.FS

//go:embed assets
var assetFS embed.FS

// Paths of the pages; page handlers live one per file (login.go, tasks.go, year.go, skp.go).
const (
	PathLogin  = "/masuk"
	PathLogout = "/keluar"
	PathTasks  = "/tugas"
	PathYears  = "/tahun"
)

// yearPath is the page of one employee's year; the route params match the JSON API's.
func yearPath(cycle int64, nip string) string {
	return "/siklus/" + itoa(cycle) + "/pegawai/" + url.PathEscape(nip)
}

// pages holds the parsed templates and the application.
type pages struct {
	app  App
	tmpl map[string]*template.Template
}

// maxForm bounds a form body, as maxBody bounds a JSON one.
const maxForm = 1 << 20

// Routes mounts the pages on the API's engine.
func Routes(r *gin.Engine, app App) {
	p := &pages{app: app, tmpl: parseTemplates()}
	assets, _ := fs.Sub(assetFS, "assets")
	files := http.StripPrefix("/aset/", http.FileServer(http.FS(assets)))
	r.GET("/aset/*file", func(c *gin.Context) {
		c.Header("Cache-Control", "public, max-age=3600")
		files.ServeHTTP(c.Writer, c.Request)
	})
	r.GET("/", func(c *gin.Context) { c.Redirect(http.StatusSeeOther, PathTasks) })
	r.GET(PathLogin, p.loginForm)
	r.POST(PathLogin, p.limitForm, p.login)

	in := r.Group("", p.limitForm, p.identify)
	in.POST(PathLogout, p.logout)
	in.GET(PathTasks, p.tasks)
	in.GET(PathYears, p.years)
	in.GET("/siklus/:cycle/pegawai/:nip", p.year)
	in.GET("/siklus/:cycle/pegawai/:nip/skp", p.skpPage)
	in.POST("/siklus/:cycle/pegawai/:nip/skp", p.submitPlan)
	in.POST("/siklus/:cycle/pegawai/:nip/skp/setujui", p.approvePlan)
	in.POST("/siklus/:cycle/pegawai/:nip/skp/kembalikan", p.returnPlan)
	p.hrRoutes(in)        // web/hr.go
	p.batchRoutes(in)     // launch, reassignment, batch progress: web/hr_launch.go
	p.importRoutes(r, in) // organisation import: web/hr_import.go
	p.payRoutes(r, in)    // web/pay.go, web/pay_runs.go, web/pay_attendance.go
	p.teamRoutes(r, in)   // employee and supervisor steps, team, password reset: steps.go
	p.goalRoutes(in)      // a unit's goals for cascading: unit_goals.go
	p.evidenceRoutes(in)  // activity log and 360 feedback: evidence.go
}

func (p *pages) limitForm(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxForm)
	c.Next()
}

const meKey = "web_me"

// identify admits a logged-in caller through the JSON API's own identity function; anyone else
// is sent to the login page, and a refused CSRF token gets the error page.
func (p *pages) identify(c *gin.Context) {
	me, err := p.app.Identify(c)
	if err != nil {
		status, _, _, _ := p.app.Explain(c.Request.Context(), err)
		if status == http.StatusUnauthorized {
			next := PathTasks
			if c.Request.Method == http.MethodGet {
				next = c.Request.URL.RequestURI()
			}
			c.Redirect(http.StatusSeeOther, PathLogin+"?ke="+url.QueryEscape(next))
			c.Abort()
			return
		}
		p.fail(c, err)
		return
	}
	c.Set(meKey, me)
	c.Next()
}

func me(c *gin.Context) store.Employee {
	v, _ := c.Get(meKey)
	e, _ := v.(store.Employee)
	return e
}

// view is what every page's template gets.
type view struct {
	Title string
	Me    store.Employee
	CSRF  string
	Nav   string // which menu item is current
	Flash string // a confirmation after a redirect
	// Script names the page's own script under /aset/ (the batch page's polling); the page's
	// policy then admits scripts and requests to this server only.
	Script string
	// Refresh, when set, reloads the page after so many seconds (a run's progress; pages run no script).
	Refresh int
	Data    any
}

// contentPolicy lets pages load their own stylesheet and nothing else, and post only to themselves.
const contentPolicy = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; " +
	"frame-ancestors 'none'; base-uri 'none'"

func (p *pages) render(c *gin.Context, status int, page string, v view) {
	v.Me = me(c)
	if v.CSRF == "" && v.Me.NIP != "" {
		v.CSRF = p.app.CSRFToken(c)
	}
	if v.Flash == "" {
		v.Flash = flashText[c.Query("ok")]
	}
	var b strings.Builder
	if err := p.tmpl[page].ExecuteTemplate(&b, "layout", v); err != nil {
		slog.ErrorContext(c.Request.Context(), "render page", "page", page, "error", err)
		c.String(http.StatusInternalServerError, "terjadi kesalahan pada server; coba lagi atau hubungi admin")
		return
	}
	policy := contentPolicy
	if v.Script != "" {
		policy += "; script-src 'self'; connect-src 'self'"
	}
	c.Header("Content-Security-Policy", policy)
	c.Data(status, "text/html; charset=utf-8", []byte(b.String()))
}

// errorView is the error page: the JSON API's status, code and message.
type errorView struct{ Code, Message string }

// fail shows err as the JSON API would explain it (same status, code and message).
func (p *pages) fail(c *gin.Context, err error) {
	c.Abort()
	status, code, _, msg := p.app.Explain(c.Request.Context(), err)
	p.render(c, status, "error.html", view{Title: "Tidak dapat ditampilkan", Data: errorView{code, msg}})
}

// flashText are the confirmations a redirect after a successful form names with ?ok=.
var flashText = map[string]string{
	"diajukan":       "SKP telah diajukan kepada pejabat penilai.",
	"disetujui":      "SKP telah disetujui.",
	"dikembalikan":   "SKP telah dikembalikan kepada pegawai beserta catatan.",
	"sasaran":        "Sasaran unit telah dicatat.",
	"siklus-dihapus": "Siklus telah dihapus.",
}

func parseTemplates() map[string]*template.Template {
	// Files named _*.html hold sub-templates every page may use.
	layout := template.Must(template.New("layout.html").Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/_*.html"))
	out := map[string]*template.Template{}
	names, _ := fs.Glob(templateFS, "templates/*.html")
	for _, n := range names {
		base := strings.TrimPrefix(n, "templates/")
		if base == "layout.html" || strings.HasPrefix(base, "_") {
			continue
		}
		out[base] = template.Must(template.Must(layout.Clone()).ParseFS(templateFS, n))
	}
	return out
}
