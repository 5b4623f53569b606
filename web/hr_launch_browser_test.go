package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// NIPs of the employees the import adds (Badan Pendapatan Daerah).
const (
	nipKaban  = "198501012010011001"
	nipLina   = "199001012015011002"
	nipJoko   = "199101012015011003"
	nipAbsent = "199999999999999999" // nobody
)

// orgFile is an organisation CSV: a new unit with its head and two staff, and the employee of
// startWorld moved under the new head (so that the running year's penilai differs).
func orgFile(jokoSuperior string) string {
	return "NIP,NAMA,EMAIL,STATUS,UNOR_ID,UNOR_NAMA,UNOR_INDUK_ID,JABATAN_ID,JABATAN_NAMA,JENIS_JABATAN,KELAS_JABATAN,NIP_ATASAN,TPP_BASIC\n" +
		nipKaban + ",Agus Salim,agus@contoh.go.id,PNS,bapenda,Badan Pendapatan Daerah,,kaban,Kepala Badan,jpt,14," + testenv.NIPHead + ",15000000\n" +
		nipLina + ",Lina Marlina,lina@contoh.go.id,PNS,bapenda,,,analis,Analis Pendapatan Daerah,fungsional,8," + nipKaban + ",5.000.000\n" +
		nipJoko + ",Joko Susilo,joko@contoh.go.id,PPPK,bapenda,,,analis,,,," + jokoSuperior + ",\n" +
		nipEmployee + ",Budi Santoso," + nipEmployee + "@contoh.go.id,PNS,diskominfo,,,pranata,,,," + nipKaban + ",\n"
}

