package api

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/batch"
	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
)

// Work for many employees (launch, enrol, deadline move, reassignment) runs as a durable batch
// (package batch): the request writes the batch and its items and answers 202 with its id at
// once; GET /api/batches/:id tells how far it is.

func (s *Server) batchRoutes(a *gin.RouterGroup) {
	hr := a.Group("", s.requireHROrAdmin)
	hr.GET("/batches/:batch", s.getBatch)
	hr.GET("/batches/:batch/items", s.batchItems)
	hr.POST("/batches/:batch/pause", s.steerBatch(store.BatchPaused))
	hr.POST("/batches/:batch/resume", s.steerBatch(store.BatchRunning))
	hr.POST("/batches/:batch/cancel", s.steerBatch(store.BatchCancelled))
}

// startBatch writes and starts a batch and answers 202 with it.
func (s *Server) startBatch(c *gin.Context, nb store.NewBatch) {
	b, err := s.newBatch(c, nb)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, s.batchJSON(b, nil))
}

// newBatch writes and starts a batch on behalf of the caller.
func (s *Server) newBatch(c *gin.Context, nb store.NewBatch) (store.Batch, error) {
	nb.CreatedBy = caller(c).NIP
	return batch.Start(c.Request.Context(), s.Store, s.Temporal, nb)
}

type launchRequest struct {
	Unit string `json:"unit"` // the unit whose subtree is launched; empty: the caller's whole scope
}

// launch enrols everyone in a unit subtree (or the caller's whole scope) not yet enrolled in the
// cycle. Employees the org data gives no penilai or atasan penilai are skipped with the reason.
// Like every handler of a :cycle route, it answers who may (403) and whether the cycle exists
// (404) before it reads the body (400).
func (s *Server) launch(c *gin.Context) {
	cy, err := s.launchCycle(c)
	if err != nil {
		fail(c, err)
		return
	}
	var req launchRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	b, err := s.launchIn(c, cy, req.Unit)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, s.batchJSON(b, nil))
}

// Launch starts the launch batch of the route's :cycle for a unit subtree ("" the caller's whole
// scope) for HR: POST /api/cycles/:id/launch and the cycle page's launch form.
func (s *Server) Launch(c *gin.Context, unit string) (store.Batch, error) {
	cy, err := s.launchCycle(c)
	if err != nil {
		return store.Batch{}, err
	}
	return s.launchIn(c, cy, unit)
}

// launchCycle is the route's :cycle if the caller may launch (HR).
func (s *Server) launchCycle(c *gin.Context) (store.Cycle, error) {
	if err := hrOnly(c); err != nil {
		return store.Cycle{}, err
	}
	return s.cycleOf(c)
}

func (s *Server) launchIn(c *gin.Context, cy store.Cycle, unit string) (store.Batch, error) {
	unit, err := s.scopeUnit(c, unit)
	if err != nil {
		return store.Batch{}, err
	}
	return s.newBatch(c, store.NewBatch{CycleID: cy.ID, Kind: store.BatchLaunch, ScopeUnit: unit})
}

// scopeUnit is the unit a batch of the caller covers: the one asked for, which must be inside the
// caller's HR scope, or else the caller's scope ("" for the whole region).
func (s *Server) scopeUnit(c *gin.Context, unit string) (string, error) {
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return "", err
	}
	if unit == "" {
		return who.HRScope, nil
	}
	if !coversUnit(who, parents, unit) {
		return "", errInvalid("unit: unit " + unit + " tidak ditemukan atau di luar cakupan Anda")
	}
	return unit, nil
}

func batchParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("batch"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound("batch tidak ditemukan")
	}
	return id, nil
}

// loadBatch reads the batch of the path if the caller may see it (batchOf).
func (s *Server) loadBatch(c *gin.Context) (store.Batch, bool) {
	b, err := s.batchOf(c)
	if err != nil {
		fail(c, err)
		return store.Batch{}, false
	}
	return b, true
}

// batchOf reads the batch of the path if the caller may see it: region-wide batches are for
// region-wide HR and admins, a unit's for HR covering that unit (and admins).
func (s *Server) batchOf(c *gin.Context) (store.Batch, error) {
	if err := hrOrAdmin(c); err != nil {
		return store.Batch{}, err
	}
	id, err := batchParam(c)
	if err != nil {
		return store.Batch{}, err
	}
	b, err := s.Store.Batch(c.Request.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		err = errNotFound("batch tidak ditemukan")
	}
	if err != nil {
		return store.Batch{}, err
	}
	who, err := s.who(c)
	if err != nil {
		return store.Batch{}, err
	}
	visible := who.OrgWide()
	if !visible && b.ScopeUnit != "" {
		units, err := s.Store.UnitAncestry(c.Request.Context(), b.ScopeUnit)
		if err != nil {
			return store.Batch{}, err
		}
		visible = who.HRCovers(units)
	}
	if !visible {
		return store.Batch{}, errNotFound("batch tidak ditemukan")
	}
	return b, nil
}

// batchFailedShown is how many failed items GET /api/batches/:id lists; /items pages the rest.
const batchFailedShown = 50

// getBatch answers everything a progress bar needs: counts, state, rate, ETA and the first
// failed items with their reasons.
func (s *Server) getBatch(c *gin.Context) {
	p, err := s.BatchProgress(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, progressJSON(p))
}

// BatchProgress reads the batch of the path with its first failed items, for HR who may see it:
// GET /api/batches/:id and the batch page.
func (s *Server) BatchProgress(c *gin.Context) (hrinput.BatchProgress, error) {
	b, err := s.batchOf(c)
	if err != nil {
		return hrinput.BatchProgress{}, err
	}
	failed, err := s.Store.BatchItems(c.Request.Context(), b.ID, store.ItemFailed, "", batchFailedShown)
	if err != nil {
		return hrinput.BatchProgress{}, err
	}
	return s.progressOf(b, failed), nil
}

