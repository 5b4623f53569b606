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
	a.GET("/payroll/runs", s.requireHR, s.listRuns)
	a.GET("/payroll/runs/:run", s.requireHR, s.getRun)
	a.POST("/payroll/runs/:run/approve", s.requireHR, s.decideRun(true))
	a.POST("/payroll/runs/:run/cancel", s.requireHR, s.decideRun(false))
	a.POST("/payroll/runs/:run/exclusions", s.requireHR, s.excludeFromRun)
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
	vs, err := s.PayrollPolicies(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"versions": vs})
}

// PayrollPolicies lists the TPP policy versions to HR (any scope) and admins: the JSON route and its page.
func (s *Server) PayrollPolicies(c *gin.Context) ([]store.PolicyVersion, error) {
	if err := hrOrAdmin(c); err != nil {
		return nil, err
	}
	vs, err := s.Store.Policies(c.Request.Context())
	if vs == nil {
		vs = []store.PolicyVersion{}
	}
	return vs, err
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

// hrScope admits HR (any scope) and answers what coversScope needs: the caller and the unit tree.
func (s *Server) hrScope(c *gin.Context) (access.Caller, map[string]string, error) {
	if err := hrOnly(c); err != nil {
		return access.Caller{}, nil, err
	}
	return s.whoInOrg(c)
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
	var in startRunInput
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	r, err := s.StartPayrollRun(c, in.Month, in.ScopeUnitID)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusAccepted, r)
}

// StartPayrollRun records a run of month m over scope ("" the whole region) and starts its
// workflow: POST /api/payroll/runs and the page's form (web/pay_runs.go).
func (s *Server) StartPayrollRun(c *gin.Context, m pay.Month, scopeUnitID string) (payroll.Run, error) {
	ctx := c.Request.Context()
	who, parents, err := s.hrScope(c)
	if err != nil {
		return payroll.Run{}, err
	}
	if !m.Valid() {
		return payroll.Run{}, &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Field: "month", Message: "month: bulan wajib diisi (YYYY-MM)"}
	}
	var scope *string
	if scopeUnitID != "" {
		scope = &scopeUnitID
	}
	if !coversScope(who, parents, scope) {
		msg := "scope_unit_id: unit tidak ditemukan dalam lingkup Anda"
		if scope == nil {
			msg = "scope_unit_id: wajib diisi dengan unit dalam lingkup Anda (penggajian seluruh daerah hanya oleh BKPSDM tingkat daerah)"
		}
		return payroll.Run{}, &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Field: "scope_unit_id", Message: msg}
	}
	r, err := payroll.CreateRun(ctx, s.Store.Pool, m, scope, who.NIP, s.now())
	if errors.Is(err, payroll.ErrRunOpen) {
		return r, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: err.Error()}
	}
	if err != nil {
		return r, err
	}
	if _, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: r.WorkflowID, TaskQueue: workflows.TaskQueue},
		workflows.PayrollRunWorkflow, workflows.PayrollRunInput{RunID: r.ID, PageSize: PayrollPageSize}); err != nil {
		// Without its workflow the run would stay open for ever: close it, then answer.
		_ = payroll.Decide(context.WithoutCancel(ctx), s.Store.Pool, r.ID, false, who.NIP, s.now())
		return r, err
	}
	return r, nil
}

