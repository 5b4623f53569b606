package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/workflows"
)

// TestPeriodReportAndRatingInTheBrowser: in a monthly cycle, the employee's year page shows the
// month open now and leads to its report; the employee reports it; the penilai's rating page shows
// the report, refuses a rating with nothing chosen (errors next to the fields, nothing stored) and
// then rates every RHK, the seven BerAKHLAK values and perilaku with feedback; the page shows the
// period's predikat, and period_results holds it for the payroll.
func TestPeriodReportAndRatingInTheBrowser(t *testing.T) {
	e := startWorld(t)
	hr, hrCSRF := e.session(nipHR)
	emp, empCSRF := e.session(nipEmployee)
	pen, penCSRF := e.session(nipPenilai)

	cur := e.monthlyYearPlanned(hr, hrCSRF, emp, empCSRF, pen, penCSRF)
	e.openBrowser()

	// The employee: the year page names the month open and leads to its report form.
	e.login(nipEmployee)
	e.page("", "#periode-label")
	if got := e.text("#periode-label"); got != cur.Label() {
		t.Errorf("the year page shows period %q, want %q", got, cur.Label())
	}
	// The phase list shows the periodic work as one step, due when the month's report is.
	if now, all := e.text(`ol.tahapan li[aria-current="step"]`), e.text("ol.tahapan"); !strings.Contains(now, "Pelaksanaan dan penilaian periodik (bulanan)") ||
		!strings.Contains(now, wibDate(cur.ReportDue(period.DefaultCalendar))) || strings.Contains(all, "Pemantauan") {
		t.Errorf("the phase now: %q (want the periodic step due %s); all phases: %q", now, wibDate(cur.ReportDue(period.DefaultCalendar)), all)
	}
	e.shot("tahun-periode")
	e.run("open the period's report", chromedp.Click("#lapor-periode", chromedp.ByID), chromedp.WaitVisible("#laporkan", chromedp.ByID))
	if got := e.text("h2"); !strings.Contains(got, cur.Label()) {
		t.Errorf("the report form is for %q, want %s", got, cur.Label())
	}
	e.run("report the period",
		chromedp.SendKeys(`[id="items[0].realisasi"]`, "1 modul dirilis", chromedp.ByQuery),
		chromedp.SendKeys(`[id="items[0].evidence_url"]`, "https://arsip.contoh.go.id/modul-1", chromedp.ByQuery),
		chromedp.SendKeys(`[id="items[1].realisasi"]`, "3 OPD didampingi", chromedp.ByQuery),
		chromedp.Click("#laporkan", chromedp.ByID), chromedp.WaitVisible(`[id="realisasi-`+cur.ID+`"]`, chromedp.ByQuery))
	var n int
	e.row(fmt.Sprintf(`SELECT count(*) FROM evaluation_items WHERE cycle_id = %d AND period = '%s'`, e.cycle, cur.ID), &n)
	if n != 2 {
		t.Fatalf("rows reported for %s: %d", cur.ID, n)
	}
	e.shot("laporan-periode")
	e.logout()

	// The penilai rates the open period.
	e.login(nipPenilai)
	e.page("/penilaian", "#form-periode")
	if got := e.text(`#baris-periode tbody tr:nth-child(1) .realisasi-isi`); got != "1 modul dirilis" {
		t.Errorf("the rating page shows the report row %q", got)
	}
	e.run("rate with nothing chosen", chromedp.Click("#simpan-periode", chromedp.ByID),
		chromedp.WaitVisible(`[id="items[0].rating-galat"]`, chromedp.ByQuery))
	if got := e.text(`[id="nilai.akuntabel-galat"]`); !strings.Contains(got, "Akuntabel") {
		t.Errorf("error next to a BerAKHLAK value: %q", got)
	}
	e.row(fmt.Sprintf(`SELECT count(*) FROM period_results WHERE cycle_id = %d`, e.cycle), &n)
	if n != 0 {
		t.Fatal("a refused rating was stored")
	}
	e.shot("penilaian-periode-ditolak")
	actions := []chromedp.Action{
		chromedp.SetValue(`[id="items[0].rating"]`, "diatas", chromedp.ByQuery),
		chromedp.SetValue(`[id="items[1].rating"]`, "diatas", chromedp.ByQuery),
		chromedp.SetValue("#rating_perilaku", "diatas", chromedp.ByID),
		chromedp.SendKeys("#feedback", "Modul pertama rilis lebih cepat dari rencana", chromedp.ByID),
	}
	for _, v := range []string{"berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"} {
		actions = append(actions, chromedp.SetValue(`[id="nilai.`+v+`"]`, "sesuai", chromedp.ByQuery))
	}
	actions = append(actions, chromedp.Click("#simpan-periode", chromedp.ByID),
		chromedp.WaitVisible(`//p[contains(., "Penilaian telah disimpan")]`), chromedp.WaitVisible("#hasil-periode", chromedp.ByID))
	e.run("rate the period", actions...)
	if got := e.text("#hasil-periode .predikat-periode"); got != "Sangat Baik" {
		t.Errorf("the page shows the period's predikat %q", got)
	}
	var predikat string
	e.row(fmt.Sprintf(`SELECT predikat FROM period_results WHERE cycle_id = %d AND period_start = '%s'`, e.cycle, cur.FirstDay().Format("2006-01-02")), &predikat)
	if predikat != "sangat_baik" {
		t.Errorf("period_results: %q", predikat)
	}
	e.row(fmt.Sprintf(`SELECT count(*) FROM period_value_ratings WHERE cycle_id = %d`, e.cycle), &n)
	if n != 7 {
		t.Errorf("BerAKHLAK values rated: %d", n)
	}
	e.shot("penilaian-periode")
}

