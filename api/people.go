package api

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, caller(c))
}

// myTasks answers one page of the caller's inbox (GET /api/me/tasks?kind=&unit=&phase=&overdue=&limit=&after=):
// tasks assigned to them, HR's shared tasks for employees in their scope (never their own year's),
// and the penilai and atasan tasks of the officials they act for as Plt/Plh (acting_for).
func (s *Server) myTasks(c *gin.Context) {
	mine, next, err := s.inbox(c)
	if err != nil {
		fail(c, err)
		return
	}
	res := gin.H{"tasks": mine}
	if next != "" {
		res["next_after"] = next
	}
	c.JSON(http.StatusOK, res)
}

// Tasks is the caller's inbox, for the JSON answer and the "Tugas saya" page alike.
func (s *Server) Tasks(c *gin.Context) ([]store.Task, error) {
	mine, _, err := s.inbox(c)
	return mine, err
}

// inbox reads one page of the caller's open tasks, filtered in SQL, then keeps those
// internal/access lets the caller take; next continues the page ("" on the last).
func (s *Server) inbox(c *gin.Context) ([]store.Task, string, error) {
	ctx := c.Request.Context()
	who, err := s.who(c)
	if err != nil {
		return nil, "", err
	}
	q := store.InboxQuery{NIP: who.NIP, HR: who.HR, HRScope: who.HRScope, Now: who.Now,
		Kind: c.Query("kind"), Unit: c.Query("unit"), Phase: c.Query("phase")}
	for _, d := range who.Delegations {
		if d.ActiveAt(who.Now) {
			q.Principals = append(q.Principals, d.Principal)
		}
	}
	if q.Limit, err = intParam(c, "limit", 50, 1, 200); err != nil {
		return nil, "", err
	}
	if q.Overdue, err = boolParam(c, "overdue"); err != nil {
		return nil, "", err
	}
	if q.Phase != "" && !slices.Contains(workflows.Phases, workflows.Phase(q.Phase)) {
		return nil, "", errBadRequest("phase: tidak dikenal; gunakan salah satu dari " + phaseList())
	}
	if after := c.Query("after"); after != "" {
		if q.After, err = parseTaskCursor(after); err != nil {
			return nil, "", err
		}
	}
	page, err := s.Store.Inbox(ctx, q)
	if err != nil {
		return nil, "", err
	}
	var parents map[string]string
	mine := []store.Task{}
	for _, t := range page.Tasks {
		switch {
		case t.AssigneeNIP == who.NIP:
		case t.Role == string(access.HR):
			if parents == nil {
				if parents, err = s.Store.UnitParents(ctx); err != nil {
					return nil, "", err
				}
			}
			if !who.HRCovers(access.Ancestry(parents, t.SubjectUnitID)) || t.SubjectNIP == who.NIP {
				continue
			}
		default:
			target := access.Target{NIP: t.SubjectNIP, PenilaiNIP: t.PenilaiNIP, AtasanNIP: t.AtasanNIP}
			acting, d := access.Act(who, target, access.Role(t.Role))
			if d != access.Allow || acting.OnBehalfOf != who.NIP || acting.NIP != t.AssigneeNIP {
				continue
			}
			t.ActingFor = t.AssigneeNIP
		}
		mine = append(mine, t)
	}
	return mine, formatTaskCursor(page.Next), nil
}

// A task cursor is "<due date in Unix nanoseconds>_<id>", or "-_<id>" for a task without a due date.
func formatTaskCursor(cur *store.TaskCursor) string {
	if cur == nil {
		return ""
	}
	due := "-"
	if cur.DueAt != nil {
		due = strconv.FormatInt(cur.DueAt.UnixNano(), 10)
	}
	return due + "_" + strconv.FormatInt(cur.ID, 10)
}

func parseTaskCursor(s string) (*store.TaskCursor, error) {
	bad := errBadRequest("after: gunakan nilai next_after dari halaman sebelumnya")
	due, id, ok := strings.Cut(s, "_")
	n, err := strconv.ParseInt(id, 10, 64)
	if !ok || err != nil || n <= 0 {
		return nil, bad
	}
	cur := &store.TaskCursor{ID: n}
	if due != "-" {
		ns, err := strconv.ParseInt(due, 10, 64)
		if err != nil {
			return nil, bad
		}
		t := time.Unix(0, ns)
		cur.DueAt = &t
	}
	return cur, nil
}

