package web

import (
	"bytes"
	"maps"
	"net/http"
	"net/url"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
)

// PayApp is the application layer under the pay pages: the same functions the payroll JSON
// handlers call (api/payroll.go), each deciding who may do it.
type PayApp interface {
	// Statement is nip's month as GET /api/me/pay and /api/payroll/employees/:nip/pay answer it.
	Statement(c *gin.Context, nip string, m pay.Month) (payroll.Statement, error)
	PaidMonths(c *gin.Context) ([]pay.Month, error)
	PayrollRuns(c *gin.Context) ([]payroll.RunSummary, error)
	RunScopes(c *gin.Context) ([]payroll.Unit, error)
	StartPayrollRun(c *gin.Context, m pay.Month, scopeUnitID string) (payroll.Run, error)
	PayrollRun(c *gin.Context) (payroll.Run, error)
	DecidePayrollRun(c *gin.Context, approve bool) (payroll.Run, error)
	ExcludeFromPayrollRun(c *gin.Context, nip, reason string) (payroll.Run, error)
	PayrollExport(c *gin.Context) (payroll.Run, []payroll.Transfer, error)
	PayrollPolicies(c *gin.Context) ([]store.PolicyVersion, error)
	// ImportAttendanceFile is POST /api/payroll/attendance with a CSV or XLSX file.
	ImportAttendanceFile(c *gin.Context, xlsx bool, raw []byte) (int, error)
}

// Paths of the pay pages.
const (
	PathPay         = "/tpp"                  // "Dari kinerja ke TPP"; ?month=YYYY-MM&nip= (nip: HR or the superior)
	PathPaySlip     = "/tpp/slip.pdf"         // the month's PDF slip, same parameters
	PathPayrollRuns = "/penggajian"           // HR: the runs and the form to start one
	PathPolicies    = "/penggajian/kebijakan" // HR: the TPP policy versions
)

func runPath(id int64) string { return PathPayrollRuns + "/" + itoa(id) }

func (p *pages) payRoutes(r *gin.Engine, in *gin.RouterGroup) {
	in.GET(PathPay, p.payStatement)
	in.GET(PathPaySlip, p.paySlip)
	in.GET(PathPayrollRuns, p.payrollRuns)
	in.POST(PathPayrollRuns, p.startPayrollRun)
	in.GET(PathPolicies, p.payPolicies)
	in.GET(PathAttendance, p.attendancePage)
	// The upload carries a file: its own body bound instead of limitForm's.
	r.POST(PathAttendance, p.limitUpload, p.identify, p.importAttendance)
	in.GET(PathPayrollRuns+"/:run", p.payrollRun)
	in.POST(PathPayrollRuns+"/:run/setujui", p.decidePayrollRun(true))
	in.POST(PathPayrollRuns+"/:run/batalkan", p.decidePayrollRun(false))
	in.POST(PathPayrollRuns+"/:run/kecualikan", p.excludeFromRun)
	in.GET(PathPayrollRuns+"/:run/transfer.csv", p.payrollExport("csv"))
	in.GET(PathPayrollRuns+"/:run/rekap.xlsx", p.payrollExport("xlsx"))
}

func init() {
	funcs["bulan"] = pay.Month.Label
	funcs["persen"] = pay.Percent
	funcs["negatif"] = func(n int64) int64 { return -n }
	maps.Copy(flashText, map[string]string{
		"penggajian-dimulai":    "Penggajian TPP telah dimulai; halaman ini memuat ulang sendiri sampai perhitungan selesai.",
		"penggajian-disetujui":  "Penggajian TPP telah disetujui; berkas bank dan rekap dapat diunduh.",
		"penggajian-dibatalkan": "Penggajian TPP telah dibatalkan.",
		"pegawai-dikecualikan":  "Pegawai telah dikecualikan dari penggajian ini; penggajian berikutnya membayarnya.",
	})
}

