package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"

	"github.com/kinerja/platform/enrolment"
	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/hrinput"
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
	if err := p.err(); err != nil {
		return store.Cycle{}, err
	}
	id, err := s.Store.CreateCycle(c.Request.Context(), cy)
	if err != nil {
		return store.Cycle{}, err
	}
	return s.Store.Cycle(c.Request.Context(), id)
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
	All  bool     `json:"all"` // everyone who has a penilai and an atasan penilai
}

// enrolConcurrency bounds the workflow starts one enrolment request runs at once.
const enrolConcurrency = 8

type enrolRowError struct {
	NIP     string `json:"nip"`
	Message string `json:"message"`
}

// orgView is today's org data as an HR caller may act on it.
type orgView struct {
	who     access.Caller
	all     []store.Employee // ordered by NIP
	byNIP   map[string]store.Employee
	parents map[string]string // unit → parent unit
}

// covers tells whether the employee is inside the caller's HR scope.
func (o orgView) covers(e store.Employee) bool {
	return o.who.HRCovers(access.Ancestry(o.parents, e.UnitID))
}

func (s *Server) orgOf(c *gin.Context) (orgView, error) {
	ctx := c.Request.Context()
	who, err := s.who(c)
	if err != nil {
		return orgView{}, err
	}
	all, err := s.Store.Employees(ctx, nil)
	if err != nil {
		return orgView{}, err
	}
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		return orgView{}, err
	}
	o := orgView{who: who, all: all, byNIP: map[string]store.Employee{}, parents: parents}
	for _, e := range all {
		o.byNIP[e.NIP] = e
	}
	return o, nil
}

// enrol starts one workflow per employee. Each employee succeeds or fails alone, and the answer
// lists who was enrolled, who already was (nothing started for them), and why each other one was not.
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
	if !req.All && len(req.NIPs) == 0 {
		fail(c, errInvalid("nips: sebutkan NIP pegawai, atau all: true untuk semua pegawai"))
		return
	}
	ctx := c.Request.Context()
	org, err := s.orgOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	who, all, byNIP, covers := org.who, org.all, org.byNIP, org.covers
	nips := req.NIPs
	if req.All {
		nips = nil
		for _, e := range all {
			if sup, ok := byNIP[e.SuperiorNIP]; ok && sup.SuperiorNIP != "" && covers(e) {
				nips = append(nips, e.NIP)
			}
		}
	}
	// Each employee is enrolled on its own, several at once: launching a region's cycle is
	// thousands of workflow starts (see BenchmarkEnrolment).
	results := make([]error, len(nips))
	sem := make(chan struct{}, enrolConcurrency)
	var wg sync.WaitGroup
	for i, nip := range nips {
		if e, ok := byNIP[nip]; !who.RegionWideHR() && (!ok || !covers(e)) {
			// Scoped HR: an employee elsewhere reads like an unknown one.
			results[i] = errors.New("pegawai tidak terdaftar atau di luar cakupan unit Anda")
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			results[i] = s.enrolOne(ctx, cy, byNIP, nip)
		}()
	}
	wg.Wait()
	enrolled := []string{}
	already := []enrolRowError{} // enrolling again is no error: nothing new was started
	rowErrors := []enrolRowError{}
	for i, nip := range nips {
		switch {
		case errors.Is(results[i], enrolment.ErrAlreadyEnrolled):
			already = append(already, enrolRowError{nip, results[i].Error()})
		case results[i] != nil:
			rowErrors = append(rowErrors, enrolRowError{nip, results[i].Error()})
		default:
			enrolled = append(enrolled, nip)
		}
	}
	status := http.StatusOK
	if len(enrolled) == 0 && len(already) == 0 && len(rowErrors) > 0 {
		status = http.StatusUnprocessableEntity
	}
	c.JSON(status, gin.H{"enrolled": enrolled, "already_enrolled": already, "errors": rowErrors})
}

func (s *Server) enrolOne(ctx context.Context, cy store.Cycle, byNIP map[string]store.Employee, nip string) error {
	st := enrolment.Starter{Store: s.Store, Temporal: s.Temporal}
	if en, err := s.Store.Enrolment(ctx, cy.ID, nip); err == nil {
		// Enrolled before, perhaps half done: the row decides, whatever today's org data says.
		return s.startEnrolment(ctx, st, cy, nip, en.PenilaiNIP, en.AtasanNIP)
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	emp, ok := byNIP[nip]
	if !ok {
		return errors.New("pegawai tidak terdaftar")
	}
	pen, ok := byNIP[emp.SuperiorNIP]
	if !ok {
		return errors.New("pegawai belum punya pejabat penilai (superior_nip kosong)")
	}
	atasan, ok := byNIP[pen.SuperiorNIP]
	if !ok {
		return errors.New("pejabat penilai " + pen.Name + " belum punya atasan; keberatan tidak akan ada yang memutus")
	}
	return s.startEnrolment(ctx, st, cy, nip, pen.NIP, atasan.NIP)
}

func (s *Server) startEnrolment(ctx context.Context, st enrolment.Starter, cy store.Cycle, nip, penilaiNIP, atasanNIP string) error {
	err := st.Enrol(ctx, cy, nip, penilaiNIP, atasanNIP)
	switch {
	case errors.Is(err, enrolment.ErrAlreadyEnrolled):
		return err
	case err != nil:
		// The row stays 'starting': enrolling again, or the sweeper within minutes, starts the year.
		slog.ErrorContext(ctx, "enrolment not started", "cycle", cy.ID, "error", err)
		return errors.New("tercatat, tetapi siklus pegawai belum dapat dimulai; sistem akan mencoba lagi otomatis, atau daftarkan ulang")
	}
	return nil
}

type moveDeadlineRequest struct {
	At time.Time `json:"at"`
}

// moveDeadline changes one date of the cycle and tells every running workflow of it.
func (s *Server) moveDeadline(c *gin.Context) {
	var req moveDeadlineRequest
	if err := bind(c, &req); err != nil {
		fail(c, err)
		return
	}
	moved, err := s.MoveDeadline(c, c.Param("name"), req.At)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, moved)
}

