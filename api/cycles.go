package api

import (
	"errors"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/batch"
	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/internal/period"
	wibfmt "github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// createCycleRequest is the body of POST /api/cycles; the page's form fills the same (web/hr_cycles.go).
type createCycleRequest = hrinput.NewCycle

func (s *Server) createCycle(c *gin.Context) {
	var req createCycleRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	created, err := s.CreateCycle(c, req)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, cycleJSON(created))
}

// CreateCycle checks a new cycle, naming every field at fault at once, and saves it (region-wide
// HR or admin): POST /api/cycles and the page's form.
func (s *Server) CreateCycle(c *gin.Context, req hrinput.NewCycle) (store.Cycle, error) {
	if err := s.orgWide(c); err != nil {
		return store.Cycle{}, err
	}
	var p fieldProblems
	yearOK := req.Year >= 2022 && req.Year <= 2100
	if !yearOK {
		p.add("year", "harus tahun 2022 sampai 2100")
	}
	name, err := cycleName(req.Name, req.Year)
	p.addErr(err)
	d := workflows.Deadlines{}
	deadlines := map[string]time.Time{}
	for _, n := range sortedKeys(req.Deadlines) {
		at := req.Deadlines[n]
		if !isDeadline(n) {
			p.add("deadlines."+n, "nama batas waktu tidak dikenal; gunakan "+strings.Join(store.DeadlineColumns, ", "))
			continue
		}
		if yearOK {
			if err := checkDeadlineYear("deadlines."+n, req.Year, at); err != nil {
				p.addErr(err)
				continue
			}
		}
		// Postgres keeps microseconds: compare and signal exactly what is stored.
		at = at.Truncate(time.Microsecond)
		deadlines[n] = at
		d[workflows.DeadlineName(n)] = at
	}
	if p.none() && yearOK {
		if err := d.Validate(); err != nil {
			p.addErr(errInvalid("deadlines." + err.Error()))
		}
	}
	cy := store.Cycle{Year: req.Year, Name: name, Deadlines: deadlines, CreatedBy: caller(c).NIP}
	cy.AppealWindow, err = appealWindowRule.duration(req.AppealWindow, req.AppealWindowDays)
	p.addErr(err)
	cy.DecisionSLA, err = decisionSLARule.duration(req.DecisionSLA, req.DecisionSLADays)
	p.addErr(err)
	cy.ReminderLead, err = reminderRule.duration(req.ReminderLead, req.ReminderDays)
	p.addErr(err)
	k, err := period.ParseKind(req.EvaluationPeriod)
	if err != nil {
		p.add("evaluation_period", err.Error())
	}
	cy.Calendar = periodCalendar(req)
	for _, e := range cy.Calendar.Check(k) {
		p.add(e.Field, e.Msg)
	}
	if k.Periodic() {
		cy.EvaluationPeriod = string(k)
		// The annual evaluation follows the periods: it opens once the last one ended.
		if last := period.Of(req.Year, k); yearOK && len(last) > 0 {
			end := last[len(last)-1].End
			if at, ok := deadlines["evaluation_start"]; ok && at.Before(end) {
				p.add("deadlines.evaluation_start", "dengan periode "+strings.ToLower(k.Label())+
					", penilaian tahunan dibuka setelah periode terakhir berakhir ("+wibfmt.Format(end)+")")
			}
		}
	}
	if err := p.err(); err != nil {
		return store.Cycle{}, err
	}
	id, err := s.Store.CreateCycle(c.Request.Context(), cy)
	if err != nil {
		return store.Cycle{}, err
	}
	return s.Store.Cycle(c.Request.Context(), id)
}

// DeleteCycle removes the route's :cycle while nothing refers to it yet (a cycle created with the
// wrong calendar or year, which cannot be changed): region-wide HR or an admin, audited.
func (s *Server) DeleteCycle(c *gin.Context) error {
	if err := s.orgWide(c); err != nil {
		return err
	}
	id, err := cycleParam(c)
	if err != nil {
		return err
	}
	err = s.Store.DeleteCycle(c.Request.Context(), id, caller(c).NIP)
	if errors.Is(err, store.ErrCycleInUse) {
		err = &apiError{Status: http.StatusConflict, Code: "cycle_in_use",
			Message: err.Error() + "; siklus hanya dapat dihapus sebelum diluncurkan"}
	}
	return err
}

func (s *Server) deleteCycle(c *gin.Context) {
	if err := s.DeleteCycle(c); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"deleted": c.Param("cycle")})
}