// myCycles lists the caller's own years, with the phase each one is in.
func (s *Server) myCycles(c *gin.Context) {
	ens, err := s.MyCycles(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cycles": ens})
}

// MyCycles lists the caller's own years (the JSON answer and the "Tahun saya" page).
func (s *Server) MyCycles(c *gin.Context) ([]store.Enrolment, error) {
	return s.Store.EnrolmentsOf(c.Request.Context(), caller(c).NIP)
}

// year is an enrolment the caller may see, with the caller and the target as internal/access saw them.
type year struct {
	en     store.Enrolment
	who    access.Caller
	target access.Target
}

// visibleEnrolment loads the enrolment if the caller may see it (access.CanSee): the employee,
// the penilai and atasan of the enrolment, their Plt/Plh while the delegation lasts, and HR with
// the employee in scope. Anyone else gets the same 404 as for a record that does not exist.
func (s *Server) visibleEnrolment(c *gin.Context) (year, bool) {
	y, err := s.findYear(c)
	if err != nil {
		fail(c, err)
		return year{}, false
	}
	return y, true
}

// findYear is visibleEnrolment without the answer, for callers that answer in their own way.
func (s *Server) findYear(c *gin.Context) (year, error) {
	id, err := cycleParam(c)
	if err != nil {
		return year{}, err
	}
	nip := c.Param("nip")
	ctx := c.Request.Context()
	y := year{}
	y.en, err = s.Store.Enrolment(ctx, id, nip)
	if err == nil {
		y.who, err = s.who(c)
	}
	if err == nil {
		y.target, err = s.targetOf(ctx, y.en)
	}
	if errors.Is(err, store.ErrNotFound) || (err == nil && !access.CanSee(y.who, y.target)) {
		// One answer for "not there" and "not yours", so a forbidden request reveals nothing.
		err = errNotFound("pegawai " + nip + " tidak ditemukan di siklus ini")
	}
	return y, err
}

// employeeYear answers with what Postgres holds and, when the workflow answers, its live status.
func (s *Server) employeeYear(c *gin.Context) {
	y, tasks, st, err := s.Year(c)
	if err != nil {
		fail(c, err)
		return
	}
	res := gin.H{"year": y, "tasks": tasks}
	// Evidence around the rating (api/evidence.go), for the rating page; it names no rater.
	v, err := s.findYear(c)
	if err == nil {
		res["evidence"], err = s.evidenceOf(c, v.en)
	}
	if err != nil {
		fail(c, err)
		return
	}
	if st != nil {
		res["status"] = st
	}
	c.JSON(http.StatusOK, res)
}

// Year reads the year named by the route's :cycle and :nip if the caller may see it: what
// Postgres holds, its tasks and, when the workflow answers in time, its live status (else nil).
func (s *Server) Year(c *gin.Context) (store.Year, []store.Task, *workflows.Status, error) {
	v, err := s.findYear(c)
	if err != nil {
		return store.Year{}, nil, nil, err
	}
	en := v.en
	y, err := s.Store.Year(c.Request.Context(), en.CycleID, en.NIP)
	if err != nil {
		return y, nil, nil, err
	}
	tasks, err := s.Store.TasksOf(c.Request.Context(), en.CycleID, en.NIP)
	if err != nil {
		return y, nil, nil, err
	}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if v, err := s.Temporal.QueryWorkflow(ctx, en.WorkflowID, "", workflows.QueryStatus); err == nil {
		var st workflows.Status
		if v.Get(&st) == nil {
			return y, tasks, &st, nil
		}
	}
	return y, tasks, nil, nil
}

func (s *Server) employeeAudit(c *gin.Context) {
	v, ok := s.visibleEnrolment(c)
	if !ok {
		return
	}
	en := v.en
	entries, err := s.Store.Audit(c.Request.Context(), en.CycleID, en.NIP)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"audit": entries})
}

// outbox is the dev inbox: emails that were (or, without SendGrid, would have been) sent.
func (s *Server) outbox(c *gin.Context) {
	entries, err := email.ListOutbox(c.Request.Context(), s.Store.Pool, c.Query("status"), 500)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"emails": entries})
}

func (s *Server) importOrg(c *gin.Context) {
	var in store.OrgImport
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	me := caller(c)
	by := store.Importer{NIP: me.NIP, Name: me.Name, Admin: me.IsAdmin, HRScope: me.HRScopeUnitID, Now: s.now()}
	if token := c.GetString(bootstrapKey); token != "" {
		by = store.Importer{Now: s.now(), Bootstrap: func(ctx context.Context, tx pgx.Tx) error {
			return auth.UseBootstrapToken(ctx, tx, token, by.Now)
		}}
	}
	by.TellOldAddress = tellOldAddress
	sum, err := s.Store.ImportBy(c.Request.Context(), in, by)
	var imp *store.ImportError
	switch {
	case errors.Is(err, auth.ErrBootstrapInvalid):
		fail(c, unauthenticated(err.Error()))
		return
	case errors.As(err, &imp) && imp.Forbidden:
		fail(c, &apiError{Status: http.StatusForbidden, Code: "forbidden", Rows: imp.Rows, Message: imp.Error()})
		return
	case err != nil:
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, sum)
}

// tellOldAddress queues the notice to the old address of an account holder whose email an import
// changed: if someone redirected it to take over the account, the owner hears of it.
func tellOldAddress(ctx context.Context, tx pgx.Tx, ch store.EmailChange) error {
	subject, text, html, err := email.RenderEmailChanged(email.EmailChanged{
		RecipientName: ch.Old.Name, NIP: ch.Old.NIP, NewEmail: ch.NewEmail, ChangedBy: ch.ChangedBy, At: ch.At})
	if err != nil {
		return err
	}
	_, err = email.Enqueue(ctx, tx, email.Message{DedupeKey: "email-changed/" + auth.NewToken()[:16],
		ToEmail: ch.Old.Email, ToName: ch.Old.Name, Subject: subject, Text: text, HTML: html,
		CustomArgs: map[string]string{"kind": "email_changed"}})
	return err
}
