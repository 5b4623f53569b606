package api

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// PayrollPageSize is how many employees one page of a run computes and writes in one transaction.
const PayrollPageSize = 1000

// payrollRoutes: TPP policy versions, attendance import, monthly runs with their exports, and
// each employee's pay statement (README "Monthly payroll").
func (s *Server) payrollRoutes(a *gin.RouterGroup) {
	a.POST("/payroll/policies", s.requireOrgWide, s.addPolicy)
	a.GET("/payroll/policies", s.requireHROrAdmin, s.listPolicies)
	a.POST("/payroll/attendance", s.requireHR, s.importAttendance)
	a.POST("/payroll/runs", s.requireHR, s.startRun)
	a.GET("/payroll/runs/:run", s.requireHR, s.getRun)
	a.POST("/payroll/runs/:run/approve", s.requireHR, s.decideRun(true))
	a.POST("/payroll/runs/:run/cancel", s.requireHR, s.decideRun(false))
	a.GET("/payroll/runs/:run/bank.csv", s.requireHR, s.bankFile)
	a.GET("/payroll/runs/:run/recap.xlsx", s.requireHR, s.recapFile)
	a.GET("/me/pay", s.myPay)
	a.GET("/me/pay/slip.pdf", s.mySlip)
	a.GET("/payroll/employees/:nip/pay", s.employeePay)
	a.GET("/payroll/employees/:nip/slip.pdf", s.employeeSlip)
}

func (s *Server) addPolicy(c *gin.Context) {
	var p pay.Policy
	if err := bind(c, &p); err != nil {
		fail(c, err)
		return
	}
	err := s.Store.AddPolicy(c.Request.Context(), p, caller(c).NIP, s.now())
	var pe store.PolicyError
	if errors.As(err, &pe) {
		fail(c, &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Field: pe.Field, Message: pe.Error()})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, p)
}

func (s *Server) listPolicies(c *gin.Context) {
	vs, err := s.Store.Policies(c.Request.Context())
	if err != nil {
		fail(c, err)
		return
	}
	if vs == nil {
		vs = []store.PolicyVersion{}
	}
	c.JSON(http.StatusOK, gin.H{"versions": vs})
}

// monthParam reads a required ?month=YYYY-MM.
func monthParam(c *gin.Context) (pay.Month, error) {
	var m pay.Month
	if err := m.UnmarshalText([]byte(c.Query("month"))); err != nil {
		return m, errBadRequest("month: " + err.Error())
	}
	return m, nil
}

type startRunInput struct {
	Month       pay.Month `json:"month"`
	ScopeUnitID string    `json:"scope_unit_id"` // "": the whole region (region-wide HR only)
}

// coversScope: region-wide HR covers every run; scoped HR the runs of a unit in their subtree.
func coversScope(who access.Caller, parents map[string]string, scope *string) bool {
	if scope == nil {
		return who.RegionWideHR()
	}
	return coversUnit(who, parents, *scope)
}

// startRun records a run and starts its workflow.
func (s *Server) startRun(c *gin.Context) {
	ctx := c.Request.Context()
	var in startRunInput
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	if !in.Month.Valid() {
		fail(c, &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Field: "month", Message: "month: bulan wajib diisi (YYYY-MM)"})
		return
	}
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		fail(c, err)
		return
	}
	var scope *string
	if in.ScopeUnitID != "" {
		scope = &in.ScopeUnitID
	}
	if !coversScope(who, parents, scope) {
		msg := "scope_unit_id: unit tidak ditemukan dalam lingkup Anda"
		if scope == nil {
			msg = "scope_unit_id: wajib diisi dengan unit dalam lingkup Anda (penggajian seluruh daerah hanya oleh BKPSDM tingkat daerah)"
		}
		fail(c, &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Field: "scope_unit_id", Message: msg})
		return
	}
	r, err := payroll.CreateRun(ctx, s.Store.Pool, in.Month, scope, who.NIP, s.now())
	if errors.Is(err, payroll.ErrRunOpen) {
		fail(c, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: err.Error()})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	if _, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: r.WorkflowID, TaskQueue: workflows.TaskQueue},
		workflows.PayrollRunWorkflow, workflows.PayrollRunInput{RunID: r.ID, PageSize: PayrollPageSize}); err != nil {
		// Without its workflow the run would stay open for ever: close it, then answer.
		_ = payroll.Decide(context.WithoutCancel(ctx), s.Store.Pool, r.ID, false, who.NIP, s.now())
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, r)
}

// loadRun reads the :run of the path, answering 404 for one the caller's scope does not cover.
func (s *Server) loadRun(c *gin.Context) (payroll.Run, bool) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("run"), 10, 64)
	if err != nil || id <= 0 {
		fail(c, errNotFound(payroll.ErrNoRun.Error()))
		return payroll.Run{}, false
	}
	r, err := payroll.GetRun(ctx, s.Store.Pool, id)
	if errors.Is(err, payroll.ErrNoRun) {
		fail(c, errNotFound(err.Error()))
		return r, false
	}
	if err != nil {
		fail(c, err)
		return r, false
	}
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		fail(c, err)
		return r, false
	}
	if !coversScope(who, parents, r.ScopeUnitID) {
		fail(c, errNotFound(payroll.ErrNoRun.Error()))
		return r, false
	}
	return r, true
}