// batchItems pages a batch's items: ?status=pending|done|failed|skipped|cancelled, ?after=<next_after>, ?limit=.
func (s *Server) batchItems(c *gin.Context) {
	b, ok := s.loadBatch(c)
	if !ok {
		return
	}
	status := c.Query("status")
	switch status {
	case "", store.ItemPending, store.ItemDone, store.ItemFailed, store.ItemSkipped, store.ItemCancelled:
	default:
		fail(c, errBadRequest("status: gunakan pending, done, failed, skipped atau cancelled"))
		return
	}
	limit, err := intParam(c, "limit", 100, 1, 1000)
	if err != nil {
		fail(c, err)
		return
	}
	items, err := s.Store.BatchItems(c.Request.Context(), b.ID, status, c.Query("after"), limit)
	if err != nil {
		fail(c, err)
		return
	}
	next := ""
	if len(items) == limit {
		next = items[len(items)-1].NIP
	}
	c.JSON(http.StatusOK, gin.H{"batch_id": b.ID, "items": items, "next_after": next})
}

// steerBatch moves a batch to state `to` (SteerBatch).
func (s *Server) steerBatch(to string) gin.HandlerFunc {
	return func(c *gin.Context) {
		b, err := s.SteerBatch(c, to)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, s.batchJSON(b, nil))
	}
}

// steerFrom are the states each state may be reached from.
var steerFrom = map[string][]string{
	store.BatchPaused:    {store.BatchRunning},
	store.BatchRunning:   {store.BatchPaused},
	store.BatchCancelled: {store.BatchRunning, store.BatchPaused},
}

// SteerBatch pauses, resumes or cancels the batch of the path (to: paused, running, cancelled)
// and wakes its workflow, which honours the change between pages (a page under way finishes):
// POST /api/batches/:id/pause|resume|cancel and the batch page's buttons.
func (s *Server) SteerBatch(c *gin.Context, to string) (store.Batch, error) {
	from, known := steerFrom[to]
	if !known {
		return store.Batch{}, errBadRequest("state: gunakan paused, running atau cancelled")
	}
	b, err := s.batchOf(c)
	if err != nil {
		return store.Batch{}, err
	}
	ctx := c.Request.Context()
	b, err = s.Store.SetBatchState(ctx, b.ID, from, to)
	if errors.Is(err, store.ErrBatchState) {
		return b, &apiError{Status: http.StatusConflict, Code: "conflict", Field: "state",
			Message: "batch ini sedang " + hrinput.BatchStateNames[b.State] + "; tidak dapat " + hrinput.BatchVerbs[to]}
	}
	if err != nil {
		return b, err
	}
	if err := batch.Wake(ctx, s.Temporal, b); err != nil {
		// The state is stored; the workflow reads it within minutes anyway.
		slog.ErrorContext(ctx, "batch not woken", "batch", b.ID, "error", err)
	}
	return b, nil
}

// batchJSON is a batch as the API shows it (progressOf).
func (s *Server) batchJSON(b store.Batch, failed []store.BatchItem) gin.H {
	return progressJSON(s.progressOf(b, failed))
}

// progressOf is a batch's progress. The rate is items ended per second since the batch started
// (until its last item ended); the ETA is what is pending at that rate, nil when unknown.
func (s *Server) progressOf(b store.Batch, failed []store.BatchItem) hrinput.BatchProgress {
	ended := b.Done + b.Failed + b.Skipped
	var rate float64
	if b.LastDoneAt != nil {
		until := s.now()
		if b.Pending == 0 || b.FinishedAt != nil {
			until = *b.LastDoneAt
		}
		if secs := until.Sub(b.StartedAt).Seconds(); secs > 0 {
			rate = float64(ended) / secs
		}
	}
	var eta *int64
	if rate > 0 && b.State == store.BatchRunning {
		e := int64(float64(b.Pending)/rate + 0.5)
		eta = &e
	}
	return hrinput.BatchProgress{Batch: b, Ended: ended, Percent: percent(ended, b.Total), Rate: rate, ETA: eta, Failed: failed}
}

func progressJSON(p hrinput.BatchProgress) gin.H {
	b := p.Batch
	out := gin.H{"batch_id": b.ID, "cycle_id": b.CycleID, "kind": b.Kind, "scope_unit": b.ScopeUnit,
		"params": b.Params, "state": b.State, "created_by": b.CreatedBy, "started_at": b.StartedAt,
		"finished_at": b.FinishedAt, "total": b.Total, "pending": b.Pending, "done": b.Done,
		"failed": b.Failed, "skipped": b.Skipped, "cancelled": b.Cancelled, "rate_per_second": p.Rate, "eta_seconds": p.ETA,
		"percent": p.Percent}
	if p.Failed != nil {
		out["failed_items"] = p.Failed
	}
	return out
}

func percent(n, total int) int {
	if total == 0 {
		return 100
	}
	return n * 100 / total
}

// LaunchScopes are the units HR may launch a cycle for: its scope's subtree (every unit for
// region-wide HR), for the cycle page's launch form.
func (s *Server) LaunchScopes(c *gin.Context) ([]store.TreeUnit, error) {
	if err := hrOnly(c); err != nil {
		return nil, err
	}
	who, err := s.who(c)
	if err != nil {
		return nil, err
	}
	return s.Store.UnitTree(c.Request.Context(), who.HRScope)
}
