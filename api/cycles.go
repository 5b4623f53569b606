package api

import (
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/batch"
	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

type createCycleRequest struct {
	Year      int                  `json:"year"`
	Name      string               `json:"name"`
	Deadlines map[string]time.Time `json:"deadlines"`
	// Days are the usual unit; the duration fields (Go syntax, e.g. "30s") override them for
	// rehearsal cycles compressed to minutes.
	AppealWindowDays int    `json:"appeal_window_days"`
	DecisionSLADays  int    `json:"decision_sla_days"`
	ReminderDays     int    `json:"reminder_days"`
	AppealWindow     string `json:"appeal_window"`
	DecisionSLA      string `json:"decision_sla"`
	ReminderLead     string `json:"reminder_lead"`
}

func (s *Server) createCycle(c *gin.Context) {
	var req createCycleRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.Year < 2022 || req.Year > 2100 {
		fail(c, errInvalid("year: harus tahun 2022 sampai 2100"))
		return
	}
	var err error
	if req.Name, err = cycleName(req.Name, req.Year); err != nil {
		fail(c, err)
		return
	}
	d := workflows.Deadlines{}
	for _, name := range sortedKeys(req.Deadlines) {
		at := req.Deadlines[name]
		if !isDeadline(name) {
			fail(c, errInvalid("deadlines."+name+": nama batas waktu tidak dikenal; gunakan "+strings.Join(store.DeadlineColumns, ", ")))
			return
		}
		if err := checkDeadlineYear("deadlines."+name, req.Year, at); err != nil {
			fail(c, err)
			return
		}
		// Postgres keeps microseconds: compare and signal exactly what is stored.
		at = at.Truncate(time.Microsecond)
		req.Deadlines[name] = at
		d[workflows.DeadlineName(name)] = at
	}
	if err := d.Validate(); err != nil {
		fail(c, errInvalid("deadlines."+err.Error()))
		return
	}
	cy := store.Cycle{Year: req.Year, Name: req.Name, Deadlines: req.Deadlines, CreatedBy: caller(c).NIP}
	if cy.AppealWindow, err = appealWindowRule.duration(req.AppealWindow, req.AppealWindowDays); err != nil {
		fail(c, err)
		return
	}
	if cy.DecisionSLA, err = decisionSLARule.duration(req.DecisionSLA, req.DecisionSLADays); err != nil {
		fail(c, err)
		return
	}
	if cy.ReminderLead, err = reminderRule.duration(req.ReminderLead, req.ReminderDays); err != nil {
		fail(c, err)
		return
	}
	id, err := s.Store.CreateCycle(c.Request.Context(), cy)
	if err != nil {
		fail(c, err)
		return
	}
	created, err := s.Store.Cycle(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, cycleJSON(created))
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func isDeadline(name string) bool {
	for _, n := range store.DeadlineColumns {
		if n == name {
			return true
		}
	}
	return false
}

func cycleJSON(cy store.Cycle) gin.H {
	return gin.H{"id": cy.ID, "year": cy.Year, "name": cy.Name, "deadlines": cy.Deadlines,
		"appeal_window": cy.AppealWindow.String(), "decision_sla": cy.DecisionSLA.String(),
		"reminder_lead": cy.ReminderLead.String(), "created_by": cy.CreatedBy, "created_at": cy.CreatedAt}
}

func cycleParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("cycle"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound("siklus " + c.Param("cycle") + " tidak ditemukan")
	}
	return id, nil
}

func (s *Server) loadCycle(c *gin.Context) (store.Cycle, bool) {
	id, err := cycleParam(c)
	if err != nil {
		fail(c, err)
		return store.Cycle{}, false
	}
	cy, err := s.Store.Cycle(c.Request.Context(), id)
	if err != nil {
		fail(c, err)
		return store.Cycle{}, false
	}
	return cy, true
}

func (s *Server) getCycle(c *gin.Context) {
	if cy, ok := s.loadCycle(c); ok {
		c.JSON(http.StatusOK, cycleJSON(cy))
	}
}

type enrolRequest struct {
	NIPs []string `json:"nips"`
	All  bool     `json:"all"` // everyone in the caller's scope: a launch (POST /cycles/:cycle/launch)
}

// enrol enrols the employees listed as a batch (answered 202 with its id): each one is enrolled,
// skipped (already enrolled: nothing started) or failed with the reason, in the batch's items.
// {all: true} launches the caller's whole scope.
func (s *Server) enrol(c *gin.Context) {
	cy, ok := s.loadCycle(c)
	if !ok {
		return
	}
	var req enrolRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	who, err := s.who(c)
	if err != nil {
		fail(c, err)
		return
	}
	if req.All {
		s.startBatch(c, store.NewBatch{CycleID: cy.ID, Kind: store.BatchLaunch, ScopeUnit: who.HRScope})
		return
	}
	if len(req.NIPs) == 0 {
		fail(c, errInvalid("nips: sebutkan NIP pegawai, atau all: true untuk semua pegawai"))
		return
	}
	nb := store.NewBatch{CycleID: cy.ID, Kind: store.BatchEnrol, ScopeUnit: who.HRScope, NIPs: req.NIPs}
	if !who.RegionWideHR() {
		ctx := c.Request.Context()
		es, err := s.Store.Employees(ctx, req.NIPs)
		if err != nil {
			fail(c, err)
			return
		}
		parents, err := s.Store.UnitParents(ctx)
		if err != nil {
			fail(c, err)
			return
		}
		in := map[string]bool{}
		for _, e := range inScope(who, parents, es, func(e store.Employee) string { return e.UnitID }) {
			in[e.NIP] = true
		}
		nb.Refused = map[string]string{}
		for _, nip := range req.NIPs {
			if !in[nip] { // scoped HR: an employee elsewhere reads like an unknown one
				nb.Refused[nip] = "pegawai tidak terdaftar atau di luar cakupan unit Anda"
			}
		}
	}
	s.startBatch(c, nb)
}

type moveDeadlineRequest struct {
	At time.Time `json:"at"`
}

// moveDeadline changes one date of the cycle, in the request, and tells every enrolled year of
// it through a batch (answered 202 with its id); a year that has finished is skipped.
func (s *Server) moveDeadline(c *gin.Context) {
	var req moveDeadlineRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	cy, ok := s.loadCycle(c)
	if !ok {
		return
	}
	name := c.Param("name")
	if !isDeadline(name) {
		fail(c, errNotFound("batas waktu "+name+" tidak dikenal; gunakan "+strings.Join(store.DeadlineColumns, ", ")))
		return
	}
	req.At = req.At.Truncate(time.Microsecond) // as Postgres stores it
	now := s.now()
	err := s.Store.MoveDeadline(c.Request.Context(), cy.ID, name, req.At, caller(c).NIP, func(current store.Cycle) error {
		return checkMove(current.Year, current.Deadlines, name, req.At, now)
	})
	if err != nil {
		fail(c, err)
		return
	}
	s.startBatch(c, store.NewBatch{CycleID: cy.ID, Kind: store.BatchMoveDeadline,
		Params: batch.MoveDeadline{Name: name, At: req.At}})
}

// progress sums up a cycle's years in the caller's HR scope, or in a unit under it (?unit=), with
// the same counts per unit one level down for drill-down and a page of the years themselves,
// filtered by ?phase=, ?overdue=true, ?blocked=true and continued with ?after=<next_after>.
func (s *Server) progress(c *gin.Context) {
	cy, ok := s.loadCycle(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	who, err := s.who(c)
	if err != nil {
		fail(c, err)
		return
	}
	q := store.ProgressQuery{CycleID: cy.ID, Unit: c.Query("unit"), Now: s.now(), Phase: c.Query("phase"), After: c.Query("after")}
	if q.Limit, err = intParam(c, "limit", 50, 1, 200); err != nil {
		fail(c, err)
		return
	}
	if q.Overdue, err = boolParam(c, "overdue"); err != nil {
		fail(c, err)
		return
	}
	if q.Blocked, err = boolParam(c, "blocked"); err != nil {
		fail(c, err)
		return
	}
	if q.Phase != "" && !slices.Contains(workflows.Phases, workflows.Phase(q.Phase)) {
		fail(c, errBadRequest("phase: tidak dikenal; gunakan salah satu dari "+phaseList()))
		return
	}
	if q.After != "" && !nipOnly.MatchString(q.After) {
		fail(c, errBadRequest("after: harus NIP 18 digit dari next_after"))
		return
	}
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		fail(c, err)
		return
	}
	switch {
	case q.Unit == "" && !who.RegionWideHR():
		q.Unit = who.HRScope // scoped HR looks at its own subtree
	case q.Unit != "":
		if _, known := parents[q.Unit]; !known || !who.HRCovers(access.Ancestry(parents, q.Unit)) {
			fail(c, errNotFound("unit tidak ditemukan"))
			return
		}
	}
	p, err := s.Store.Progress(ctx, q)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cycle": cycleJSON(cy), "unit": q.Unit, "progress": p,
		// Kept at the top level for clients of the earlier answer.
		"enrolled": p.Enrolled, "by_phase": p.ByPhase, "results_final": p.ResultsFinal, "blocked": p.Blocked,
		"employees": p.Employees})
}

func phaseList() string {
	names := make([]string, len(workflows.Phases))
	for i, p := range workflows.Phases {
		names[i] = string(p)
	}
	return strings.Join(names, ", ")
}

// reassignCycle moves every running year in the caller's HR scope whose pejabat penilai or atasan
// penilai is no longer who today's org data says (after a mutasi or a reorganisation), as a batch
// (answered 202 with its id): each year is reassigned, skipped (nothing changed, or its result is
// final) or failed with the reason.
func (s *Server) reassignCycle(c *gin.Context) {
	cy, ok := s.loadCycle(c)
	if !ok {
		return
	}
	who, err := s.who(c)
	if err != nil {
		fail(c, err)
		return
	}
	s.startBatch(c, store.NewBatch{CycleID: cy.ID, Kind: store.BatchReassign, ScopeUnit: who.HRScope})
}