// MoveDeadline moves deadline name of the route's :cycle to at and tells every enrolled year
// (region-wide HR or admin): PUT /api/cycles/:id/deadlines/:name and the cycle page's form.
func (s *Server) MoveDeadline(c *gin.Context, name string, at time.Time) (hrinput.DeadlineMoved, error) {
	var none hrinput.DeadlineMoved
	if err := s.orgWide(c); err != nil {
		return none, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	if !isDeadline(name) {
		return none, errNotFound("batas waktu " + name + " tidak dikenal; gunakan " + strings.Join(store.DeadlineColumns, ", "))
	}
	at = at.Truncate(time.Microsecond) // as Postgres stores it
	ctx := c.Request.Context()
	now := s.now()
	err = s.Store.MoveDeadline(ctx, cy.ID, name, at, caller(c).NIP, func(current store.Cycle) error {
		return checkMove(current.Year, current.Deadlines, name, at, now)
	})
	if err != nil {
		return none, err
	}
	ens, err := s.Store.Enrolments(ctx, cy.ID)
	if err != nil {
		return none, err
	}
	// Each year answers for itself: one that cannot be told does not hide the others. Synchronous
	// for now; a batch workflow takes this over for a region at scale.
	out := hrinput.DeadlineMoved{Name: name, At: at, Years: make([]hrinput.MovedYear, 0, len(ens))}
	move := workflows.MoveDeadline{Name: workflows.DeadlineName(name), At: at}
	for _, en := range ens {
		y := hrinput.MovedYear{NIP: en.NIP, Result: "signalled"}
		err := s.Temporal.SignalWorkflow(ctx, en.WorkflowID, "", workflows.SignalMoveDeadline, move)
		var nf *serviceerror.NotFound
		switch {
		case errors.As(err, &nf):
			y.Result, y.Message = "finished", "siklus pegawai ini sudah selesai; tanggal baru tidak berlaku lagi baginya"
		case err != nil:
			slog.ErrorContext(ctx, "deadline move not signalled", "cycle", cy.ID, "workflow", en.WorkflowID, "error", err)
			y.Result, y.Message = "failed", "siklus pegawai ini tidak dapat diberi tahu; ulangi pemindahan batas waktu ini"
		default:
			out.Signalled++
		}
		out.Years = append(out.Years, y)
	}
	return out, nil
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
	who, err := s.who(c)
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
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		return none, err
	}
	switch {
	case q.Unit == "" && !who.RegionWideHR():
		q.Unit = who.HRScope // scoped HR looks at its own subtree
	case q.Unit != "":
		if _, known := parents[q.Unit]; !known || !who.HRCovers(access.Ancestry(parents, q.Unit)) {
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
// penilai is no longer who today's org data says (after a mutasi or a reorganisation). Each year
// succeeds or fails alone; the answer lists both.
func (s *Server) reassignCycle(c *gin.Context) {
	cy, ok := s.loadCycle(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	ens, who, err := s.scopedEnrolments(c, cy.ID)
	if err != nil {
		fail(c, err)
		return
	}
	reassigned := []string{}
	rowErrors := []enrolRowError{}
	for _, en := range ens {
		if en.ResultFinal {
			continue
		}
		in := &workflows.ReassignInput{Request: workflows.Request{RequestID: uuid.NewString(),
			Actor: workflows.Actor{NIP: who.NIP, HR: true}}}
		if err := s.resolveSupervisors(ctx, en.NIP, in); err != nil {
			rowErrors = append(rowErrors, enrolRowError{en.NIP, err.Error()})
			continue
		}
		if in.Penilai.NIP == en.PenilaiNIP && in.Atasan.NIP == en.AtasanNIP {
			continue
		}
		if _, err := s.update(ctx, en.WorkflowID, workflows.UpdateReassign, in.RequestID, in); err != nil {
			rowErrors = append(rowErrors, enrolRowError{en.NIP, rejectionMessage(err)})
			continue
		}
		reassigned = append(reassigned, en.NIP)
	}
	c.JSON(http.StatusOK, gin.H{"reassigned": reassigned, "errors": rowErrors})
}

// scopedEnrolments lists the cycle's enrolments inside the caller's HR scope.
func (s *Server) scopedEnrolments(c *gin.Context, cycleID int64) ([]store.Enrolment, access.Caller, error) {
	ctx := c.Request.Context()
	who, err := s.who(c)
	if err != nil {
		return nil, who, err
	}
	ens, err := s.Store.Enrolments(ctx, cycleID)
	if err != nil {
		return nil, who, err
	}
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		return nil, who, err
	}
	return inScope(who, parents, ens, func(en store.Enrolment) string { return en.UnitID }), who, nil
}