// PayrollRuns lists the runs the caller's scope covers, newest first: GET /api/payroll/runs and
// the page of runs.
func (s *Server) PayrollRuns(c *gin.Context) ([]payroll.RunSummary, error) {
	who, parents, err := s.hrScope(c)
	if err != nil {
		return nil, err
	}
	all, err := payroll.ListRuns(c.Request.Context(), s.Store.Pool)
	if err != nil {
		return nil, err
	}
	out := []payroll.RunSummary{}
	for _, r := range all {
		if coversScope(who, parents, r.ScopeUnitID) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (s *Server) listRuns(c *gin.Context) {
	rs, err := s.PayrollRuns(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"runs": rs})
}

// RunScopes are the units HR may run a payroll for; the whole region ("") first for region-wide HR.
func (s *Server) RunScopes(c *gin.Context) ([]payroll.Unit, error) {
	ctx := c.Request.Context()
	if err := hrOnly(c); err != nil {
		return nil, err
	}
	who, err := s.who(c)
	if err != nil {
		return nil, err
	}
	units, err := payroll.Units(ctx, s.Store.Pool)
	if err != nil {
		return nil, err
	}
	parents := make(map[string]string, len(units))
	for _, u := range units {
		parents[u.ID] = u.Parent
	}
	var out []payroll.Unit
	if coversScope(who, parents, nil) {
		out = append(out, payroll.Unit{ID: "", Name: "Seluruh daerah"})
	}
	for _, u := range units {
		if coversScope(who, parents, &u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}

// PayrollRun reads the :run of the path, as a 404 when the caller's scope does not cover it.
func (s *Server) PayrollRun(c *gin.Context) (payroll.Run, error) {
	who, parents, err := s.hrScope(c)
	if err != nil {
		return payroll.Run{}, err
	}
	id, err := strconv.ParseInt(c.Param("run"), 10, 64)
	if err != nil || id <= 0 {
		return payroll.Run{}, errNotFound(payroll.ErrNoRun.Error())
	}
	r, err := payroll.GetRun(c.Request.Context(), s.Store.Pool, id)
	if errors.Is(err, payroll.ErrNoRun) {
		return r, errNotFound(err.Error())
	}
	if err != nil {
		return r, err
	}
	if !coversScope(who, parents, r.ScopeUnitID) {
		return r, errNotFound(payroll.ErrNoRun.Error())
	}
	return r, nil
}

func (s *Server) getRun(c *gin.Context) {
	r, err := s.PayrollRun(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// decideRun hands HR's approval or cancellation to the run's workflow and answers the run as it
// then stands.
func (s *Server) decideRun(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, err := s.DecidePayrollRun(c, approve)
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, r)
	}
}

// DecidePayrollRun approves or cancels the :run through its workflow: the JSON routes and the
// run's page. Approval is refused while an employee the run could not compute is neither paid
// nor excluded (payroll.CheckApprovable), naming each.
func (s *Server) DecidePayrollRun(c *gin.Context, approve bool) (payroll.Run, error) {
	r, err := s.PayrollRun(c)
	if err != nil {
		return r, err
	}
	ctx := c.Request.Context()
	if r.State == payroll.StateApproved || r.State == payroll.StateCancelled {
		return r, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: "penggajian ini sudah diputuskan (" + runStateLabel[r.State] + ")"}
	}
	verb := "cancel"
	if approve {
		verb = "approve"
		var ue *payroll.UnresolvedError
		if err := payroll.CheckApprovable(ctx, s.Store.Pool, r.ID); errors.As(err, &ue) {
			fields := map[string]string{}
			for _, x := range ue.Errors {
				fields[x.NIP] = x.Month + ": " + x.Message
			}
			return r, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: ue.Error(), Fields: fields}
		} else if err != nil {
			return r, err
		}
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
		return r, err
	}
	return payroll.GetRun(ctx, s.Store.Pool, r.ID)
}

// excludeFromRun leaves an employee the run could not compute out of it: POST
// /api/payroll/runs/:run/exclusions {"nip", "reason"}.
func (s *Server) excludeFromRun(c *gin.Context) {
	var in struct {
		NIP    string `json:"nip"`
		Reason string `json:"reason"`
	}
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	r, err := s.ExcludeFromPayrollRun(c, in.NIP, in.Reason)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, r)
}

