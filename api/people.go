package api

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

func (s *Server) me(c *gin.Context) {
	c.JSON(http.StatusOK, caller(c))
}

func (s *Server) myTasks(c *gin.Context) {
	me := caller(c)
	tasks, err := s.Store.OpenTasks(c.Request.Context(), me.NIP, me.IsHR)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"tasks": tasks})
}

// myCycles lists the caller's own years, with the phase each one is in.
func (s *Server) myCycles(c *gin.Context) {
	ens, err := s.Store.EnrolmentsOf(c.Request.Context(), caller(c).NIP)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cycles": ens})
}

// visibleEnrolment loads the enrolment if the caller may see it: the employee, their penilai,
// the atasan penilai, or HR. Anyone else gets the same 404 as for a record that does not exist.
func (s *Server) visibleEnrolment(c *gin.Context) (store.Enrolment, bool) {
	id, err := cycleParam(c)
	if err != nil {
		fail(c, err)
		return store.Enrolment{}, false
	}
	nip := c.Param("nip")
	en, err := s.Store.Enrolment(c.Request.Context(), id, nip)
	me := caller(c)
	if errors.Is(err, store.ErrNotFound) || (err == nil && !(me.IsHR || me.NIP == en.NIP || me.NIP == en.PenilaiNIP || me.NIP == en.AtasanNIP)) {
		// One answer for "not there" and "not yours", so a forbidden request reveals nothing.
		err = errNotFound("pegawai " + nip + " tidak ditemukan di siklus ini")
	}
	if err != nil {
		fail(c, err)
		return store.Enrolment{}, false
	}
	return en, true
}

// employeeYear answers with what Postgres holds and, when the workflow answers, its live status.
func (s *Server) employeeYear(c *gin.Context) {
	en, ok := s.visibleEnrolment(c)
	if !ok {
		return
	}
	y, err := s.Store.Year(c.Request.Context(), en.CycleID, en.NIP)
	if err != nil {
		fail(c, err)
		return
	}
	tasks, err := s.Store.TasksOf(c.Request.Context(), en.CycleID, en.NIP)
	if err != nil {
		fail(c, err)
		return
	}
	res := gin.H{"year": y, "tasks": tasks}
	ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
	defer cancel()
	if v, err := s.Temporal.QueryWorkflow(ctx, en.WorkflowID, "", workflows.QueryStatus); err == nil {
		var st workflows.Status
		if v.Get(&st) == nil {
			res["status"] = st
		}
	}
	c.JSON(http.StatusOK, res)
}

func (s *Server) employeeAudit(c *gin.Context) {
	en, ok := s.visibleEnrolment(c)
	if !ok {
		return
	}
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
	if err := s.Store.ImportOrg(c.Request.Context(), in); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"units": len(in.Units), "positions": len(in.Positions), "employees": len(in.Employees)})
}