// monthlyYearPlanned enrols the employee in a monthly cycle of the month open now and has the SKP
// approved, so that month's report is open; it answers that month.
func (e *browserEnv) monthlyYearPlanned(hr *http.Client, hrCSRF string, emp *http.Client, empCSRF string, pen *http.Client, penCSRF string) period.Period {
	e.t.Helper()
	return e.monthlyYearPlannedUnder(period.DefaultCalendar, hr, hrCSRF, emp, empCSRF, pen, penCSRF)
}

// monthlyYearPlannedUnder is monthlyYearPlanned in a cycle with period calendar cal.
func (e *browserEnv) monthlyYearPlannedUnder(cal period.Calendar, hr *http.Client, hrCSRF string, emp *http.Client, empCSRF string, pen *http.Client, penCSRF string) period.Period {
	t := e.t
	t.Helper()
	year, cur, dl := testenv.MonthlyCycleNowUnder(t, cal)
	e.cycle = int64(e.json(hr, hrCSRF, "POST", "/api/cycles", map[string]any{"year": year, "deadlines": dl, "evaluation_period": "monthly",
		period.FieldOpensDays: cal.OpensDays, period.FieldReportDays: cal.ReportDays, period.FieldRatingDays: cal.RatingDays}, 201)["id"].(float64))
	e.json(hr, hrCSRF, "POST", fmt.Sprintf("/api/cycles/%d/enrol", e.cycle), map[string]any{"nips": []string{nipEmployee}}, 202)
	e.waitDB(fmt.Sprintf(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan' AND done_at IS NULL AND cycle_id = %d`, e.cycle), 1)
	path := fmt.Sprintf("/api/cycles/%d/employees/%s/", e.cycle, nipEmployee)
	e.json(emp, empCSRF, "POST", path+"submit-plan", map[string]any{"plan": map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Tersedianya layanan aplikasi perizinan daring", "aspect": "kuantitas", "iki": "Jumlah modul yang dirilis", "target": "4", "unit": "modul"},
		{"kind": "tambahan", "rhk": "Terlaksananya pendampingan OPD", "aspect": "kualitas", "iki": "Persentase OPD terdampingi", "target": "90", "unit": "persen"}},
		"behaviours": []map[string]any{{"value": "akuntabel", "expectation": "Melaporkan progres tiap bulan"}}}}, 200)
	e.json(pen, penCSRF, "POST", path+"approve-plan", map[string]any{}, 200)
	e.waitDB(fmt.Sprintf(`SELECT count(*) FROM tasks WHERE kind = '%s' AND done_at IS NULL AND cycle_id = %d`, workflows.TaskReportPeriod, e.cycle), 1)
	return cur
}

