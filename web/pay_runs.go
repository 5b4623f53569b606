package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/web/form"
)

// runStates name a run's state as HR reads it.
var runStates = map[string]string{payroll.StateComputing: "sedang dihitung", payroll.StateAwaitingApproval: "menunggu persetujuan",
	payroll.StateApproved: "disetujui", payroll.StateCancelled: "dibatalkan"}

func init() {
	funcs["keadaanGaji"] = func(s string) string { return runStates[s] }
}

// runsView is the list of runs with the form that starts one.
type runsView struct {
	Runs    []payroll.RunSummary
	Scopes  []payroll.Unit
	Typed   url.Values
	Errors  form.Errors
	Message string
	Code    string // the refusal's code, as the JSON error names it
}

func (p *pages) showRuns(c *gin.Context, status int, v runsView) {
	var err error
	if v.Runs, err = p.app.PayrollRuns(c); err != nil {
		p.fail(c, err)
		return
	}
	if v.Scopes, err = p.app.RunScopes(c); err != nil {
		p.fail(c, err)
		return
	}
	if v.Errors == nil {
		v.Errors = form.Errors{}
	}
	p.render(c, status, "pay_runs.html", view{Title: "Penggajian TPP", Nav: "penggajian", Data: v})
}

// payrollRuns lists the runs the caller's scope covers (as GET /api/payroll/runs) and offers the
// month to run: last month, the usual one, by default.
func (p *pages) payrollRuns(c *gin.Context) {
	now := time.Now().In(wib.Location)
	last := pay.MonthOf(now.Year(), now.Month()).AddMonths(-1)
	p.showRuns(c, http.StatusOK, runsView{Typed: url.Values{"month": {last.String()}}})
}

// startPayrollRun sends the form to the same function as POST /api/payroll/runs; a refusal comes
// back next to its field with the form as typed.
func (p *pages) startPayrollRun(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	typed := c.Request.PostForm
	// A month that does not read stays zero: the application refuses it next to its field,
	// after deciding whether the caller may start runs at all.
	var m pay.Month
	_ = m.UnmarshalText([]byte(strings.TrimSpace(typed.Get("month"))))
	r, err := p.app.StartPayrollRun(c, m, typed.Get("scope_unit_id"))
	if err == nil {
		c.Redirect(http.StatusSeeOther, runPath(r.ID)+"?ok=penggajian-dimulai")
		return
	}
	status, code, msg, errs, ok := p.formRefusal(c, err)
	if !ok {
		return
	}
	v := runsView{Typed: typed, Errors: errs, Message: "Periksa kembali isian yang ditandai.", Code: code}
	if errs == nil { // another run is open: the form stays as typed, the reason above it
		v.Message = msg
	}
	p.showRuns(c, status, v)
}

// runView is a run's page: its progress, the employees it could not compute, the decision and the exports.
type runView struct {
	Run       payroll.Run
	ScopeName string
	Percent   int
	Open      bool // computing or awaiting approval: may still be cancelled
	Excluded  map[string]bool
	// A refused approval or exclusion: its message, the exclusion form's field errors and what
	// was typed, by the NIP whose form it was.
	Message string
	Code    string // the refusal's code, as the JSON error names it
	Errors  form.Errors
	Typed   url.Values
}

// payrollRun reads the same function as GET /api/payroll/runs/:run; while the run computes the
// page reloads itself every few seconds (no script: the pages' policy allows none).
func (p *pages) payrollRun(c *gin.Context) {
	p.showRun(c, http.StatusOK, runView{})
}