func (s *Server) getRun(c *gin.Context) {
	if r, ok := s.loadRun(c); ok {
		c.JSON(http.StatusOK, r)
	}
}

// decideRun hands HR's approval or cancellation to the run's workflow and answers the run as it
// then stands.
func (s *Server) decideRun(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, ok := s.loadRun(c)
		if !ok {
			return
		}
		ctx := c.Request.Context()
		if r.State == payroll.StateApproved || r.State == payroll.StateCancelled {
			fail(c, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: "penggajian ini sudah diputuskan (" + runStateLabel[r.State] + ")"})
			return
		}
		verb := "cancel"
		if approve {
			verb = "approve"
		}
		h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: r.WorkflowID, UpdateName: workflows.UpdateDecideRun, UpdateID: verb + "/" + caller(c).NIP,
			Args:         []any{activities.PayrollDecision{Approve: approve, By: caller(c).NIP, At: s.now()}},
			WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		var state string
		if err == nil {
			err = h.Get(ctx, &state)
		}
		if err != nil {
			fail(c, err)
			return
		}
		if r, err = payroll.GetRun(ctx, s.Store.Pool, r.ID); err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, r)
	}
}

var runStateLabel = map[string]string{payroll.StateComputing: "sedang dihitung", payroll.StateAwaitingApproval: "menunggu persetujuan",
	payroll.StateApproved: "disetujui", payroll.StateCancelled: "dibatalkan"}

// exportable: exports are of approved runs only, what the bank is told to pay.
func (s *Server) exportable(c *gin.Context) (payroll.Run, []payroll.Transfer, bool) {
	r, ok := s.loadRun(c)
	if !ok {
		return r, nil, false
	}
	if r.State != payroll.StateApproved {
		fail(c, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: "penggajian ini belum disetujui; berkas bank dan rekap dibuat setelah persetujuan"})
		return r, nil, false
	}
	ts, err := payroll.Transfers(c.Request.Context(), s.Store.Pool, r.ID)
	if err != nil {
		fail(c, err)
		return r, nil, false
	}
	return r, ts, true
}

func (s *Server) bankFile(c *gin.Context) {
	r, ts, ok := s.exportable(c)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := payroll.WriteBankCSV(&b, r, ts); err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="transfer-tpp-`+r.Month.String()+`-`+strconv.FormatInt(r.ID, 10)+`.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", b.Bytes())
}

func (s *Server) recapFile(c *gin.Context) {
	r, ts, ok := s.exportable(c)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := payroll.WriteRecapXLSX(&b, r, ts); err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="rekap-tpp-`+r.Month.String()+`-`+strconv.FormatInt(r.ID, 10)+`.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b.Bytes())
}

// statement reads nip's month for the caller: the employee, HR whose scope covers them, or
// their direct superior in the org data. Anyone else gets the 404 of an unknown employee.
func (s *Server) statement(c *gin.Context, nip string) (payroll.Statement, bool) {
	ctx := c.Request.Context()
	m, err := monthParam(c)
	if err != nil {
		fail(c, err)
		return payroll.Statement{}, false
	}
	hidden := errNotFound(payroll.ErrNoEmployee.Error())
	emp, err := s.Store.Employee(ctx, nip)
	if errors.Is(err, store.ErrNotFound) {
		fail(c, hidden)
		return payroll.Statement{}, false
	}
	if err != nil {
		fail(c, err)
		return payroll.Statement{}, false
	}
	who, err := s.who(c)
	if err != nil {
		fail(c, err)
		return payroll.Statement{}, false
	}
	allowed := who.NIP == nip || (emp.SuperiorNIP != "" && emp.SuperiorNIP == who.NIP)
	if !allowed && who.HR {
		units, err := s.Store.UnitAncestry(ctx, emp.UnitID)
		if err != nil {
			fail(c, err)
			return payroll.Statement{}, false
		}
		allowed = who.HRCovers(units)
	}
	if !allowed {
		fail(c, hidden)
		return payroll.Statement{}, false
	}
	st, err := payroll.ReadStatement(ctx, s.Store.Pool, nip, m)
	if err != nil {
		fail(c, err)
		return st, false
	}
	return st, true
}

func (s *Server) myPay(c *gin.Context) {
	if st, ok := s.statement(c, caller(c).NIP); ok {
		c.JSON(http.StatusOK, st)
	}
}

func (s *Server) employeePay(c *gin.Context) {
	if st, ok := s.statement(c, c.Param("nip")); ok {
		c.JSON(http.StatusOK, st)
	}
}

func (s *Server) slip(c *gin.Context, nip string) {
	st, ok := s.statement(c, nip)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := payroll.WriteSlipPDF(&b, st); err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="slip-tpp-`+st.Month.String()+`-`+st.NIP+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", b.Bytes())
}

func (s *Server) mySlip(c *gin.Context)       { s.slip(c, caller(c).NIP) }
func (s *Server) employeeSlip(c *gin.Context) { s.slip(c, c.Param("nip")) }