// periodCalendar is the calendar HR gave, each day left out taken from period.DefaultCalendar.
func periodCalendar(req hrinput.NewCycle) period.Calendar {
	c := period.DefaultCalendar
	for _, f := range []struct {
		given *int
		day   *int
	}{{req.PeriodOpensDays, &c.OpensDays}, {req.PeriodReportDays, &c.ReportDays}, {req.PeriodRatingDays, &c.RatingDays}} {
		if f.given != nil {
			*f.day = *f.given
		}
	}
	return c
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

func isCalendarField(name string) bool {
	return name == period.FieldOpensDays || name == period.FieldReportDays || name == period.FieldRatingDays
}

// errCalendarFixed refuses changing a cycle's period calendar. It is fixed when the cycle is
// created: a running year has already opened, announced and escalated its periods by it, and the
// periods tile the year (one closes when the next opens), so moving them under running years would
// reopen or cut short windows people were told of. README: "Kalender periode".
func errCalendarFixed() *apiError {
	return &apiError{Status: http.StatusConflict, Code: "calendar_fixed",
		Message: "kalender periode (hari laporan dibuka, batas laporan, batas penilaian) ditetapkan saat siklus dibuat dan tidak dapat diubah; " +
			"untuk kalender lain buat siklus baru sebelum peluncuran"}
}

func cycleJSON(cy store.Cycle) gin.H {
	return gin.H{"id": cy.ID, "year": cy.Year, "name": cy.Name, "deadlines": cy.Deadlines,
		"appeal_window": cy.AppealWindow.String(), "decision_sla": cy.DecisionSLA.String(),
		"reminder_lead": cy.ReminderLead.String(), "created_by": cy.CreatedBy, "created_at": cy.CreatedAt,
		"evaluation_period": cycleEvaluationPeriod(cy), period.FieldOpensDays: cy.Calendar.OpensDays,
		period.FieldReportDays: cy.Calendar.ReportDays, period.FieldRatingDays: cy.Calendar.RatingDays}
}

func cycleParam(c *gin.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("cycle"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errNotFound("siklus " + c.Param("cycle") + " tidak ditemukan")
	}
	return id, nil
}

func (s *Server) loadCycle(c *gin.Context) (store.Cycle, bool) {
	cy, err := s.cycleOf(c)
	if err != nil {
		fail(c, err)
		return store.Cycle{}, false
	}
	return cy, true
}

// cycleOf reads the route's :cycle.
func (s *Server) cycleOf(c *gin.Context) (store.Cycle, error) {
	id, err := cycleParam(c)
	if err != nil {
		return store.Cycle{}, err
	}
	return s.Store.Cycle(c.Request.Context(), id)
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
		es, err := s.employeesInScope(c, who, req.NIPs)
		if err != nil {
			fail(c, err)
			return
		}
		in := map[string]bool{}
		for _, e := range es {
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
// it through a batch (answered 202 with its id); a year that has finished is skipped. Who may
// (403), the cycle and the deadline's name (404) come before the body (400).
func (s *Server) moveDeadline(c *gin.Context) {
	cy, err := s.deadlineOf(c, c.Param("name"))
	if err != nil {
		fail(c, err)
		return
	}
	var req moveDeadlineRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	moved, err := s.moveDeadlineOf(c, cy, c.Param("name"), req.At)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, s.batchJSON(moved.Batch, nil))
}

// MoveDeadline moves deadline name of the route's :cycle to at, in the request, and tells every
// enrolled year through a batch (region-wide HR or admin): PUT /api/cycles/:id/deadlines/:name
// and the cycle page's form.
func (s *Server) MoveDeadline(c *gin.Context, name string, at time.Time) (hrinput.DeadlineMoved, error) {
	cy, err := s.deadlineOf(c, name)
	if err != nil {
		return hrinput.DeadlineMoved{}, err
	}
	return s.moveDeadlineOf(c, cy, name, at)
}

// deadlineOf is the route's :cycle if the caller may move its deadline name and the name is one.
func (s *Server) deadlineOf(c *gin.Context, name string) (store.Cycle, error) {
	if err := s.orgWide(c); err != nil {
		return store.Cycle{}, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return store.Cycle{}, err
	}
	if isCalendarField(name) {
		return store.Cycle{}, errCalendarFixed()
	}
	if !isDeadline(name) {
		return store.Cycle{}, errNotFound("batas waktu " + name + " tidak dikenal; gunakan " + strings.Join(store.DeadlineColumns, ", "))
	}
	return cy, nil
}

func (s *Server) moveDeadlineOf(c *gin.Context, cy store.Cycle, name string, at time.Time) (hrinput.DeadlineMoved, error) {
	var none hrinput.DeadlineMoved
	at = at.Truncate(time.Microsecond) // as Postgres stores it
	ctx := c.Request.Context()
	now := s.now()
	err := s.Store.MoveDeadline(ctx, cy.ID, name, at, caller(c).NIP, func(current store.Cycle) error {
		return checkMove(current.Year, current.Deadlines, name, at, now)
	})
	if err != nil {
		return none, err
	}
	b, err := batch.Start(ctx, s.Store, s.Temporal, store.NewBatch{CycleID: cy.ID, Kind: store.BatchMoveDeadline,
		CreatedBy: caller(c).NIP, Params: batch.MoveDeadline{Name: name, At: at}})
	if err != nil {
		return none, err
	}
	return hrinput.DeadlineMoved{Name: name, At: at, Batch: b}, nil
}

// progress sums up a cycle's years in the caller's HR scope, or in a unit under it (?unit=), with
// the same counts per unit one level down for drill-down and a page of the years themselves,
// filtered by ?phase=, ?overdue=true, ?blocked=true and continued with ?after=<next_after>.
func (s *Server) progress(c *gin.Context) {
	pr, err := s.Progress(c)
	if err != nil {
		fail(c, err)
		return
	}
	p := pr.Progress
	c.JSON(http.StatusOK, gin.H{"cycle": cycleJSON(pr.Cycle), "unit": pr.Unit, "progress": p,
		// Kept at the top level for clients of the earlier answer.
		"enrolled": p.Enrolled, "by_phase": p.ByPhase, "results_final": p.ResultsFinal, "blocked": p.Blocked,
		"employees": p.Employees})
}

// Progress reads HR's progress view of the route's :cycle from the query (?unit=, ?phase=,
// ?overdue=, ?blocked=, ?after=, ?limit=), inside the caller's HR scope: GET
// /api/cycles/:id/progress and the progress page, which use the same parameters.
func (s *Server) Progress(c *gin.Context) (hrinput.Progress, error) {
	var none hrinput.Progress
	if err := hrOnly(c); err != nil {
		return none, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	ctx := c.Request.Context()
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return none, err
	}
	q := store.ProgressQuery{CycleID: cy.ID, Unit: c.Query("unit"), Now: s.now(), Phase: c.Query("phase"), After: c.Query("after")}
	if q.Limit, err = intParam(c, "limit", 50, 1, 200); err != nil {
		return none, err
	}
	if q.Overdue, err = boolParam(c, "overdue"); err != nil {
		return none, err
	}
	if q.Blocked, err = boolParam(c, "blocked"); err != nil {
		return none, err
	}
	if q.Phase != "" && !slices.Contains(workflows.Phases, workflows.Phase(q.Phase)) {
		return none, errBadRequest("phase: tidak dikenal; gunakan salah satu dari " + phaseList())
	}
	if q.After != "" && !nipOnly.MatchString(q.After) {
		return none, errBadRequest("after: harus NIP 18 digit dari next_after")
	}
	switch {
	case q.Unit == "" && !who.RegionWideHR():
		q.Unit = who.HRScope // scoped HR looks at its own subtree
	case q.Unit != "":
		if !coversUnit(who, parents, q.Unit) {
			return none, errNotFound("unit tidak ditemukan")
		}
	}
	p, err := s.Store.Progress(ctx, q)
	if err != nil {
		return none, err
	}
	return hrinput.Progress{Cycle: cy, Unit: q.Unit, Progress: p}, nil
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
	b, err := s.Reassign(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, s.batchJSON(b, nil))
}

// Reassign starts the reassign batch of the route's :cycle over the caller's HR scope:
// POST /api/cycles/:id/reassign and the page of running years whose supervisors differ.
func (s *Server) Reassign(c *gin.Context) (store.Batch, error) {
	if err := hrOnly(c); err != nil {
		return store.Batch{}, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return store.Batch{}, err
	}
	who, err := s.who(c)
	if err != nil {
		return store.Batch{}, err
	}
	return s.newBatch(c, store.NewBatch{CycleID: cy.ID, Kind: store.BatchReassign, ScopeUnit: who.HRScope})
}

// cycleEvaluationPeriod names a cycle's evaluation period as the API takes it.
func cycleEvaluationPeriod(cy store.Cycle) string {
	if cy.EvaluationPeriod == "" {
		return string(period.Midyear)
	}
	return cy.EvaluationPeriod
}