// showRun renders the :run's page, with v's refusal if any.
func (p *pages) showRun(c *gin.Context, status int, v runView) {
	r, err := p.app.PayrollRun(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	v.Run, v.ScopeName = r, "Seluruh daerah"
	v.Open = r.State == payroll.StateComputing || r.State == payroll.StateAwaitingApproval
	if r.ScopeUnitID != nil {
		v.ScopeName = p.unitName(c, *r.ScopeUnitID)
	}
	if r.EmployeesTotal > 0 {
		v.Percent = min(100, r.EmployeesDone*100/r.EmployeesTotal)
	} else if r.State != payroll.StateComputing {
		v.Percent = 100
	}
	v.Excluded = map[string]bool{}
	for _, x := range r.Exclusions {
		v.Excluded[x.NIP] = true
	}
	if v.Errors == nil {
		v.Errors = form.Errors{}
	}
	vw := view{Title: "Penggajian TPP " + r.Month.Label(), Nav: "penggajian", Data: v}
	if r.State == payroll.StateComputing {
		vw.Refresh = 3
	}
	p.render(c, status, "pay_run.html", vw)
}

// unitName names a run's scope from the units HR may run for; the id when it is not among them.
func (p *pages) unitName(c *gin.Context, id string) string {
	units, err := p.app.RunScopes(c)
	if err == nil {
		for _, u := range units {
			if u.ID == id {
				return u.Name
			}
		}
	}
	return id
}

// decidePayrollRun approves or cancels through the same function as the JSON routes.
func (p *pages) decidePayrollRun(approve bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, err := p.app.DecidePayrollRun(c, approve)
		if err != nil {
			// An approval refused for employees neither paid nor excluded shows on the run's page.
			if status, code, _, msg := p.app.Explain(c.Request.Context(), err); status == http.StatusConflict {
				p.showRun(c, status, runView{Message: msg, Code: code})
				return
			}
			p.fail(c, err)
			return
		}
		ok := "penggajian-dibatalkan"
		if approve {
			ok = "penggajian-disetujui"
		}
		c.Redirect(http.StatusSeeOther, runPath(r.ID)+"?ok="+ok)
	}
}

// excludeFromRun leaves an employee the run could not compute out of it, through the same
// function as POST /api/payroll/runs/:run/exclusions; a refusal comes back next to the reason.
func (p *pages) excludeFromRun(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	typed := c.Request.PostForm
	r, err := p.app.ExcludeFromPayrollRun(c, typed.Get("nip"), typed.Get("reason"))
	if err == nil {
		c.Redirect(http.StatusSeeOther, runPath(r.ID)+"?ok=pegawai-dikecualikan")
		return
	}
	status, code, msg, errs, ok := p.formRefusal(c, err)
	if !ok {
		return
	}
	p.showRun(c, status, runView{Message: msg, Code: code, Errors: errs, Typed: typed})
}

// payrollExport writes the bank file or the recap, from the same function and writers as
// GET /api/payroll/runs/:run/bank.csv and recap.xlsx.
func (p *pages) payrollExport(kind string) gin.HandlerFunc {
	return func(c *gin.Context) {
		r, ts, err := p.app.PayrollExport(c)
		if err != nil {
			p.fail(c, err)
			return
		}
		var b bytes.Buffer
		name, ctype, write := "transfer-tpp-", "text/csv; charset=utf-8", payroll.WriteBankCSV
		if kind == "xlsx" {
			name, ctype, write = "rekap-tpp-", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", payroll.WriteRecapXLSX
		}
		if err := write(&b, r, ts); err != nil {
			p.fail(c, err)
			return
		}
		c.Header("Content-Disposition", `attachment; filename="`+name+r.Month.String()+`-`+itoa(r.ID)+`.`+kind+`"`)
		c.Data(http.StatusOK, ctype, b.Bytes())
	}
}

// payPolicies shows the TPP policy versions read-only, as GET /api/payroll/policies lists them.
func (p *pages) payPolicies(c *gin.Context) {
	vs, err := p.app.PayrollPolicies(c)
	if err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, http.StatusOK, "pay_policies.html", view{Title: "Kebijakan TPP", Nav: "penggajian",
		Data: map[string]any{"Versions": vs, "Predikat": predikatOrder}})
}

// formRefusal explains err for a payroll form: its field errors, or a conflict (another open run, a
// run already decided) shown above the form. Anything else renders the error page: ok is false.
func (p *pages) formRefusal(c *gin.Context, err error) (status int, code, msg string, errs form.Errors, ok bool) {
	errs = p.app.FieldErrors(c.Request.Context(), err)
	status, code, _, msg = p.app.Explain(c.Request.Context(), err)
	if errs == nil && status != http.StatusConflict {
		p.fail(c, err)
		return status, code, msg, nil, false
	}
	return status, code, msg, errs, true
}
