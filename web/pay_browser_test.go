package web_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// payWorld gives startWorld's organisation what March 2026's TPP needs: Manado's rule in force,
// the employee's March predikat, attendance with a late day and an unexcused absence, and a bank
// account. The head's long leave, which Manado's rule cannot pay, makes one employee fail.
func payWorld(t testing.TB, e *browserEnv) {
	t.Helper()
	ctx := context.Background()
	st := &store.Store{Pool: e.p.Pool}
	p := pay.Manado()
	p.ID, p.EffectiveFrom = "manado-2026", pay.MonthOf(2026, 1)
	if err := st.AddPolicy(ctx, p, nipHR, time.Now()); err != nil {
		t.Fatal(err)
	}
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	if err := st.SetPeriodResult(ctx, store.PeriodResult{CycleID: e.cycle, NIP: nipEmployee, PeriodStart: march,
		PeriodEnd: march.AddDate(0, 1, -1), Predikat: "baik", DecidedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportAttendance(ctx, []store.AttendanceRow{{NIP: nipEmployee, Day: "2026-03-10", Kind: "present", LateMinutes: 45},
		{NIP: nipEmployee, Day: "2026-03-11", Kind: "absent_unexcused"}}, nipHR, time.Now()); err != nil {
		t.Fatal(err)
	}
	for _, nip := range []string{nipEmployee, nipPenilai, nipHR, testenv.NIPHead} {
		if err := st.SetPayProfile(ctx, store.PayProfile{NIP: nip, Salary: 4_000_000, PTKP: "K/1", BankName: "Bank SulutGo",
			BankAccount: "00" + nip[len(nip)-8:]}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.p.Pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-03-01', '2026-03-01', 'cuti', 1)`,
		testenv.NIPHead); err != nil {
		t.Fatal(err)
	}
}

// startRunInBrowser fills the form on the runs page and waits on the run's page (it reloads
// itself while computing) until the run awaits approval; it answers the run's id.
func (e *browserEnv) startRunInBrowser(month string) int64 {
	e.t.Helper()
	e.run("start a run", chromedp.Navigate(e.base+"/penggajian"), chromedp.WaitVisible("#mulai-penggajian", chromedp.ByID),
		chromedp.SetValue("#month", month, chromedp.ByID), chromedp.SetValue("#scope_unit_id", "diskominfo", chromedp.ByID),
		chromedp.Click("#mulai-penggajian", chromedp.ByID), status("Penggajian TPP telah dimulai"))
	e.run("wait for the computation", chromedp.WaitVisible(`//dd[@id="keadaan"][@data-keadaan="awaiting_approval"]`))
	var id int64
	e.row(`SELECT max(id) FROM payroll_runs`, &id)
	return id
}

// TestPayInTheBrowser drives the payroll pages on the real platform: HR starts a run (a refused
// form first: the error next to the month, the scope kept), watches it compute, reads the
// employee it could not compute and why, cancels; fixes the data, runs again, approves, and
// downloads the bank file, whose rows are the run's pay_lines. The employee then opens "Dari
// kinerja ke TPP" and reads the month as the ledger holds it, and downloads the PDF slip.
func TestPayInTheBrowser(t *testing.T) {
	e := startWorld(t)
	payWorld(t, e)
	e.openBrowser()
	ctx := context.Background()
	downloads := t.TempDir()
	e.run("downloads", browser.SetDownloadBehavior(browser.SetDownloadBehaviorBehaviorAllow).WithDownloadPath(downloads))
	e.login(nipHR)

	// The policy page reads the rule in words: every cut, base and mode by its label, caps as rupiah.
	policy := pay.Manado()
	e.run("policies", chromedp.Navigate(e.base+"/penggajian/kebijakan"), chromedp.WaitVisible("#versi-manado-2026", chromedp.ByID))
	page := e.text("#versi-manado-2026")
	wantPolicy := []string{"paling banyak " + pay.Rupiah(policy.IWP.Cap), "paling banyak " + pay.Rupiah(policy.BPJS.Cap),
		pay.Percent(policy.IWP.RateBP) + " dari " + policy.IWP.Base.Label(), policy.Plt.Label(), policy.AccrualLabel()}
	rawCodes := []string{string(policy.Plt.Mode), string(policy.IWP.Base)}
	for _, c := range policy.Cuts {
		wantPolicy = append(wantPolicy, c.Label()+": "+pay.Percent(c.BP)+" dari "+c.Base.Label())
		rawCodes = append(rawCodes, string(c.Event))
	}
	for _, w := range wantPolicy {
		if !strings.Contains(page, w) {
			t.Errorf("policy page lacks %q:\n%s", w, page)
		}
	}
	for _, r := range rawCodes {
		if strings.Contains(page, r) {
			t.Errorf("policy page shows the code %q raw:\n%s", r, page)
		}
	}
	if m := regexp.MustCompile(`Rp\d`).FindString(page); m != "" {
		t.Errorf("policy page writes an amount without thousand dots: %q", m)
	}
	e.shot("kebijakan-tpp")

	// Attendance: a file with a bad row is refused whole, naming the line and column; then the
	// corrected file is imported.
	var before int
	e.row(`SELECT count(*) FROM attendance_days`, &before)
	upload := filepath.Join(t.TempDir(), "kehadiran.csv")
	write := func(kind string) {
		if err := os.WriteFile(upload, []byte("nip,tanggal,jenis,terlambat_menit,pulang_cepat_menit,jenis_cuti,tidak_apel\n"+
			nipPenilai+",2026-03-12,hadir,10,,,\n"+nipPenilai+",2026-03-13,"+kind+",,,,\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("bolos")
	e.run("attendance page", chromedp.Navigate(e.base+"/penggajian"), chromedp.Click("#impor-kehadiran", chromedp.ByID),
		chromedp.WaitVisible("#file", chromedp.ByID), chromedp.SetUploadFiles("#file", []string{upload}, chromedp.ByID),
		chromedp.Click("#unggah-kehadiran", chromedp.ByID), chromedp.WaitVisible("#galat-baris", chromedp.ByID))
	if got := e.text("#galat-baris tbody"); !strings.Contains(got, "3") || !strings.Contains(got, "jenis") || !strings.Contains(got, "bolos") {
		t.Errorf("row errors: %q, want line 3, column jenis", got)
	}
	var after int
	e.row(`SELECT count(*) FROM attendance_days`, &after)
	if after != before {
		t.Errorf("a refused file wrote %d days", after-before)
	}
	e.shot("kehadiran-galat")
	write("izin")
	e.run("good file", chromedp.SetUploadFiles("#file", []string{upload}, chromedp.ByID),
		chromedp.Click("#unggah-kehadiran", chromedp.ByID), status("Data kehadiran telah diimpor"))
	e.row(`SELECT count(*) FROM attendance_days WHERE nip = '`+nipPenilai+`'`, &after)
	if after != 2 || e.text("#jumlah-diimpor") != "2 hari kehadiran tercatat." {
		t.Errorf("after the import: %d days stored, page says %q", after, e.text("#jumlah-diimpor"))
	}

	// No month: refused next to the field, the scope as chosen, nothing stored.
	e.run("runs page", chromedp.Click(`nav a[href="/penggajian"]`, chromedp.ByQuery), chromedp.WaitVisible("#tanpa-penggajian", chromedp.ByID))
	e.run("refused form", chromedp.SetValue("#month", "", chromedp.ByID), chromedp.SetValue("#scope_unit_id", "diskominfo", chromedp.ByID),
		chromedp.Click("#mulai-penggajian", chromedp.ByID), chromedp.WaitVisible("#month-galat", chromedp.ByID))
	if got := e.text("#month-galat"); !strings.Contains(got, "bulan wajib diisi") {
		t.Errorf("error next to the month: %q", got)
	}
	var scope string
	e.run("scope kept", chromedp.Value("#scope_unit_id", &scope, chromedp.ByID))
	var n int
	e.row(`SELECT count(*) FROM payroll_runs`, &n)
	if scope != "diskominfo" || n != 0 {
		t.Errorf("after the refusal: scope %q, %d runs stored (want diskominfo kept, none stored)", scope, n)
	}
	e.shot("penggajian-galat")

	// The first run cannot compute the head's March: the page names them and why.
	first := e.startRunInBrowser("2026-03")
	if got := e.text("#galat-pegawai tbody"); !strings.Contains(got, testenv.NIPHead) || !strings.Contains(got, "leave") {
		t.Errorf("employees the run could not compute: %q, want the head and the leave", got)
	}
	var done, total int
	e.row(fmt.Sprintf(`SELECT (SELECT sum(employees) FROM payroll_run_pages WHERE run_id = %d), employees_total FROM payroll_runs WHERE id = %d`, first, first), &done, &total)
	if e.text("#dihitung") != strconv.Itoa(done) || e.text("#jumlah-pegawai") != strconv.Itoa(total) {
		t.Errorf("progress shows %s of %s, the database %d of %d", e.text("#dihitung"), e.text("#jumlah-pegawai"), done, total)
	}
	e.shot("penggajian-galat-pegawai")
	// It cannot be approved while the head is neither paid nor excluded; an exclusion needs a reason.
	e.run("approve refused", chromedp.Click("#setujui", chromedp.ByID), chromedp.WaitVisible("#penolakan", chromedp.ByID))
	if got := e.text("#penolakan"); !strings.Contains(got, testenv.NIPHead) {
		t.Errorf("refused approval says %q, want the head's NIP", got)
	}
	reason := "#alasan-" + testenv.NIPHead
	e.run("exclusion without a reason", chromedp.SendKeys(reason, "cuti", chromedp.ByQuery),
		chromedp.Click("#kecualikan-"+testenv.NIPHead, chromedp.ByID), chromedp.WaitVisible(reason+"-salah", chromedp.ByQuery))
	var typed string
	e.run("reason kept", chromedp.Value(reason, &typed, chromedp.ByQuery))
	if got := e.text(reason + "-salah"); !strings.Contains(got, "paling sedikit 5 huruf") || typed != "cuti" {
		t.Errorf("exclusion refused with %q, reason kept %q", got, typed)
	}
	var runState string
	var exclusions int
	e.row(fmt.Sprintf(`SELECT state, (SELECT count(*) FROM payroll_run_exclusions) FROM payroll_runs WHERE id = %d`, first), &runState, &exclusions)
	if runState != "awaiting_approval" || exclusions != 0 {
		t.Errorf("after the refusals: run %s, %d exclusions", runState, exclusions)
	}
	e.shot("penggajian-pengecualian-ditolak")
	e.run("cancel", chromedp.Click("#batalkan", chromedp.ByID), status("telah dibatalkan"))
	var state string
	e.row(fmt.Sprintf(`SELECT state FROM payroll_runs WHERE id = %d`, first), &state)
	if state != "cancelled" {
		t.Fatalf("cancelled run is %s", state)
	}

	// Fixed, run again and approved.
	if _, err := e.p.Pool.Exec(ctx, `DELETE FROM pay_leaves`); err != nil {
		t.Fatal(err)
	}
	run := e.startRunInBrowser("2026-03")
	e.run("no errors", chromedp.WaitVisible("#tanpa-galat", chromedp.ByID))
	e.run("approve", chromedp.Click("#setujui", chromedp.ByID), status("telah disetujui"))
	e.row(fmt.Sprintf(`SELECT state FROM payroll_runs WHERE id = %d`, run), &state)
	if state != "approved" {
		t.Fatalf("approved run is %s", state)
	}
	e.shot("penggajian-disetujui")

	// The bank file: one row per employee paid more than zero, the sum of their lines.
	want := map[string]int64{}
	rows, err := e.p.Pool.Query(ctx, `SELECT nip, sum(amount) FROM pay_lines WHERE run_id = $1 AND kind <> 'bpjs' GROUP BY nip HAVING sum(amount) > 0`, run)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var nip string
		var sum int64
		if err := rows.Scan(&nip, &sum); err != nil {
			t.Fatal(err)
		}
		want[nip] = sum
	}
	if rows.Err() != nil || len(want) == 0 {
		t.Fatalf("pay lines of the run: %v (%v)", want, rows.Err())
	}
	e.run("download the bank file", chromedp.Click("#unduh-bank", chromedp.ByID))
	file := waitFile(t, downloads, ".csv")
	recs, err := csv.NewReader(strings.NewReader(file)).ReadAll()
	if err != nil || len(recs) < 1 || strings.Join(recs[0], ",") != "nip,nama,nama_bank,nomor_rekening,jumlah,bulan,id_penggajian,keterangan" {
		t.Fatalf("bank file: %v %q", err, file)
	}
	got := map[string]int64{}
	for _, r := range recs[1:] {
		amount, err := strconv.ParseInt(r[4], 10, 64)
		if err != nil || r[5] != "2026-03" || r[6] != strconv.FormatInt(run, 10) || r[2] != "Bank SulutGo" {
			t.Errorf("bank row %v", r)
		}
		got[r[0]] = amount
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("bank file pays %v, the run's pay_lines %v", got, want)
	}
	// The list of runs shows both, the approved one with its total.
	e.run("runs", chromedp.Navigate(e.base+"/penggajian"), chromedp.WaitVisible("#daftar-penggajian", chromedp.ByID))
	var sum int64
	for _, v := range want {
		sum += v
	}
	if list := e.text("#daftar-penggajian tbody"); !strings.Contains(list, "disetujui") || !strings.Contains(list, "dibatalkan") ||
		!strings.Contains(list, pay.Rupiah(sum)) {
		t.Errorf("list of runs: %q, want both runs and the total %s", list, pay.Rupiah(sum))
	}
	// Its gross and deductions are its lines' sums (stored with the run, not summed by the list).
	var gross, deductions int64
	e.row(fmt.Sprintf(`SELECT coalesce(sum(amount) FILTER (WHERE kind IN ('tpp', 'annual_reward', 'annual_cut', 'pph21_allowance')), 0),
		-coalesce(sum(amount) FILTER (WHERE kind IN ('pph21', 'iwp')), 0) FROM pay_lines WHERE run_id = %d`, run), &gross, &deductions)
	row := fmt.Sprintf(`tr[data-penggajian="%d"] `, run)
	if g, d := e.text(row+".bruto"), e.text(row+".potongan"); gross == 0 || g != pay.Rupiah(gross) || d != pay.Rupiah(-deductions) {
		t.Errorf("approved run listed with gross %q and deductions %q, its lines %s and %s", g, d, pay.Rupiah(gross), pay.Rupiah(-deductions))
	}
	e.shot("penggajian-daftar")
	e.logout()

	// The employee's March, from the ledger.
	e.login(nipEmployee)
	e.run("statement", chromedp.Click(`nav a[href="/tpp"]`, chromedp.ByQuery), chromedp.WaitVisible("#ringkasan", chromedp.ByID))
	var raw []byte
	var net int64
	// Only approved runs' lines are paid (the cancelled run's stay in the table).
	const paid = `FROM pay_lines l JOIN payroll_runs r ON r.id = l.run_id AND r.state = 'approved' WHERE l.nip = '` + nipEmployee + `' AND l.period = '2026-03-01'`
	e.row(`SELECT l.detail, (SELECT sum(l.amount) `+paid+` AND l.kind <> 'bpjs') `+paid+` AND l.kind = 'tpp'`, &raw, &net)
	var detail struct {
		Slip  pay.Slip  `json:"slip"`
		Input pay.Input `json:"input"`
	}
	if err := json.Unmarshal(raw, &detail); err != nil {
		t.Fatal(err)
	}
	for sel, want := range map[string]string{"#judul-bulan": "TPP Maret 2026", "#bruto": pay.Rupiah(detail.Slip.Gross),
		"#potongan": pay.Rupiah(-detail.Slip.Deductions), "#bersih": pay.Rupiah(detail.Slip.Net), "#predikat": "Baik",
		"#kebijakan": "manado-2026", "#ditransfer": pay.Rupiah(net)} {
		if got := e.text(sel); got != want {
			t.Errorf("statement %s shows %q, the ledger holds %q", sel, got, want)
		}
	}
	if detail.Slip.Net != net {
		t.Errorf("slip net %d, lines %d", detail.Slip.Net, net)
	}
	// Every attendance cut, on its day, with its amount.
	var cuts []string
	e.run("cuts", chromedp.Evaluate(`[...document.querySelectorAll('tr[data-kode="cut"]')].map(r => r.innerText.replace(/\s+/g, " "))`, &cuts))
	var wantCuts []string
	for _, l := range detail.Slip.Lines {
		if l.Code == "cut" {
			wantCuts = append(wantCuts, fmt.Sprintf("%d Maret 2026|%s", l.Day, pay.Rupiah(l.Amount)))
		}
	}
	if len(cuts) != len(wantCuts) || len(cuts) != 2 {
		t.Fatalf("cut rows %q, the slip has %q (want the late day and the absence)", cuts, wantCuts)
	}
	for i, w := range wantCuts {
		day, amount, _ := strings.Cut(w, "|")
		if !strings.Contains(cuts[i], day) || !strings.Contains(cuts[i], amount) {
			t.Errorf("cut row %q, want day %s and %s", cuts[i], day, amount)
		}
	}
	// Every line of the ledger, by id, with its amount.
	var ledger []string
	e.run("ledger", chromedp.Evaluate(`[...document.querySelectorAll('#riwayat tr[data-baris]')].map(r => r.dataset.baris + "=" + r.lastElementChild.innerText.trim())`, &ledger))
	var wantLedger []string
	lrows, err := e.p.Pool.Query(ctx, `SELECT l.id, l.amount `+paid+` ORDER BY l.id`)
	if err != nil {
		t.Fatal(err)
	}
	for lrows.Next() {
		var id, amount int64
		if err := lrows.Scan(&id, &amount); err != nil {
			t.Fatal(err)
		}
		wantLedger = append(wantLedger, fmt.Sprintf("%d=%s", id, pay.Rupiah(amount)))
	}
	if strings.Join(ledger, ";") != strings.Join(wantLedger, ";") {
		t.Errorf("ledger on the page %q, pay_lines %q", ledger, wantLedger)
	}
	// Every amount on the page reads as pay.Rupiah writes it, the IWP cap in its line included.
	if m := regexp.MustCompile(`Rp\d`).FindString(e.text("main")); m != "" {
		t.Errorf("statement writes an amount without thousand dots: %q", m)
	}
	if got := e.text(`tr[data-kode="iwp"]`); !strings.Contains(got, "paling banyak "+pay.Rupiah(pay.Manado().IWP.Cap)) {
		t.Errorf("IWP row %q, want its cap %s", got, pay.Rupiah(pay.Manado().IWP.Cap))
	}
	e.shot("tpp-saya")
	e.run("slip", chromedp.Click("#unduh-slip", chromedp.ByID))
	if pdf := waitFile(t, downloads, ".pdf"); !strings.HasPrefix(pdf, "%PDF") {
		t.Errorf("slip is not a PDF: %.20q", pdf)
	}
}

// waitFile waits for the browser to finish a download ending in ext and answers its content.
func waitFile(t *testing.T, dir, ext string) string {
	t.Helper()
	for range 300 {
		names, _ := filepath.Glob(filepath.Join(dir, "*"+ext))
		if len(names) == 1 {
			b, err := os.ReadFile(names[0])
			if err == nil && len(b) > 0 {
				return string(b)
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("no %s file downloaded into %s", ext, dir)
	return ""
}
