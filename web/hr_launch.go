package web

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
)

// HRBatchApp is the application layer under HR's work over many employees: the organisation
// import (api/org_file.go, api/org_file_staging.go), the launch of a cycle, the reassignment after
// a reorganisation and the durable batches that carry them (api/batches.go, api/cycles.go).
// Each function decides who may do it, as its JSON route does.
type HRBatchApp interface {
	CheckOrgFile(c *gin.Context, fh *multipart.FileHeader) (hrinput.StagedImport, error)
	ApplyOrgFile(c *gin.Context, token string) (hrinput.StagedImport, error)
	SupervisorChanges(c *gin.Context) (hrinput.SupervisorChanges, error)
	Reassign(c *gin.Context) (store.Batch, error)
	LaunchScopes(c *gin.Context) ([]store.TreeUnit, error)
	Launch(c *gin.Context, unit string) (store.Batch, error)
	BatchProgress(c *gin.Context) (hrinput.BatchProgress, error)
	SteerBatch(c *gin.Context, to string) (store.Batch, error)
}

// Paths of the batch pages.
const PathBatches = "/proses"

func batchPath(id int64) string { return PathBatches + "/" + itoa(id) }

// batchRoutes mounts the launch form's target, the running years whose supervisors differ, and
// the batch page with its steering buttons.
func (p *pages) batchRoutes(in *gin.RouterGroup) {
	in.POST("/siklus/:cycle/luncurkan", p.launch)
	in.GET("/siklus/:cycle/atasan-berubah", p.supervisorChanges)
	in.POST("/siklus/:cycle/atasan-berubah", p.reassign)
	in.GET(PathBatches+"/:batch", p.batchPage)
	for route, to := range steerRoutes {
		in.POST(PathBatches+"/:batch/"+route, p.steer(to))
	}
}

// steerRoutes are the batch page's buttons and the state each asks for.
var steerRoutes = map[string]string{"jeda": store.BatchPaused, "lanjutkan": store.BatchRunning, "batalkan": store.BatchCancelled}

func init() {
	maps.Copy(flashText, map[string]string{
		"diluncurkan": "Peluncuran siklus telah dimulai; kemajuannya tampil di bawah ini.",
		"diperbarui":  "Pembaruan pejabat penilai telah dimulai; kemajuannya tampil di bawah ini.",
		"dijeda":      "Proses dijeda; halaman yang sedang berjalan diselesaikan dulu.",
		"dilanjutkan": "Proses dilanjutkan.",
		"dibatalkan":  "Proses dibatalkan; pegawai yang belum diproses tetap menunggu.",
	})
	funcs["jenisProses"] = func(k string) string { return batchKinds[k] }
	funcs["keadaanProses"] = func(s string) string { return hrinput.BatchStateNames[s] }
	// proses.js names the states a poll reports with the same words (data-states).
	funcs["namaKeadaanProses"] = func() (string, error) {
		b, err := json.Marshal(hrinput.BatchStateNames)
		return string(b), err
	}
	funcs["statusItem"] = func(s string) string { return itemStates[s] }
	funcs["laju"] = rateText
	funcs["sisaWaktu"] = etaText
	funcs["menjorok"] = func(depth int) string { return strings.Repeat("\u00a0\u00a0", depth) }
}

var batchKinds = map[string]string{store.BatchLaunch: "Peluncuran siklus", store.BatchEnrol: "Pendaftaran pegawai",
	store.BatchMoveDeadline: "Pemindahan batas waktu", store.BatchReassign: "Pembaruan pejabat penilai"}

var itemStates = map[string]string{store.ItemPending: "menunggu", store.ItemDone: "selesai",
	store.ItemFailed: "gagal", store.ItemSkipped: "dilewati", store.ItemCancelled: "dibatalkan"}

// rateText writes items per second as officials write decimals ("12,5 pegawai per detik").
func rateText(r float64) string {
	if r <= 0 {
		return "belum diketahui"
	}
	return strings.Replace(strconv.FormatFloat(math.Round(r*10)/10, 'f', -1, 64), ".", ",", 1) + " pegawai per detik"
}

// etaText writes the seconds left ("sekitar 2 menit 5 detik"); nil is unknown.
func etaText(eta *int64) string {
	switch {
	case eta == nil:
		return "belum diketahui"
	case *eta >= 60:
		return fmt.Sprintf("sekitar %d menit %d detik", *eta/60, *eta%60)
	}
	return fmt.Sprintf("sekitar %d detik", *eta)
}