// TestHRImportsLaunchesAndWatches drives headless Chromium through HR's import, launch and batch
// pages on the real platform: a file with a bad row is checked (the row, column and reason shown,
// nothing written), the fixed file is checked and applied without a second upload, the running
// year whose penilai changed is reassigned through its batch, a cycle is created on the page and
// launched for the whole region, and the batch page's live bar reaches the total with the counts
// the database holds; finally a batch is paused, resumed and cancelled with its buttons.
func TestHRImportsLaunchesAndWatches(t *testing.T) {
	e := startWorld(t)
	e.openBrowser()
	ctx := context.Background()
	e.login(nipHR)
	dir := t.TempDir()
	write := func(name, body string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	count := func(sql string) int {
		var n int
		e.row(sql, &n)
		return n
	}
	employeesBefore := count(`SELECT count(*) FROM employees`)

	// A file whose third employee names a superior nobody knows.
	e.run("import page", chromedp.Click(`nav a[href="/organisasi/impor"]`, chromedp.ByQuery), chromedp.WaitVisible("#periksa", chromedp.ByID))
	e.run("check without a file", chromedp.Click("#periksa", chromedp.ByID), chromedp.WaitVisible("#file-galat", chromedp.ByID))
	if got := e.text("#file-galat"); got != "pilih berkas CSV atau XLSX" {
		t.Errorf("no file: %q", got)
	}
	e.run("check the bad file", chromedp.SetUploadFiles("#file", []string{write("organisasi.csv", orgFile(nipAbsent))}, chromedp.ByID),
		chromedp.Click("#periksa", chromedp.ByID), chromedp.WaitVisible("#masalah", chromedp.ByID))
	if got := e.text("#masalah tbody tr"); !strings.Contains(got, "4") || !strings.Contains(got, "NIP_ATASAN") ||
		!strings.Contains(got, "atasan "+nipAbsent+" tidak ditemukan") {
		t.Errorf("the bad row reads %q; want row 4, column NIP_ATASAN and the reason", got)
	}
	var rowNo, column string
	e.run("read the row", chromedp.Text("#masalah tbody td:nth-child(1)", &rowNo, chromedp.ByQuery),
		chromedp.Text("#masalah tbody td:nth-child(2)", &column, chromedp.ByQuery))
	if rowNo != "4" || column != "NIP_ATASAN" || e.text("#jumlah-masalah") != "1" {
		t.Errorf("bad row %q column %q, %q problems; want row 4, NIP_ATASAN, 1", rowNo, column, e.text("#jumlah-masalah"))
	}
	var applyOffered bool
	e.run("no apply", chromedp.Evaluate(`document.getElementById("terapkan") !== null`, &applyOffered))
	if n := count(`SELECT count(*) FROM employees`); n != employeesBefore || applyOffered ||
		count(`SELECT count(*) FROM org_units WHERE id = 'bapenda'`) != 0 {
		t.Errorf("after a check with a bad row: %d employees (had %d), apply offered %v", n, employeesBefore, applyOffered)
	}
	e.shot("impor-galat")

	// The fixed file: the dry run's counts, then "Terapkan" saves exactly that file.
	e.run("check the fixed file", chromedp.SetUploadFiles("#file", []string{write("organisasi.csv", orgFile(nipKaban))}, chromedp.ByID),
		chromedp.Click("#periksa", chromedp.ByID), chromedp.WaitVisible("#terapkan", chromedp.ByID))
	if e.text("#pegawai-ditambah") != "3" || e.text("#pegawai-diubah") != "1" || e.text("#unit-ditambah") != "1" ||
		e.text("#jumlah-berbeda") != "1" || count(`SELECT count(*) FROM employees`) != employeesBefore {
		t.Errorf("dry run: added %q changed %q units %q differ %q; nothing may be written yet", e.text("#pegawai-ditambah"),
			e.text("#pegawai-diubah"), e.text("#unit-ditambah"), e.text("#jumlah-berbeda"))
	}
	e.shot("impor-periksa")
	var token string
	e.run("read the token", chromedp.Value(`input[name="token"]`, &token, chromedp.ByQuery))
	e.run("apply", chromedp.Click("#terapkan", chromedp.ByID), chromedp.WaitVisible("#hasil-terapkan", chromedp.ByID))
	var lina, linaSup string
	var linaTPP int64
	e.row(`SELECT e.name, e.superior_nip, p.tpp_basic FROM employees e JOIN positions p ON p.id = e.position_id WHERE e.nip = '`+nipLina+`'`,
		&lina, &linaSup, &linaTPP)
	if lina != "Lina Marlina" || linaSup != nipKaban || linaTPP != 5_000_000 ||
		count(`SELECT count(*) FROM employees`) != employeesBefore+3 || e.text("#pegawai-ditambah") != "3" {
		t.Errorf("after apply: %q under %q with TPP %d; %d employees, page says %q added", lina, linaSup, linaTPP,
			count(`SELECT count(*) FROM employees`), e.text("#pegawai-ditambah"))
	}
	var budiSup string
	e.row(`SELECT superior_nip FROM employees WHERE nip = '`+nipEmployee+`'`, &budiSup)
	if budiSup != nipKaban {
		t.Errorf("Budi's superior after apply: %q", budiSup)
	}
	var differ string
	var linked bool
	e.run("the link to the years that differ", chromedp.AttributeValue(`#atasan-berbeda a`, "href", &differ, &linked, chromedp.ByQuery))
	if want := fmt.Sprintf("/siklus/%d/atasan-berubah", e.cycle); differ != want {
		t.Errorf("link to the running years that differ: %q, want %q", differ, want)
	}
	e.shot("impor-diterapkan")

	// The token is spent: sending the same apply form again saves nothing twice.
	var resent bool
	e.run("apply again", chromedp.Evaluate(`(function () {
		var f = document.createElement("form");
		f.method = "post"; f.action = "/organisasi/impor/terapkan";
		[["csrf_token", document.querySelector("input[name=csrf_token]").value], ["token", "`+token+`"]].forEach(function (kv) {
			var i = document.createElement("input"); i.type = "hidden"; i.name = kv[0]; i.value = kv[1]; f.appendChild(i);
		});
		document.body.appendChild(f); f.submit(); return true;
	})()`, &resent), chromedp.WaitVisible("#token-galat", chromedp.ByID))
	if got := e.text("#token-galat"); !strings.Contains(got, "unggah dan periksa ulang") || count(`SELECT count(*) FROM employees`) != employeesBefore+3 {
		t.Errorf("a spent token: %q", got)
	}

	// The running year whose penilai differs now: listed, then reassigned through a batch.
	e.run("supervisors differ", chromedp.Navigate(e.base+differ), chromedp.WaitVisible("#perbarui", chromedp.ByID))
	if e.text("#jumlah-berubah") != "1" || !strings.Contains(e.text("#berubah tbody"), "Agus Salim ("+nipKaban+")") {
		t.Errorf("supervisor changes: %q, %q", e.text("#jumlah-berubah"), e.text("#berubah tbody"))
	}
	e.shot("atasan-berubah")
	e.run("reassign", chromedp.Click("#perbarui", chromedp.ByID), chromedp.WaitVisible(`//dd[@id="keadaan"][text()="selesai"]`))
	var penilai string
	e.row(fmt.Sprintf(`SELECT penilai_nip FROM employee_cycles WHERE cycle_id = %d AND nip = '%s'`, e.cycle, nipEmployee), &penilai)
	if penilai != nipKaban || e.text("#jumlah-selesai") != "1" {
		t.Errorf("reassigned: penilai %q, page done %q", penilai, e.text("#jumlah-selesai"))
	}

	// A cycle created on the page, launched for the whole region.
	const name = "Penilaian Kinerja 2027 Peluncuran"
	e.run("new cycle", chromedp.Navigate(e.base+"/siklus/baru"), chromedp.WaitVisible("#simpan-siklus", chromedp.ByID))
	fill := []chromedp.Action{chromedp.Clear("#year", chromedp.ByID), chromedp.SendKeys("#year", "2027", chromedp.ByID),
		chromedp.SendKeys("#name", name, chromedp.ByID)}
	for n, v := range map[string]string{"plan_due": "2027-01-31T23:59", "monitoring_start": "2027-02-01T00:00",
		"monitoring_due": "2027-07-15T23:59", "evaluation_start": "2027-12-01T00:00", "evaluation_due": "2028-01-15T23:59",
		"dialog_due": "2028-01-31T23:59", "followup_due": "2028-02-28T23:59"} {
		fill = append(fill, chromedp.SetValue(byID("deadlines."+n), v, chromedp.ByQuery))
	}
	e.run("create it", append(fill, chromedp.Click("#simpan-siklus", chromedp.ByID), status("Siklus telah dibuat"))...)
	var cycle int64
	e.row(`SELECT id FROM cycles WHERE name = '`+name+`'`, &cycle)
	var scopes int
	e.run("launch form", chromedp.Evaluate(`document.querySelectorAll("#luncur-unit option").length`, &scopes))
	if want := count(`SELECT count(*) FROM org_units`) + 1; scopes != want {
		t.Errorf("launch form offers %d scopes, want every unit and the whole region (%d)", scopes, want)
	}
	e.shot("siklus-luncurkan")
	e.run("launch", chromedp.SetValue("#luncur-unit", "", chromedp.ByID), chromedp.Click("#luncurkan", chromedp.ByID),
		status("Peluncuran siklus telah dimulai"))
	var batchID int64
	e.row(fmt.Sprintf(`SELECT id FROM batches WHERE cycle_id = %d AND kind = 'launch'`, cycle), &batchID)
	e.shot("proses-berjalan")
	// The page's script polls GET /api/batches/:id until the batch ends, then shows it finished.
	e.run("watch it finish", chromedp.WaitVisible(`//dd[@id="keadaan"][text()="selesai"]`))
	// The script names states with the page's words: those the server decides (hrinput.BatchStateNames).
	var states map[string]string
	e.run("the states the script names", chromedp.Evaluate(`JSON.parse(document.getElementById("proses").dataset.states)`, &states))
	if !maps.Equal(states, hrinput.BatchStateNames) {
		t.Errorf("the page gives the script the states %v, want %v", states, hrinput.BatchStateNames)
	}
	var total, done, skipped, failed int
	e.row(fmt.Sprintf(`SELECT count(*), count(*) FILTER (WHERE status = 'done'), count(*) FILTER (WHERE status = 'skipped'),
		count(*) FILTER (WHERE status = 'failed') FROM batch_items WHERE batch_id = %d`, batchID), &total, &done, &skipped, &failed)
	enrolled := count(fmt.Sprintf(`SELECT count(*) FROM employee_cycles WHERE cycle_id = %d`, cycle))
	var barValue, barMax float64
	e.run("read the bar", chromedp.Evaluate(`document.getElementById("bilah").value`, &barValue),
		chromedp.Evaluate(`document.getElementById("bilah").max`, &barMax))
	page := func(id string) int {
		n, err := strconv.Atoi(e.text(id))
		if err != nil {
			t.Errorf("%s: %v", id, err)
		}
		return n
	}
	if total == 0 || page("#jumlah-total") != total || page("#jumlah-selesai") != done || page("#jumlah-dilewati") != skipped ||
		page("#jumlah-gagal") != failed || page("#jumlah-menunggu") != 0 || done != enrolled || e.text("#persen") != "100" ||
		int(barValue) != total || int(barMax) != total {
		t.Errorf("page: total %s done %s skipped %s failed %s, bar %v/%v; the database: %d items, %d done, %d skipped, %d failed, %d enrolled",
			e.text("#jumlah-total"), e.text("#jumlah-selesai"), e.text("#jumlah-dilewati"), e.text("#jumlah-gagal"), barValue, barMax,
			total, done, skipped, failed, enrolled)
	}
	// The head of the region has no penilai: skipped with the reason, never failed.
	if want := count(`SELECT count(*) FROM employees`); total != want || count(fmt.Sprintf(
		`SELECT count(*) FROM batch_items WHERE batch_id = %d AND nip = '%s' AND status = 'skipped'`, batchID, testenv.NIPHead)) != 1 {
		t.Errorf("launch of the whole region: %d items for %d employees", total, want)
	}
	if got := e.text("#laju"); !strings.HasSuffix(got, "pegawai per detik") {
		t.Errorf("rate: %q", got)
	}
	e.shot("proses-selesai")

	// Steering with the buttons: a batch without a workflow yet stays where the buttons put it.
	st := &store.Store{Pool: e.p.Pool}
	held, err := st.CreateBatch(ctx, store.NewBatch{CycleID: cycle, Kind: store.BatchReassign, CreatedBy: nipHR,
		WorkflowID: fmt.Sprintf("batch/uji-%d", rand.Int64())})
	if err != nil {
		t.Fatal(err)
	}
	state := func() string {
		var s string
		e.row(fmt.Sprintf(`SELECT state FROM batches WHERE id = %d`, held), &s)
		return s
	}
	e.run("held batch", chromedp.Navigate(fmt.Sprintf("%s/proses/%d", e.base, held)), chromedp.WaitVisible("#jeda", chromedp.ByID))
	e.run("pause", chromedp.Click("#jeda", chromedp.ByID), status("Proses dijeda"))
	if state() != store.BatchPaused || e.text("#keadaan") != "dijeda" {
		t.Errorf("paused: stored %q, page %q", state(), e.text("#keadaan"))
	}
	// While the page is open, an item fails: the script shows it with its reason and the counts.
	const reason = "pembaruan ditolak: tahun pegawai sudah ditutup"
	if err := st.RecordBatchItems(ctx, held, []store.ItemResult{{NIP: nipLina, Status: store.ItemFailed, Message: reason}}); err != nil {
		t.Fatal(err)
	}
	e.run("the failure shows up", chromedp.WaitVisible(`//table[@id="gagal"]//td[contains(., "`+reason+`")]`),
		chromedp.WaitVisible(`//dd[@id="jumlah-gagal"][text()="1"]`))
	if got := e.text("#gagal tbody td"); got != nipLina {
		t.Errorf("failed item NIP %q, want %s", got, nipLina)
	}
	e.shot("proses-dijeda")
	e.run("resume", chromedp.Click("#lanjutkan", chromedp.ByID), status("Proses dilanjutkan"))
	if state() != store.BatchRunning {
		t.Errorf("resumed: stored %q", state())
	}
	e.run("cancel", chromedp.Click("#batalkan", chromedp.ByID), status("Proses dibatalkan"))
	var buttons int
	e.run("no buttons", chromedp.Evaluate(`document.querySelectorAll("#kendali button").length`, &buttons))
	if state() != store.BatchCancelled || e.text("#keadaan") != "dibatalkan" || buttons != 0 {
		t.Errorf("cancelled: stored %q, page %q, %d buttons left", state(), e.text("#keadaan"), buttons)
	}

	// An upload over 50 MiB is refused before it is read, with the reason.
	hc, csrf := e.session(nipHR)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf_token", csrf)
	fw, _ := mw.CreateFormFile("file", "besar.csv")
	_, _ = fw.Write(bytes.Repeat([]byte("x"), 50<<20+1))
	_ = mw.Close()
	res, err := hc.Post(e.base+"/organisasi/impor", mw.FormDataContentType(), &body)
	if err != nil {
		t.Fatal(err)
	}
	answer, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(answer), "berkas melebihi 50 MiB") {
		t.Errorf("a 50 MiB + 1 byte upload: %d %s", res.StatusCode, answer)
	}
	t.Logf("screenshots in %s", e.dir)
}
