package web_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/internal/wib"
)

// session logs nip in over the JSON API: a client with the session cookie, and its CSRF token.
func (e *browserEnv) session(nip string) (*http.Client, string) {
	e.t.Helper()
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	csrf := e.json(hc, "", "POST", "/api/auth/login", map[string]string{"nip": nip, "password": password}, 200)["csrf_token"].(string)
	return hc, csrf
}

// page opens one page of the employee's year in the browser and waits for sel.
func (e *browserEnv) page(suffix, sel string) {
	e.t.Helper()
	e.run("open "+suffix, chromedp.Navigate(fmt.Sprintf("%s/siklus/%d/pegawai/%s%s", e.base, e.cycle, nipEmployee, suffix)),
		chromedp.WaitVisible(sel, chromedp.ByQuery))
}

// TestRatingDialogAppealInTheBrowser drives the second half of a year through the pages on the
// real platform: the employee reports realisasi with bukti dukung (a bad link first), the penilai
// gives feedback, rates with the predikat matrix and the unit's distribution in view, schedules
// and records the dialog; the employee confirms and files a keberatan (too short first) before
// its deadline; the atasan penilai changes the rating. Each step checks the page against what
// PostgreSQL holds, with screenshots at 360 and 1280 px.
func TestRatingDialogAppealInTheBrowser(t *testing.T) {
	e := startWorld(t)
	var n int
	hr, hrCSRF := e.session(nipHR)
	emp, empCSRF := e.session(nipEmployee)
	pen, penCSRF := e.session(nipPenilai)
	act := func(hc *http.Client, csrf, action string, body any) {
		t.Helper()
		e.json(hc, csrf, "POST", fmt.Sprintf("/api/cycles/%d/employees/%s/%s", e.cycle, nipEmployee, action), body, 200)
	}
	move := func(name string) {
		t.Helper()
		// The move is told to the year through a batch: wait until it has.
		b := e.json(hr, hrCSRF, "PUT", fmt.Sprintf("/api/cycles/%d/deadlines/%s", e.cycle, name), map[string]any{"at": time.Now()}, 202)
		e.waitDB(fmt.Sprintf(`SELECT count(*) FROM batches WHERE id = %v AND state = 'finished'`, b["batch_id"]), 1)
	}
	phase := func(p string) {
		t.Helper()
		e.waitDB(`SELECT count(*) FROM employee_cycles WHERE phase = '`+p+`'`, 1)
	}
	// The SKP over the JSON API (its pages are TestSKPInTheBrowser's), then the monitoring opens.
	act(emp, empCSRF, "submit-plan", map[string]any{"plan": map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "superior_rhk": "Meningkatnya kualitas pelayanan publik", "rhk": "Tersedianya layanan aplikasi perizinan daring",
			"aspect": "kuantitas", "iki": "Jumlah modul yang dirilis", "target": "4", "unit": "modul"},
		{"kind": "tambahan", "rhk": "Terlaksananya pendampingan OPD", "aspect": "kualitas", "iki": "Persentase OPD terdampingi",
			"target": "90", "unit": "persen"}},
		"behaviours": []map[string]any{{"value": "akuntabel", "expectation": "Melaporkan progres tiap bulan"}}}})
	act(pen, penCSRF, "approve-plan", nil)
	move("plan_due")
	move("monitoring_start")
	phase("pemantauan")
	e.openBrowser()

	// The employee reports the midyear realisasi: a link that is not a full URL is refused next to
	// its field, with what was typed kept.
	e.login(nipEmployee)
	e.page("/realisasi", "#laporkan")
	const evidence = "https://arsip.contoh.go.id/rilis-2"
	files := t.TempDir()
	text, png := filepath.Join(files, "catatan.txt"), filepath.Join(files, "foto pendampingan.png")
	pngBytes := append([]byte("\x89PNG\r\n\x1a\n"), []byte("isi gambar uji")...)
	if os.WriteFile(text, []byte("bukan gambar"), 0o600) != nil || os.WriteFile(png, pngBytes, 0o600) != nil {
		t.Fatal("test files")
	}
	// A file of another type is refused next to its field, before anything is kept.
	e.run("upload a text file",
		chromedp.SendKeys(`[id="items[1].realisasi"]`, "Pendampingan 5 OPD", chromedp.ByQuery),
		chromedp.SetUploadFiles(`[id="items[1].evidence_file"]`, []string{text}, chromedp.ByQuery),
		chromedp.Click("#laporkan", chromedp.ByID), chromedp.WaitVisible(`[id="items[1].evidence_file-galat"]`, chromedp.ByQuery))
	if got := e.text(`[id="items[1].evidence_file-galat"]`); got != "jenis berkas harus PDF, JPEG, atau PNG" {
		t.Errorf("error next to the file: %q", got)
	}
	e.row(`SELECT count(*) FROM evidence_files`, &n)
	if n != 0 {
		t.Errorf("a refused file was kept: %d", n)
	}
	// The PNG is kept and its link stays in the form while a bad link in row 1 is refused.
	e.run("report with a bad link",
		chromedp.SendKeys(`[id="items[0].realisasi"]`, "2 modul dirilis", chromedp.ByQuery),
		chromedp.SendKeys(`[id="items[0].evidence_url"]`, "arsip/rilis-2", chromedp.ByQuery),
		chromedp.SetUploadFiles(`[id="items[1].evidence_file"]`, []string{png}, chromedp.ByQuery),
		chromedp.Click("#laporkan", chromedp.ByID), chromedp.WaitVisible(`[id="items[0].evidence_url-galat"]`, chromedp.ByQuery))
	if got := e.text(`[id="items[0].evidence_url-galat"]`); got != "harus tautan http(s) yang lengkap" {
		t.Errorf("error next to the link: %q", got)
	}
	var typed string
	e.run("read back", chromedp.Value(`[id="items[0].realisasi"]`, &typed, chromedp.ByQuery))
	if typed != "2 modul dirilis" {
		t.Errorf("realisasi after the refusal: %q", typed)
	}
	e.row(`SELECT count(*) FROM evaluation_items`, &n)
	if n != 0 {
		t.Errorf("a refused report was stored: %d rows", n)
	}
	var fileLink string
	e.run("read the kept file's link", chromedp.Value(`[id="items[1].evidence_url"]`, &fileLink, chromedp.ByQuery))
	if !strings.Contains(fileLink, "/bukti/") {
		t.Errorf("row 2's link after the refusal: %q", fileLink)
	}
	e.shot("realisasi-galat")
	e.run("report", chromedp.Clear(`[id="items[0].evidence_url"]`, chromedp.ByQuery),
		chromedp.SendKeys(`[id="items[0].evidence_url"]`, evidence, chromedp.ByQuery),
		chromedp.Click("#laporkan", chromedp.ByID), chromedp.WaitVisible("#realisasi-tengah", chromedp.ByID))
	var real, link string
	e.row(`SELECT realisasi, evidence_url FROM evaluation_items WHERE period = 'midyear' AND seq = 0`, &real, &link)
	if real != "2 modul dirilis" || link != evidence {
		t.Fatalf("database after the report: %q %q", real, link)
	}
	if got := e.text("#realisasi-tengah .realisasi-isi"); got != real {
		t.Errorf("page shows realisasi %q, the database holds %q", got, real)
	}
	var href string
	e.run("evidence link", chromedp.AttributeValue("#realisasi-tengah a", "href", &href, nil, chromedp.ByQuery))
	if href != link {
		t.Errorf("evidence link %q, the database holds %q", href, link)
	}
	// The uploaded file: recorded with its type, linked from row 2, and served back its bytes
	// through the year's own access check.
	var fileID, ctype string
	var size int64
	e.row(`SELECT f.id, f.content_type, f.size_bytes, i.evidence_url FROM evidence_files f
		JOIN evaluation_items i ON i.period = 'midyear' AND i.seq = 1`, &fileID, &ctype, &size, &link)
	if ctype != "image/png" || size != int64(len(pngBytes)) || !strings.HasSuffix(link, "/bukti/"+fileID) {
		t.Errorf("file in the database: %s %d bytes, row 2 links %q", ctype, size, link)
	}
	e.run("file link", chromedp.AttributeValue("#realisasi-tengah tbody tr:nth-child(2) a.berkas", "href", &href, nil, chromedp.ByQuery))
	res, err := emp.Get(e.base + href)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 || !bytes.Equal(got, pngBytes) || res.Header.Get("Content-Type") != "image/png" ||
		!strings.HasPrefix(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("download: %d %q %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"), len(got))
	}
	e.logout()

	// The penilai gives the midyear feedback on the same page.
	e.login(nipPenilai)
	e.page("/realisasi", "#kirim-umpan-balik")
	const feedback = "Sesuai rencana, percepat modul ketiga"
	e.run("feedback", chromedp.SendKeys("#feedback", feedback, chromedp.ByID), chromedp.Click("#kirim-umpan-balik", chromedp.ByID),
		chromedp.WaitVisible("#umpan-balik-tengah", chromedp.ByID))
	var fb string
	e.row(`SELECT feedback FROM evaluations WHERE period = 'midyear'`, &fb)
	if fb != feedback || !strings.Contains(e.text("#umpan-balik-tengah"), fb) {
		t.Errorf("feedback: database %q, page %q", fb, e.text("#umpan-balik-tengah"))
	}
	e.logout()

	// The evaluation opens; the unit's own predikat is set, so the rule applies; the employee reports.
	move("monitoring_due")
	move("evaluation_start")
	phase("penilaian")
	e.json(hr, hrCSRF, "PUT", fmt.Sprintf("/api/cycles/%d/units/diskominfo/org-predikat", e.cycle), map[string]any{"predikat": "baik"}, 200)
	e.login(nipEmployee)
	e.page("/realisasi", "#laporkan")
	e.run("annual report",
		chromedp.SendKeys(`[id="items[0].realisasi"]`, "4 modul dirilis", chromedp.ByQuery),
		chromedp.SendKeys(`[id="items[0].evidence_url"]`, "https://arsip.contoh.go.id/rilis-4", chromedp.ByQuery),
		chromedp.SendKeys(`[id="items[1].realisasi"]`, "85 persen OPD", chromedp.ByQuery),
		chromedp.Click("#laporkan", chromedp.ByID), chromedp.WaitVisible("#realisasi-akhir", chromedp.ByID))
	e.row(`SELECT count(*) FROM evaluation_items WHERE period = 'annual'`, &n)
	if n != 2 {
		t.Fatalf("annual report rows in the database: %d", n)
	}
	e.logout()

	// The penilai: "Tim saya" shows the rating waiting; the rating page shows the report row by
	// row, the matrix and the unit's distribution; an empty rating is refused next to its field.
	e.login(nipPenilai)
	var rateTitle string
	e.row(`SELECT title FROM tasks WHERE kind = 'rate' AND done_at IS NULL`, &rateTitle)
	e.run("Tim saya", chromedp.Click(`nav a[href="/tim"]`, chromedp.ByQuery), chromedp.WaitVisible("#tim", chromedp.ByID))
	if got := e.text("#tim .menunggu"); !strings.Contains(got, rateTitle) {
		t.Errorf("Tim saya shows %q waiting, the database holds the task %q", got, rateTitle)
	}
	if got := e.text("#tim .tahap"); got != "Penilaian" {
		t.Errorf("Tim saya shows phase %q", got)
	}
	e.shot("tim-saya")
	e.run("open the rating", chromedp.Click(`#tim a`, chromedp.ByQuery), chromedp.WaitVisible("#tahap", chromedp.ByID))
	e.page("/penilaian", "#simpan-penilaian")
	if got := e.text("#baris-penilaian tbody tr:nth-child(2) .realisasi-isi"); got != "85 persen OPD" {
		t.Errorf("rating page row 2 realisasi %q", got)
	}
	if got := e.text("#predikat-unit"); got != "Baik" {
		t.Errorf("unit predikat on the page %q, set Baik", got)
	}
	if got := e.text("#jumlah-dinilai"); got != "0" {
		t.Errorf("rated in the unit before the rating: %q", got)
	}
	if got := e.text("#matriks tbody tr:nth-child(3) td:nth-child(2)"); got != appraisal.ButuhPerbaikan.Label() {
		t.Errorf("matrix cell hasil Di Bawah × perilaku Di Atas: %q", got)
	}
	e.run("rate without a choice", chromedp.Click("#simpan-penilaian", chromedp.ByID), chromedp.WaitVisible("#rating_hasil-galat", chromedp.ByID))
	if got := e.text("#rating_hasil-galat"); !strings.Contains(got, "tidak dikenal") {
		t.Errorf("error next to rating hasil: %q", got)
	}
	e.row(`SELECT count(*) FROM evaluations WHERE period = 'annual' AND rating_hasil IS NOT NULL`, &n)
	if n != 0 {
		t.Errorf("a refused rating was stored")
	}
	e.shot("penilaian-galat")
	// The JSON API takes the same step and refuses a rating of an RHK the plan does not have.
	refused := e.json(pen, penCSRF, "POST", fmt.Sprintf("/api/cycles/%d/employees/%s/rate", e.cycle, nipEmployee), map[string]any{
		"rating_hasil": "sesuai", "rating_perilaku": "sesuai", "row_ratings": []map[string]any{{"seq": 5, "rating": "sesuai"}}}, 422)
	if msg := fmt.Sprint(refused["error"]); !strings.Contains(msg, "row_ratings[0].seq") {
		t.Errorf("a rating of a missing RHK: %s", msg)
	}
	e.run("rate", chromedp.SetValue("#rating_hasil", "dibawah", chromedp.ByID), chromedp.SetValue("#rating_perilaku", "sesuai", chromedp.ByID),
		chromedp.SetValue(`[id="items[0].rating"]`, "sesuai", chromedp.ByQuery), chromedp.SetValue(`[id="items[1].rating"]`, "dibawah", chromedp.ByQuery),
		chromedp.Click("#simpan-penilaian", chromedp.ByID), chromedp.WaitVisible("#hasil-penilaian", chromedp.ByID))
	var rowRating string
	e.row(`SELECT string_agg(seq || ':' || rating, ',' ORDER BY seq) FROM evaluation_row_ratings`, &rowRating)
	if rowRating != "0:sesuai,1:dibawah" {
		t.Errorf("row ratings in the database: %q", rowRating)
	}
	if got := e.text("#baris-penilaian tbody tr:nth-child(2) .rating-rhk"); got != appraisal.DiBawah.Label() {
		t.Errorf("page shows row 2 rated %q, the database holds dibawah", got)
	}
	var hasil, perilaku, predikat string
	e.row(`SELECT rating_hasil, rating_perilaku, predikat FROM evaluations WHERE period = 'annual'`, &hasil, &perilaku, &predikat)
	if hasil != "dibawah" || perilaku != "sesuai" || predikat != "butuh_perbaikan" {
		t.Fatalf("database after the rating: %s %s %s", hasil, perilaku, predikat)
	}
	if got := e.text("#predikat"); got != appraisal.Predikat(predikat).Label() {
		t.Errorf("page shows predikat %q, the database holds %s", got, predikat)
	}
	if got := e.text("#matriks .terpilih"); got != appraisal.Predikat(predikat).Label() {
		t.Errorf("matrix marks %q", got)
	}
	if got := e.text("#jumlah-dinilai"); got != "1" {
		t.Errorf("rated in the unit after the rating: %q", got)
	}
	e.shot("penilaian")

	// The dialog: scheduled (the place missing first), then recorded.
	at := time.Now().Add(26 * time.Hour).In(wib.Location).Truncate(time.Hour)
	e.page("/dialog", "#jadwalkan")
	e.run("schedule without a place", chromedp.SetValue("#at", at.Format("2006-01-02T15:04"), chromedp.ByID),
		chromedp.Click("#jadwalkan", chromedp.ByID), chromedp.WaitVisible("#place-galat", chromedp.ByID))
	if got := e.text("#place-galat"); got != "tempat dialog wajib diisi" {
		t.Errorf("error next to the place: %q", got)
	}
	e.run("read back", chromedp.Value("#at", &typed, chromedp.ByID))
	if typed != at.Format("2006-01-02T15:04") {
		t.Errorf("the moment after the refusal: %q", typed)
	}
	const place = "Ruang Rapat Bidang"
	e.run("schedule", chromedp.SendKeys("#place", place, chromedp.ByID), chromedp.Click("#jadwalkan", chromedp.ByID),
		chromedp.WaitVisible("#jadwal", chromedp.ByID))
	var scheduled time.Time
	var gotPlace string
	e.row(`SELECT scheduled_at, place FROM feedback_sessions`, &scheduled, &gotPlace)
	if !scheduled.Equal(at) || gotPlace != place {
		t.Fatalf("database after scheduling: %v %q, want %v %q", scheduled, gotPlace, at, place)
	}
	if got := e.text("#jadwal"); got != wib.Format(scheduled) {
		t.Errorf("page shows the dialog at %q, the database holds %q", got, wib.Format(scheduled))
	}
	const notes = "Target modul tercapai, pendampingan OPD kurang"
	e.run("record", chromedp.SendKeys("#notes", notes, chromedp.ByID), chromedp.Click("#catat", chromedp.ByID),
		chromedp.WaitVisible("#catatan-dialog", chromedp.ByID))
	var gotNotes string
	e.row(`SELECT notes FROM feedback_sessions`, &gotNotes)
	if gotNotes != notes || e.text("#catatan-dialog") != notes {
		t.Errorf("dialog notes: database %q, page %q", gotNotes, e.text("#catatan-dialog"))
	}
	e.shot("dialog")
	e.logout()

	// The employee confirms the result, then files a keberatan before its deadline.
	e.login(nipEmployee)
	e.page("/dialog", "#terima")
	e.run("acknowledge", chromedp.Click("#terima", chromedp.ByID), chromedp.WaitVisible("#diterima", chromedp.ByID))
	phase("keberatan")
	e.page("/keberatan", "#ajukan-keberatan")
	if got := e.text("#batas-keberatan"); !regexp.MustCompile(`^\d{1,2} \w+ \d{4} pukul \d{2}\.\d{2} WIB$`).MatchString(got) {
		t.Errorf("appeal deadline on the page: %q", got)
	}
	e.run("appeal too short", chromedp.SendKeys("#reasons", "Tidak setuju", chromedp.ByID),
		chromedp.Click("#ajukan-keberatan", chromedp.ByID), chromedp.WaitVisible("#reasons-galat", chromedp.ByID))
	if got := e.text("#reasons-galat"); !strings.Contains(got, "minimal 20 karakter") {
		t.Errorf("error next to the reasons: %q", got)
	}
	e.shot("keberatan-galat")
	const reasons = "Seluruh target utama tercapai dengan bukti rilis empat modul"
	e.run("appeal", chromedp.Clear("#reasons", chromedp.ByID), chromedp.SendKeys("#reasons", reasons, chromedp.ByID),
		chromedp.Click("#ajukan-keberatan", chromedp.ByID), chromedp.WaitVisible("#status-keberatan", chromedp.ByID))
	var gotReasons, original string
	e.row(`SELECT reasons, original_predikat FROM appeals`, &gotReasons, &original)
	if gotReasons != reasons || original != predikat || e.text("#alasan") != reasons {
		t.Fatalf("appeal: database %q %s, page %q", gotReasons, original, e.text("#alasan"))
	}
	e.shot("keberatan")
	e.logout()

	// The atasan penilai finds the decision in "Tugas saya" and changes the rating.
	e.login(testenv.NIPHead)
	var decideTitle string
	e.row(`SELECT title FROM tasks WHERE kind = 'decide_appeal' AND done_at IS NULL`, &decideTitle)
	if got := e.text(".tugas a"); got != decideTitle {
		t.Errorf("the atasan's Tugas saya shows %q, the database holds %q", got, decideTitle)
	}
	e.run("open the appeal", chromedp.Click(".tugas a", chromedp.ByQuery), chromedp.WaitVisible("#putuskan", chromedp.ByID))
	if got := e.text("#alasan"); got != reasons {
		t.Errorf("the atasan reads reasons %q", got)
	}
	e.run("change without notes", chromedp.Click("#keputusan-change", chromedp.ByID),
		chromedp.SetValue("#rating_hasil", "sesuai", chromedp.ByID), chromedp.SetValue("#rating_perilaku", "sesuai", chromedp.ByID),
		chromedp.Click("#putuskan", chromedp.ByID), chromedp.WaitVisible("#notes-galat", chromedp.ByID))
	var checked bool
	e.run("read back", chromedp.Evaluate(`document.getElementById("keputusan-change").checked`, &checked))
	if !checked || e.text("#notes-galat") != "tuliskan pertimbangan keputusan" {
		t.Errorf("after the refusal: change kept %v, error %q", checked, e.text("#notes-galat"))
	}
	e.shot("putusan-galat")
	const considered = "Bukti rilis empat modul sah"
	e.run("decide", chromedp.SendKeys("#notes", considered, chromedp.ByID), chromedp.Click("#putuskan", chromedp.ByID),
		chromedp.WaitVisible("#keputusan", chromedp.ByID))
	var decision, final, decidedBy string
	e.row(`SELECT decision, final_predikat, decided_by FROM appeals`, &decision, &final, &decidedBy)
	if decision != "change" || final != "baik" || decidedBy != testenv.NIPHead {
		t.Fatalf("database after the decision: %s %s %s", decision, final, decidedBy)
	}
	if got := e.text("#predikat-akhir"); got != appraisal.Predikat(final).Label() {
		t.Errorf("page shows final predikat %q, the database holds %s", got, final)
	}
	if got := e.text("#pertimbangan"); got != considered {
		t.Errorf("page shows considerations %q", got)
	}
	e.shot("putusan")
	t.Logf("screenshots in %s", e.dir)
}