// launch sends the cycle page's launch form to the same function as POST /api/cycles/:id/launch
// and shows the batch; a refused unit comes back on the cycle page next to its field.
func (p *pages) launch(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	b, err := p.app.Launch(c, c.Request.PostForm.Get("unit"))
	if err == nil {
		c.Redirect(http.StatusSeeOther, batchPath(b.ID)+"?ok=diluncurkan")
		return
	}
	errs := p.app.FieldErrors(c.Request.Context(), err)
	if errs == nil {
		p.fail(c, err)
		return
	}
	cy, err := p.app.Cycle(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.showCycle(c, http.StatusUnprocessableEntity, cy, cycleView{Errors: errs, Typed: c.Request.PostForm})
}

// launchScopes are the units the cycle page offers HR to launch for; none for others (no form).
func (p *pages) launchScopes(c *gin.Context) []store.TreeUnit {
	if e := me(c); !e.IsHR {
		return nil
	}
	units, err := p.app.LaunchScopes(c)
	if err != nil {
		// The page still shows the cycle, without the form; the launch itself decides again.
		slog.ErrorContext(c.Request.Context(), "launch scopes", "error", err)
		return nil
	}
	return units
}

// changesView is the page of running years whose supervisors differ from the org data.
type changesView struct {
	hrinput.SupervisorChanges
	Next string
}

// supervisorChanges reads the same function, with the same query parameters, as
// GET /api/cycles/:id/supervisor-changes.
func (p *pages) supervisorChanges(c *gin.Context) {
	sc, err := p.app.SupervisorChanges(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v := changesView{SupervisorChanges: sc}
	if sc.NextAfter != "" {
		v.Next = cyclePath(sc.Cycle.ID) + "/atasan-berubah?" + url.Values{"after": {sc.NextAfter}}.Encode()
	}
	p.render(c, http.StatusOK, "hr_supervisor_changes.html", view{Title: "Pejabat penilai yang berubah", Nav: "siklus", Data: v})
}

// reassign starts the same batch as POST /api/cycles/:id/reassign and shows it.
func (p *pages) reassign(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	b, err := p.app.Reassign(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, batchPath(b.ID)+"?ok=diperbarui")
}

// batchView is the batch page: the progress bar, the counts, the failed items and the buttons.
type batchView struct {
	hrinput.BatchProgress
	API       string // what the page's script polls: GET /api/batches/:id
	Refresh   string // the page itself, for a browser without JavaScript
	Steer     []option
	CycleLink string
	Error     string
}

// batchPage reads the same function as GET /api/batches/:id.
func (p *pages) batchPage(c *gin.Context) {
	bp, err := p.app.BatchProgress(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.showBatch(c, http.StatusOK, bp, "")
}

func (p *pages) showBatch(c *gin.Context, status int, bp hrinput.BatchProgress, msg string) {
	b := bp.Batch
	v := batchView{BatchProgress: bp, API: "/api/batches/" + itoa(b.ID), Refresh: batchPath(b.ID),
		CycleLink: cyclePath(b.CycleID), Error: msg}
	switch b.State {
	case store.BatchRunning:
		v.Steer = []option{{"jeda", "Jeda"}, {"batalkan", "Batalkan"}}
	case store.BatchPaused:
		v.Steer = []option{{"lanjutkan", "Lanjutkan"}, {"batalkan", "Batalkan"}}
	}
	p.render(c, status, "hr_batch.html", view{Title: batchKinds[b.Kind] + " (proses " + itoa(b.ID) + ")", Nav: "siklus",
		Script: "proses.js", Data: v})
}

// steer sends a batch page button to the same function as POST /api/batches/:id/pause|resume|cancel;
// a refusal (the batch moved on meanwhile) comes back on the batch page.
func (p *pages) steer(to string) gin.HandlerFunc {
	done := hrinput.BatchVerbs[to]
	return func(c *gin.Context) {
		if !p.parseForm(c) {
			return
		}
		b, err := p.app.SteerBatch(c, to)
		if err == nil {
			c.Redirect(http.StatusSeeOther, batchPath(b.ID)+"?ok="+done)
			return
		}
		status, code, _, msg := p.app.Explain(c.Request.Context(), err)
		if code != "conflict" {
			p.fail(c, err)
			return
		}
		bp, rerr := p.app.BatchProgress(c)
		if rerr != nil {
			p.fail(c, rerr)
			return
		}
		p.showBatch(c, status, bp, msg)
	}
}
