package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/wib"
)

// TestEvidenceInTheBrowser: the evidence a penilai reads when rating, through the pages. The
// employee logs a daily activity (a quantity that is not a number is refused next to its field,
// the rest kept, nothing stored), logs two and removes one; the penilai asks a colleague for 360
// feedback (a NIP not in the org data refused first); the colleague finds the task in "Tugas
// saya" and answers all seven values (one left out refused first); the penilai's rating page then
// shows the log's roll-up and the 360 count, and the employee sees the summary without who was asked.
func TestEvidenceInTheBrowser(t *testing.T) {
	e := startWorld(t)
	hr, hrCSRF := e.session(nipHR)
	emp, empCSRF := e.session(nipEmployee)
	pen, penCSRF := e.session(nipPenilai)
	e.monthlyYearPlanned(hr, hrCSRF, emp, empCSRF, pen, penCSRF)
	e.openBrowser()
	today := time.Now().In(wib.Location).Format(time.DateOnly)
	var n int

	// The employee's daily activity log.
	e.login(nipEmployee)
	e.page("", "#ke-kegiatan")
	e.run("open the log", chromedp.Click("#ke-kegiatan", chromedp.ByID), chromedp.WaitVisible("#catat-kegiatan", chromedp.ByID))
	fill := func(description, quantity string) []chromedp.Action {
		return []chromedp.Action{
			chromedp.SetValue("#date", today, chromedp.ByID),
			chromedp.SetValue("#rhk_seq", "0", chromedp.ByID),
			chromedp.SetValue("#description", description, chromedp.ByID),
			chromedp.SetValue("#quantity", quantity, chromedp.ByID),
			chromedp.SetValue("#output", "modul", chromedp.ByID),
			chromedp.Click("#catat-kegiatan", chromedp.ByID),
		}
	}
	e.run("log a quantity that is no number", append(fill("Uji coba modul perizinan", "dua"), chromedp.WaitVisible("#quantity-galat", chromedp.ByID))...)
	var kept string
	e.run("what was typed is kept", chromedp.Value("#description", &kept, chromedp.ByID))
	e.row(fmt.Sprintf(`SELECT count(*) FROM activity_logs WHERE cycle_id = %d`, e.cycle), &n)
	if kept != "Uji coba modul perizinan" || n != 0 || !strings.Contains(e.text("#quantity-galat"), "bilangan bulat") {
		t.Fatalf("refused quantity: kept %q, %d rows stored, error %q", kept, n, e.text("#quantity-galat"))
	}
	e.shot("kegiatan-ditolak")
	e.run("log two activities",
		chromedp.Navigate(fmt.Sprintf("%s/siklus/%d/pegawai/%s/kegiatan", e.base, e.cycle, nipEmployee)), chromedp.WaitVisible("#catat-kegiatan", chromedp.ByID))
	e.run("log the first", append(fill("Uji coba modul perizinan", "2"), chromedp.WaitVisible("#daftar-kegiatan", chromedp.ByID))...)
	e.run("log the second", append(fill("Rapat yang tercatat keliru", "1"), chromedp.WaitVisible(`//td[contains(., "Rapat yang tercatat keliru")]`))...)
	var wrong int64
	e.row(fmt.Sprintf(`SELECT id FROM activity_logs WHERE cycle_id = %d AND description LIKE 'Rapat%%'`, e.cycle), &wrong)
	e.run("remove the wrong one", chromedp.Click(fmt.Sprintf(`#kegiatan-%d button`, wrong), chromedp.ByQuery),
		chromedp.WaitVisible(`//p[contains(., "Kegiatan telah dihapus")]`))
	e.row(fmt.Sprintf(`SELECT count(*) FROM activity_logs WHERE cycle_id = %d`, e.cycle), &n)
	if n != 1 || strings.Contains(e.text("#daftar-kegiatan"), "Rapat") {
		t.Errorf("after removing one: %d rows, list %q", n, e.text("#daftar-kegiatan"))
	}
	if got := e.text("#rekap-kegiatan tbody"); !strings.Contains(got, "Tersedianya layanan aplikasi perizinan daring") || !strings.Contains(got, "2") {
		t.Errorf("the roll-up: %q", got)
	}
	e.shot("kegiatan")
	e.logout()

	// The penilai asks a colleague (HR's Rina, a pranata like the employee).
	e.login(nipPenilai)
	e.page("/umpan-balik-360", "#minta-360")
	e.run("ask someone not in the org data", chromedp.SetValue("#nips", "199999999999999999", chromedp.ByID),
		chromedp.Click("#minta-360", chromedp.ByID), chromedp.WaitVisible("#nips-galat", chromedp.ByID))
	e.row(fmt.Sprintf(`SELECT count(*) FROM feedback_requests WHERE cycle_id = %d`, e.cycle), &n)
	if n != 0 || !strings.Contains(e.text("#nips-galat"), "tidak ada dalam data pegawai") {
		t.Fatalf("unknown NIP: %d asked, error %q", n, e.text("#nips-galat"))
	}
	e.run("ask the colleague", chromedp.SetValue("#nips", nipHR, chromedp.ByID),
		chromedp.Click("#minta-360", chromedp.ByID), chromedp.WaitVisible("#diminta-360", chromedp.ByID))
	if got := e.text("#diminta-360"); !strings.Contains(got, "Rina Kusuma") || !strings.Contains(got, "belum") {
		t.Errorf("who was asked: %q", got)
	}
	e.shot("umpan-balik-360-diminta")
	e.logout()

	// The colleague answers from "Tugas saya".
	e.login(nipHR)
	e.run("open the task", chromedp.Navigate(e.base+"/tugas"),
		chromedp.Click(`//a[contains(., "Beri umpan balik nilai BerAKHLAK")]`), chromedp.WaitVisible("#kirim-360", chromedp.ByID))
	values := []string{"berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"}
	var answer []chromedp.Action
	for _, v := range values[1:] {
		answer = append(answer, chromedp.SetValue(`[id="nilai.`+v+`"]`, "sesuai", chromedp.ByQuery))
	}
	answer = append(answer, chromedp.SendKeys(`[id="komentar.akuntabel"]`, "Laporan selalu tepat waktu", chromedp.ByQuery),
		chromedp.Click("#kirim-360", chromedp.ByID), chromedp.WaitVisible(`[id="nilai.berorientasi_pelayanan-galat"]`, chromedp.ByQuery))
	e.run("answer six of seven", answer...)
	e.run("the comment is kept", chromedp.Value(`[id="komentar.akuntabel"]`, &kept, chromedp.ByQuery))
	e.row(fmt.Sprintf(`SELECT count(*) FROM feedback_requests WHERE cycle_id = %d AND answered_at IS NOT NULL`, e.cycle), &n)
	if n != 0 || kept != "Laporan selalu tepat waktu" {
		t.Fatalf("a refused answer: %d answered, comment kept %q", n, kept)
	}
	e.run("answer all seven", chromedp.SetValue(`[id="nilai.berorientasi_pelayanan"]`, "diatas", chromedp.ByQuery),
		chromedp.Click("#kirim-360", chromedp.ByID), chromedp.WaitVisible("#sudah-dijawab", chromedp.ByID))
	e.row(fmt.Sprintf(`SELECT count(*) FROM feedback_answers a JOIN feedback_requests f ON f.id = a.request_id WHERE f.cycle_id = %d`, e.cycle), &n)
	if n != 7 {
		t.Errorf("answers stored: %d", n)
	}
	e.shot("umpan-balik-360-dijawab")
	e.logout()

	// The penilai reads both when rating.
	e.login(nipPenilai)
	e.page("/penilaian", "#bahan-penilaian")
	if got := e.text("#bahan-kegiatan"); !strings.Contains(got, "Tersedianya layanan aplikasi perizinan daring") {
		t.Errorf("the rating page's activity roll-up: %q", got)
	}
	if got := e.text("#bahan-360"); !strings.Contains(got, "1 dari 1") || !strings.Contains(got, "Berorientasi Pelayanan: 1 di atas") {
		t.Errorf("the rating page's 360 summary: %q", got)
	}
	e.shot("penilaian-bahan")
	e.logout()

	// The employee sees the summary and the comment, never who was asked.
	e.login(nipEmployee)
	e.page("/umpan-balik-360", "#rekap-360")
	if got := e.text("#rekap-360"); !strings.Contains(got, "Laporan selalu tepat waktu") {
		t.Errorf("the employee's summary: %q", got)
	}
	var named int
	e.run("no names", chromedp.Evaluate(`document.querySelectorAll("#diminta-360").length + (document.body.innerText.includes("Rina Kusuma") ? 1 : 0)`, &named))
	if named != 0 {
		t.Error("the employee's 360 page names who was asked")
	}
}