// statementView is "Dari kinerja ke TPP": one month's statement, the months to choose from.
type statementView struct {
	St     payroll.Statement
	Months []pay.Month
	Own    bool   // the caller's own statement
	Slip   string // the month's PDF slip
	Groups []slipGroup
}

// slipGroup is a part of the slip: how the basis came about, what is earned, what comes off.
type slipGroup struct {
	Title string
	Lines []pay.Line
	Sign  int64 // the sign the amounts are shown with
}

var groupTitles = []struct {
	Group pay.Group
	Title string
	Sign  int64
}{
	{pay.GroupBasis, "Dasar TPP bulan ini", 1},
	{pay.GroupEarning, "Penghasilan (kinerja, disiplin, potongan kehadiran)", 1},
	{pay.GroupDeduction, "Potongan", -1},
	{pay.GroupEmployer, "Dibayar pemberi kerja (tidak mengurangi TPP)", 1},
	{pay.GroupInfo, "Keterangan", 1},
}

// payStatement reads the same function as GET /api/me/pay (or, with ?nip=, the employee's
// /api/payroll/employees/:nip/pay). Without ?month= it shows the latest month paid.
func (p *pages) payStatement(c *gin.Context) {
	nip, own := c.Query("nip"), false
	if nip == "" || nip == me(c).NIP {
		nip, own = me(c).NIP, true
	}
	var months []pay.Month
	if own {
		var err error
		if months, err = p.app.PaidMonths(c); err != nil {
			p.fail(c, err)
			return
		}
	}
	st, ok := p.statement(c, nip, months)
	if !ok {
		return
	}
	m := st.Month
	q := url.Values{"month": {m.String()}}
	if !own {
		q.Set("nip", nip)
	}
	v := statementView{St: st, Months: months, Own: own, Slip: PathPaySlip + "?" + q.Encode()}
	if st.Slip != nil {
		for _, g := range groupTitles {
			sg := slipGroup{Title: g.Title, Sign: g.Sign}
			for _, l := range st.Slip.Lines {
				if l.Group == g.Group {
					sg.Lines = append(sg.Lines, l)
				}
			}
			if len(sg.Lines) > 0 {
				v.Groups = append(v.Groups, sg)
			}
		}
	}
	p.render(c, http.StatusOK, "pay.html", view{Title: "Dari kinerja ke TPP · " + m.Label(), Nav: "tpp", Data: v})
}

// statement reads nip's month of ?month= (the latest of months without it), or shows why not.
func (p *pages) statement(c *gin.Context, nip string, months []pay.Month) (payroll.Statement, bool) {
	m, ok := p.monthOf(c, months)
	if !ok {
		return payroll.Statement{}, false
	}
	st, err := p.app.Statement(c, nip, m)
	if err != nil {
		p.fail(c, err)
		return st, false
	}
	return st, true
}

// monthOf reads ?month=, or the latest of months (else this month in WIB) without it.
func (p *pages) monthOf(c *gin.Context, months []pay.Month) (pay.Month, bool) {
	var m pay.Month
	if q := c.Query("month"); q != "" {
		if err := m.UnmarshalText([]byte(q)); err != nil {
			p.render(c, http.StatusBadRequest, "error.html", view{Title: "Bulan tidak terbaca",
				Data: errorView{"bad_request", "bulan: " + err.Error()}})
			return m, false
		}
		return m, true
	}
	if len(months) > 0 {
		return months[0], true
	}
	now := time.Now().In(wib.Location)
	return pay.MonthOf(now.Year(), now.Month()), true
}

// paySlip is the month's PDF slip, from the same statement as the page.
func (p *pages) paySlip(c *gin.Context) {
	nip := c.Query("nip")
	if nip == "" {
		nip = me(c).NIP
	}
	st, ok := p.statement(c, nip, nil)
	if !ok {
		return
	}
	var b bytes.Buffer
	if err := payroll.WriteSlipPDF(&b, st); err != nil {
		p.fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="slip-tpp-`+st.Month.String()+`-`+st.NIP+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", b.Bytes())
}