// TestMutasiInTheBrowser: HR records a mutasi on the employee's year page, choosing the new
// position from the org data's positions; a missing position is refused next to its field with
// the date kept, and nothing is recorded; then it is recorded. A year with the single mid-year
// check-in (startWorld's) shows why no mutasi can be recorded there, and the API refuses it (409).
func TestMutasiInTheBrowser(t *testing.T) {
	e := startWorld(t)
	midYear := e.cycle
	hr, hrCSRF := e.session(nipHR)
	emp, empCSRF := e.session(nipEmployee)
	pen, penCSRF := e.session(nipPenilai)
	cur := e.monthlyYearPlanned(hr, hrCSRF, emp, empCSRF, pen, penCSRF)
	e.openBrowser()
	e.login(nipHR)
	date := cur.Start.AddDate(0, 0, 14).Format("2006-01-02")
	e.run("open the mutasi form", chromedp.Navigate(e.base+fmt.Sprintf("/siklus/%d/pegawai/%s", e.cycle, nipEmployee)),
		chromedp.Click("#ke-mutasi", chromedp.ByID), chromedp.WaitVisible("#catat-mutasi", chromedp.ByID))
	var opts string
	e.run("read the positions", chromedp.Evaluate(`Array.from(document.querySelectorAll("#position_id option")).map(o => o.textContent).join("|")`, &opts))
	if !strings.Contains(opts, "Kepala Bidang (kabid)") || !strings.Contains(opts, "Pranata Komputer (pranata)") {
		t.Errorf("the positions offered: %q", opts)
	}
	e.run("record without a position", chromedp.SetValue("#effective_date", date, chromedp.ByID),
		chromedp.Click("#catat-mutasi", chromedp.ByID), chromedp.WaitVisible("#position_id-galat", chromedp.ByID))
	var kept string
	e.run("date kept", chromedp.Value("#effective_date", &kept, chromedp.ByID))
	var n int
	e.row(`SELECT count(*) FROM mutasi`, &n)
	if kept != date || n != 0 || !strings.Contains(e.text("#position_id-galat"), "jabatan baru wajib dipilih") {
		t.Errorf("refused mutasi: date kept %q (want %s), %d recorded, error %q", kept, date, n, e.text("#position_id-galat"))
	}
	e.shot("mutasi-ditolak")
	e.run("record", chromedp.SetValue("#position_id", "kabid", chromedp.ByID),
		chromedp.Click("#catat-mutasi", chromedp.ByID), chromedp.WaitVisible("#mutasi-jabatan", chromedp.ByID))
	var position, positionID string
	e.row(`SELECT position, position_id FROM mutasi`, &position, &positionID)
	if position != "Kepala Bidang" || positionID != "kabid" || !strings.Contains(e.text("#mutasi-jabatan"), position) {
		t.Errorf("recorded mutasi: %q (%s), page shows %q", position, positionID, e.text("#mutasi-jabatan"))
	}
	e.shot("mutasi-dicatat")

	// The mid-year year: the page says why, and the step is refused with the same rule.
	e.run("open the mid-year year's mutasi page", chromedp.Navigate(e.base+fmt.Sprintf("/siklus/%d/pegawai/%s", midYear, nipEmployee)),
		chromedp.Click("#ke-mutasi", chromedp.ByID), chromedp.WaitVisible("#mutasi-tidak-dapat", chromedp.ByID))
	if got := e.text("#mutasi-tidak-dapat"); !strings.Contains(got, "per periode (bulanan atau triwulanan)") {
		t.Errorf("the mid-year year's mutasi page: %q", got)
	}
	var forms int
	e.run("no form", chromedp.Evaluate(`document.querySelectorAll("#catat-mutasi").length`, &forms))
	if forms != 0 {
		t.Error("the mid-year year offers the mutasi form")
	}
	e.shot("mutasi-tengah-tahun")
	res := e.json(hr, hrCSRF, "POST", fmt.Sprintf("/api/cycles/%d/employees/%s/record-mutasi", midYear, nipEmployee),
		map[string]any{"effective_date": date, "position_id": "kabid", "penilai_nip": nipPenilai, "atasan_nip": testenv.NIPHead}, 409)
	if msg, _ := res["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "dinilai per periode") {
		t.Errorf("the API's refusal of a mid-year mutasi: %v", res)
	}
	e.row(`SELECT count(*) FROM mutasi`, &n)
	if n != 1 {
		t.Errorf("%d mutasi recorded, want only the monthly year's", n)
	}
}