// ExcludeFromPayrollRun leaves nip, whom the :run could not compute, out of it with HR's reason
// (audited), so the run can be approved; a later run pays them. The JSON route and the run's page.
func (s *Server) ExcludeFromPayrollRun(c *gin.Context, nip, reason string) (payroll.Run, error) {
	r, err := s.PayrollRun(c)
	if err != nil {
		return r, err
	}
	ctx := c.Request.Context()
	err = payroll.Exclude(ctx, s.Store.Pool, r.ID, nip, reason, caller(c).NIP, s.now())
	var xe *payroll.ExclusionError
	if errors.As(err, &xe) {
		ae := &apiError{Status: http.StatusUnprocessableEntity, Code: workflows.ErrInvalid, Field: xe.Field, Message: xe.Error()}
		if xe.Field == "run" { // the run is not awaiting approval
			ae.Status, ae.Code = http.StatusConflict, workflows.ErrWrongPhase
		}
		return r, ae
	}
	if err != nil {
		return r, err
	}
	return payroll.GetRun(ctx, s.Store.Pool, r.ID)
}

var runStateLabel = map[string]string{payroll.StateComputing: "sedang dihitung", payroll.StateAwaitingApproval: "menunggu persetujuan",
	payroll.StateApproved: "disetujui", payroll.StateCancelled: "dibatalkan"}

// PayrollExport reads the :run's transfers for its exports: approved runs only, what the bank is
// told to pay. The JSON routes and the run page's downloads write them alike.
func (s *Server) PayrollExport(c *gin.Context) (payroll.Run, []payroll.Transfer, error) {
	r, err := s.PayrollRun(c)
	if err != nil {
		return r, nil, err
	}
	if r.State != payroll.StateApproved {
		return r, nil, &apiError{Status: http.StatusConflict, Code: workflows.ErrWrongPhase, Message: "penggajian ini belum disetujui; berkas bank dan rekap dibuat setelah persetujuan"}
	}
	ts, err := payroll.Transfers(c.Request.Context(), s.Store.Pool, r.ID)
	return r, ts, err
}

func (s *Server) bankFile(c *gin.Context) {
	r, ts, err := s.PayrollExport(c)
	if err != nil {
		fail(c, err)
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
	r, ts, err := s.PayrollExport(c)
	if err != nil {
		fail(c, err)
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

// Statement reads nip's month m for the caller: the employee, HR whose scope covers them, or
// their direct superior in the org data. Anyone else gets the 404 of an unknown employee.
// GET /api/me/pay, /api/payroll/employees/:nip/pay, the slips and the page "Dari kinerja ke TPP".
func (s *Server) Statement(c *gin.Context, nip string, m pay.Month) (payroll.Statement, error) {
	ctx := c.Request.Context()
	if !m.Valid() {
		return payroll.Statement{}, errBadRequest("month: bulan wajib diisi (YYYY-MM)")
	}
	hidden := errNotFound(payroll.ErrNoEmployee.Error())
	emp, err := s.Store.Employee(ctx, nip)
	if errors.Is(err, store.ErrNotFound) {
		return payroll.Statement{}, hidden
	}
	if err != nil {
		return payroll.Statement{}, err
	}
	who, err := s.who(c)
	if err != nil {
		return payroll.Statement{}, err
	}
	allowed := who.NIP == nip || (emp.SuperiorNIP != "" && emp.SuperiorNIP == who.NIP)
	if !allowed && who.HR {
		units, err := s.Store.UnitAncestry(ctx, emp.UnitID)
		if err != nil {
			return payroll.Statement{}, err
		}
		allowed = who.HRCovers(units)
	}
	if !allowed {
		return payroll.Statement{}, hidden
	}
	return payroll.ReadStatement(ctx, s.Store.Pool, nip, m)
}

// PaidMonths are the caller's months with paid lines, newest first, for the statement page's choice of month.
func (s *Server) PaidMonths(c *gin.Context) ([]pay.Month, error) {
	return payroll.PaidMonths(c.Request.Context(), s.Store.Pool, caller(c).NIP)
}

// statement answers nip's statement of ?month= or the error.
func (s *Server) statement(c *gin.Context, nip string) (payroll.Statement, bool) {
	m, err := monthParam(c)
	if err != nil {
		fail(c, err)
		return payroll.Statement{}, false
	}
	st, err := s.Statement(c, nip, m)
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
