package web

import (
	"context"
	"maps"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
)

// HRApp is the application layer under HR's pages (BKPSDM): the same functions the JSON handlers
// call (api/hr.go, api/cycles.go, api/distribution.go, api/delegations.go, api/audit.go), each
// deciding who may do it. Query-driven views (progress, distribution, delegations, the audit
// export) read the same query parameters as their JSON routes.
type HRApp interface {
	OrgWide(c *gin.Context) error   // the gate of organisation-wide work
	HROrAdmin(c *gin.Context) error // the gate of HR (any scope) or admin work
	Cycles(c *gin.Context) ([]store.Cycle, error)
	Cycle(c *gin.Context) (store.Cycle, error)
	Positions(c *gin.Context) ([]store.Position, error) // what a mutasi chooses from
	CreateCycle(c *gin.Context, in hrinput.NewCycle) (store.Cycle, error)
	DeleteCycle(c *gin.Context) error
	MoveDeadline(c *gin.Context, name string, at time.Time) (hrinput.DeadlineMoved, error)
	Progress(c *gin.Context) (hrinput.Progress, error)
	Distribution(c *gin.Context) (hrinput.Distribution, error)
	SetOrgPredikat(c *gin.Context, unit string, read func() (string, error)) (store.UnitDistribution, error)
	Justify(c *gin.Context, unit string, read func() (string, error)) (store.UnitDistribution, error)
	SetDistributionMode(c *gin.Context, read func() (string, error)) (store.Cycle, error)
	Delegations(c *gin.Context) ([]hrinput.Delegation, error)
	CreateDelegation(c *gin.Context, in hrinput.NewDelegation) (hrinput.Delegation, error)
	RevokeDelegation(c *gin.Context, id string) (hrinput.Delegation, error)
	ExportAudit(c *gin.Context) error
	// The public satisfaction survey of units (api/survey.go).
	SurveyLinks(c *gin.Context, year int) ([]store.SurveyLinkSummary, error)
	CreateSurveyLink(c *gin.Context, read func(unit *string) error) (store.SurveyLinkSummary, error)
	// FieldErrors maps a refusal of bad input to its fields; nil for any other error.
	FieldErrors(ctx context.Context, err error) map[string]string
}

// Paths of HR's pages.
const (
	PathCycles      = "/siklus"
	PathNewCycle    = "/siklus/baru"
	PathDelegations = "/delegasi"
	PathAudit       = "/audit"
	PathSurveys     = "/survei-layanan"
)

func cyclePath(id int64) string { return PathCycles + "/" + itoa(id) }

// hrRoutes mounts HR's pages on the group of logged-in pages.
func (p *pages) hrRoutes(in *gin.RouterGroup) {
	in.GET(PathCycles, p.cycles)
	in.GET(PathNewCycle, p.newCycleForm)
	in.POST(PathNewCycle, p.createCycle)
	in.GET("/siklus/:cycle", p.cycle)
	in.POST("/siklus/:cycle/hapus", p.deleteCycle)
	in.POST("/siklus/:cycle/batas-waktu", p.moveDeadline)
	in.POST("/siklus/:cycle/distribusi", p.setDistributionMode)
	in.GET("/siklus/:cycle/kemajuan", p.progress)
	in.GET("/siklus/:cycle/kurva", p.kurva)
	in.POST("/siklus/:cycle/kurva/predikat", p.setOrgPredikat)
	in.POST("/siklus/:cycle/kurva/justifikasi", p.justify)
	in.GET(PathDelegations, p.delegations)
	in.POST(PathDelegations, p.createDelegation)
	in.POST(PathDelegations+"/:id/cabut", p.revokeDelegation)
	in.GET(PathAudit, p.auditPage)
	in.GET(PathAudit+"/unduh", p.auditExport)
	in.GET(PathSurveys, p.surveys)
	in.POST(PathSurveys, p.createSurvey)
}

func init() {
	// Template helpers of HR's pages, beside the shared ones of format.go.
	funcs["ambil"] = func(v url.Values, k string) string { return v.Get(k) }
	funcs["waktuIsian"] = func(t time.Time) string { return dateTimeValue(t) }
	funcs["hari"] = func(d time.Duration) string { return durationText(d) }
	funcs["belumMulai"] = func(t time.Time) bool { return time.Now().Before(t) }
	funcs["orgPredikat"] = func() []option { return orgPredikatOptions }
	funcs["predikat"] = func(p string) string { return appraisal.Predikat(p).Label() }
	maps.Copy(flashText, map[string]string{
		"siklus-dibuat":       "Siklus telah dibuat.",
		"predikat-dicatat":    "Predikat organisasi telah dicatat.",
		"justifikasi-dicatat": "Justifikasi telah dicatat.",
		"delegasi-dibuat":     "Delegasi Plt/Plh telah dicatat.",
		"delegasi-dicabut":    "Delegasi Plt/Plh telah dicabut.",
		"mode-distribusi":     "Cara penerapan ketentuan distribusi telah diubah.",
	})
}

// orgWideHR is whether the caller may do organisation-wide work: only to decide which forms to
// offer; the application layer decides again when the form is sent.
func orgWideHR(e store.Employee) bool { return e.IsAdmin || (e.IsHR && e.HRScopeUnitID == "") }
