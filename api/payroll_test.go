package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
)

// raw sends a body as it is, with its content type, as role.
func (e *azEnv) raw(method, path, contentType string, body []byte, role azRole) azResp {
	e.t.Helper()
	hr := httptest.NewRequest(method, path, bytes.NewReader(body))
	hr.Header.Set("Content-Type", contentType)
	hr.Header.Set(api.DevNIPHeader, role.nip)
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return azResp{w.Code, w.Body.Bytes(), nil, w.Result().Header}
}

// The month through the API: HR stores the region's policy (a wrong one is refused naming its
// field), imports attendance from CSV (a file with a bad row writes nothing), runs the month
// for an OPD, approves it, and takes the bank file and the recap; the employee reads how the
// amount came about and gets the same on the PDF slip.
func TestPayrollThroughTheAPI(t *testing.T) {
	e := newAzServer(t, testenv.TemporalClient(t))
	ctx := context.Background()

	bad := pay.Balangan2025()
	bad.ID, bad.EffectiveFrom, bad.KinerjaBP = "balangan-2026", pay.MonthOf(2026, 1), 7_000
	res := e.must(azReq{method: "POST", path: "/api/payroll/policies", role: rHRRegion, body: bad}, 422)
	if f := res.json(t)["error"].(map[string]any)["field"]; f != "disiplin_bp" {
		t.Errorf("a policy whose shares pass 100%%: field %v, want disiplin_bp: %s", f, res.body)
	}
	good := bad
	good.KinerjaBP = 6_000
	e.must(azReq{method: "POST", path: "/api/payroll/policies", role: rHRRegion, body: good}, 201)
	list := e.must(azReq{method: "GET", path: "/api/payroll/policies", role: rHRScoped}, 200).json(t)
	if vs := list["versions"].([]any); len(vs) != 1 {
		t.Fatalf("versions: %v", vs)
	}

	dl := map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		dl[n] = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 30 * 24 * time.Hour)
	}
	cycle, err := e.st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: azHRRegion})
	if err != nil {
		t.Fatal(err)
	}
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := e.st.SetPeriodResult(ctx, store.PeriodResult{CycleID: cycle, NIP: azPegawai, PeriodStart: march,
		PeriodEnd: march.AddDate(0, 1, -1), Predikat: "baik", DecidedAt: e.now}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.SetPayProfile(ctx, store.PayProfile{NIP: azPegawai, Salary: 4_000_000, PTKP: "K/1", BankName: "Bank Kalsel", BankAccount: "0012345678"}); err != nil {
		t.Fatal(err)
	}

	// A file with one bad row (line 3) is refused whole.
	file := "nip,tanggal,jenis,terlambat_menit,pulang_cepat_menit,jenis_cuti,tidak_apel\n" +
		azPegawai + ",2026-03-10,tanpa_keterangan,,,,\n" +
		azPegawai + ",2026-03-11,bolos,,,,\n"
	res = e.raw("POST", "/api/payroll/attendance", "text/csv", []byte(file), rHRScoped)
	if res.status != 422 {
		t.Fatalf("bad file: %d %s", res.status, res.body)
	}
	var refusal struct {
		Error struct{ Rows []store.RowError } `json:"error"`
	}
	if err := json.Unmarshal(res.body, &refusal); err != nil || len(refusal.Error.Rows) != 1 ||
		refusal.Error.Rows[0].Row != 3 || refusal.Error.Rows[0].Field != "jenis" {
		t.Errorf("bad file: rows %+v, want line 3 column jenis", refusal.Error.Rows)
	}
	var n int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM attendance_days`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("a refused file wrote %d days (%v)", n, err)
	}
	file = strings.Replace(file, "bolos,,,,", "hadir,45,,,ya", 1)
	if res := e.raw("POST", "/api/payroll/attendance", "text/csv", []byte(file), rHRScoped); res.status != 200 {
		t.Fatalf("good file: %d %s", res.status, res.body)
	}

	// The same layout as XLSX (first sheet); a date may be a date cell, as Excel keeps it.
	x0 := excelize.NewFile()
	for i, row := range [][]any{{"nip", "tanggal", "jenis", "terlambat_menit", "pulang_cepat_menit", "jenis_cuti", "tidak_apel"},
		{azStranger, "2026-03-12", "cuti", "", "", "cuti_tahunan", ""}, {azStranger, time.Date(2026, 3, 13, 0, 0, 0, 0, time.UTC), "hadir", "10", "", "", ""}} {
		if err := x0.SetSheetRow("Sheet1", "A"+jsonNumber(i+1), &row); err != nil {
			t.Fatal(err)
		}
	}
	var xb bytes.Buffer
	if err := x0.Write(&xb); err != nil {
		t.Fatal(err)
	}
	if res := e.raw("POST", "/api/payroll/attendance", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", xb.Bytes(), rHRRegion); res.status != 200 {
		t.Fatalf("XLSX file: %d %s", res.status, res.body)
	}
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM attendance_days WHERE nip = $1
		AND ((kind = 'leave' AND day = '2026-03-12') OR (late_minutes = 10 AND day = '2026-03-13'))`, azStranger).Scan(&n); err != nil || n != 2 {
		t.Fatalf("XLSX import wrote %d of 2 days (%v)", n, err)
	}

	run := e.must(azReq{method: "POST", path: "/api/payroll/runs", role: rHRRegion, body: map[string]any{"month": "2026-03", "scope_unit_id": "dinas-x"}}, 202).json(t)
	path := "/api/payroll/runs/" + jsonNumber(run["id"])
	got := e.awaitApproval(t, path)
	// dinas-x holds the atasan and its HR; bidang-a the penilai and four staff.
	if got["state"] != payroll.StateAwaitingApproval || got["employees_done"] != float64(7) || got["employees_total"] != float64(7) {
		t.Fatalf("run: %v", got)
	}
	e.must(azReq{method: "GET", path: path + "/bank.csv", role: rHRRegion}, 409) // not approved yet
	if st := e.must(azReq{method: "POST", path: path + "/approve", role: rHRScoped}, 200).json(t)["state"]; st != payroll.StateApproved {
		t.Fatalf("approved run: %v", st)
	}

	// The employee's statement: basic, predikat and its %, the cut of 10 March, deductions, policy.
	stRes := e.must(azReq{method: "GET", path: "/api/me/pay?month=2026-03", role: rPegawai}, 200)
	var st payroll.Statement
	if err := json.Unmarshal(stRes.body, &st); err != nil {
		t.Fatal(err)
	}
	if st.Slip == nil || st.PolicyID != "balangan-2026" || st.Input.Predikat != "baik" {
		t.Fatalf("statement: %s", stRes.body)
	}
	codes := map[string]bool{}
	for _, l := range st.Slip.Lines {
		codes[l.Code] = true
		if l.Code == "accrual" && l.Day != 10 {
			t.Errorf("the absence cut names day %d, want 10", l.Day)
		}
	}
	for _, c := range []string{"basic", "kinerja", "disiplin", "accrual", "pph21", "iwp", "bpjs"} {
		if !codes[c] {
			t.Errorf("statement has no %s line: %s", c, stRes.body)
		}
	}
	// Every amount in a label reads as pay.Rupiah does (the IWP and BPJS caps included).
	for _, l := range st.Slip.Lines {
		if regexp.MustCompile(`Rp\d`).MatchString(l.Label) {
			t.Errorf("statement line %s %q writes an amount without pay.Rupiah", l.Code, l.Label)
		}
		if want := "paling banyak " + pay.Rupiah(pay.Balangan2025().IWP.Cap); l.Code == "iwp" && !strings.Contains(l.Label, want) {
			t.Errorf("IWP line %q, want %q", l.Label, want)
		}
	}
	if st.Net != st.Slip.Net || st.Transfer != st.Net {
		t.Errorf("statement net %d, slip net %d, transfer %d", st.Net, st.Slip.Net, st.Transfer)
	}

	// Bank file: the documented header, the employee's account and the same amount.
	bank := e.must(azReq{method: "GET", path: path + "/bank.csv", role: rHRRegion}, 200)
	recs, err := csv.NewReader(bytes.NewReader(bank.body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(recs[0], ",") != strings.Join(payroll.BankCSVHeader, ",") {
		t.Errorf("bank header %v", recs[0])
	}
	found := false
	for _, r := range recs[1:] {
		if r[0] == azPegawai {
			found = r[3] == "0012345678" && r[4] == jsonNumber(float64(st.Transfer))
		}
	}
	if !found || len(recs) != 8 {
		t.Errorf("bank file (%d rows) misses the employee's transfer of %d: %v", len(recs)-1, st.Transfer, recs)
	}

	// Recap: one sheet per OPD (unit); the employee's row has the transfer.
	recap := e.must(azReq{method: "GET", path: path + "/recap.xlsx", role: rHRRegion}, 200)
	x, err := excelize.OpenReader(bytes.NewReader(recap.body))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	if sheets := x.GetSheetList(); len(sheets) != 1 || sheets[0] != "Dinas X (1)" {
		t.Errorf("recap sheets %v, want one for the OPD Dinas X (bidang-a is inside it)", sheets)
	}
	found = false
	for _, sh := range x.GetSheetList() {
		rows, _ := x.GetRows(sh)
		for _, r := range rows {
			if len(r) > 6 && r[0] == azPegawai {
				found = r[6] == jsonNumber(float64(st.Transfer))
			}
		}
	}
	if !found {
		t.Error("recap misses the employee's transfer")
	}

	pdf := e.must(azReq{method: "GET", path: "/api/me/pay/slip.pdf?month=2026-03", role: rPegawai}, 200)
	if !bytes.HasPrefix(pdf.body, []byte("%PDF-")) || pdf.header.Get("Content-Type") != "application/pdf" || len(pdf.body) < 1000 {
		t.Errorf("slip: %q… (%d bytes)", pdf.body[:min(len(pdf.body), 20)], len(pdf.body))
	}
	// The penilai (the pegawai's superior) reads the same statement; a stranger gets 404.
	same := e.must(azReq{method: "GET", path: "/api/payroll/employees/" + azPegawai + "/pay?month=2026-03", role: rPenilai}, 200)
	if !bytes.Equal(same.body, stRes.body) {
		t.Error("the superior's view differs from the employee's")
	}
	e.must(azReq{method: "GET", path: "/api/payroll/employees/" + azPegawai + "/pay?month=2026-03", role: rStranger}, http.StatusNotFound)
}

// Runs through the API for disjoint scopes at once, an overlapping one refused; a run with an
// employee it could not compute is approved only after HR excludes them with a reason.
func TestPayrollRunScopesAndExclusionsThroughTheAPI(t *testing.T) {
	e := newAzServer(t, testenv.TemporalClient(t))
	ctx := context.Background()
	// Manado's rule has no long-leave rules: the pegawai's recorded long leave cannot be paid.
	p := pay.Manado()
	p.ID, p.EffectiveFrom = "manado-2026", pay.MonthOf(2026, 1)
	e.must(azReq{method: "POST", path: "/api/payroll/policies", role: rHRRegion, body: p}, 201)
	if _, err := e.pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-03-01', '2026-03-01', 'cuti', 1)`, azPegawai); err != nil {
		t.Fatal(err)
	}
	run := e.must(azReq{method: "POST", path: "/api/payroll/runs", role: rHRScoped, body: map[string]any{"month": "2026-03", "scope_unit_id": "dinas-x"}}, 202).json(t)
	// bidang-a is inside dinas-x: refused, naming the open run; dinas-y is beside it: allowed.
	res := e.must(azReq{method: "POST", path: "/api/payroll/runs", role: rHRScoped, body: map[string]any{"month": "2026-03", "scope_unit_id": "bidang-a"}}, 409)
	if msg := string(res.body); !strings.Contains(msg, "#"+jsonNumber(run["id"])) || !strings.Contains(msg, "Dinas X") || !strings.Contains(msg, "beririsan") {
		t.Errorf("an overlapping run: %s", msg)
	}
	e.must(azReq{method: "POST", path: "/api/payroll/runs", role: rHROther, body: map[string]any{"month": "2026-03", "scope_unit_id": "dinas-y"}}, 202)

	path := "/api/payroll/runs/" + jsonNumber(run["id"])
	got := e.awaitApproval(t, path)
	if errs, _ := got["errors"].([]any); got["state"] != payroll.StateAwaitingApproval || len(errs) != 1 {
		t.Fatalf("run: %v", got)
	}
	res = e.must(azReq{method: "POST", path: path + "/approve", role: rHRScoped}, 409)
	var refusal struct {
		Error struct {
			Message string            `json:"message"`
			Fields  map[string]string `json:"fields"`
		} `json:"error"`
	}
	if err := json.Unmarshal(res.body, &refusal); err != nil || !strings.Contains(refusal.Error.Fields[azPegawai], "2026-03") ||
		!strings.Contains(refusal.Error.Message, "belum dapat disetujui") {
		t.Errorf("approval with a failed employee: %s", res.body)
	}
	res = e.must(azReq{method: "POST", path: path + "/exclusions", role: rHRScoped, body: map[string]any{"nip": azPegawai, "reason": ""}}, 422)
	if !strings.Contains(string(res.body), `"field":"reason"`) {
		t.Errorf("an exclusion without a reason: %s", res.body)
	}
	ex := e.must(azReq{method: "POST", path: path + "/exclusions", role: rHRScoped,
		body: map[string]any{"nip": azPegawai, "reason": "cuti panjang menunggu aturan daerah"}}, 200).json(t)
	if xs, _ := ex["exclusions"].([]any); len(xs) != 1 || xs[0].(map[string]any)["excluded_by"] != azHRScoped {
		t.Errorf("exclusions: %v", ex["exclusions"])
	}
	if st := e.must(azReq{method: "POST", path: path + "/approve", role: rHRScoped}, 200).json(t)["state"]; st != payroll.StateApproved {
		t.Errorf("approval after the exclusion: %v", st)
	}
}

// awaitApproval polls the run at path until it awaits approval (or a minute passed) and
// answers it as it then stands.
func (e *azEnv) awaitApproval(t *testing.T, path string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		got := e.must(azReq{method: "GET", path: path, role: rHRScoped}, 200).json(t)
		if got["state"] == payroll.StateAwaitingApproval || time.Now().After(deadline) {
			return got
		}
		time.Sleep(100 * time.Millisecond)
	}
}
