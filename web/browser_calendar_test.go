package web_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/workflows"
)

// TestPeriodCalendarInTheBrowser: HR sets a cycle's period calendar on the new-cycle page (the
// default days offered; a rating due before the report refused next to its field with everything
// kept, nothing saved); the cycle page shows it. A year of a monthly cycle with its own calendar
// shows its report due on the cycle's day, and its report task is due then.
func TestPeriodCalendarInTheBrowser(t *testing.T) {
	e := startWorld(t)
	hr, hrCSRF := e.session(nipHR)
	emp, empCSRF := e.session(nipEmployee)
	pen, penCSRF := e.session(nipPenilai)
	e.openBrowser()
	e.login(nipHR)

	const name = "Penilaian Kinerja 2027 Kalender"
	e.run("new cycle", chromedp.Navigate(e.base+"/siklus/baru"), chromedp.WaitVisible("#simpan-siklus", chromedp.ByID))
	value := func(id string) string {
		var v string
		e.run("read "+id, chromedp.Value(byID(id), &v, chromedp.ByQuery))
		return v
	}
	if got := [3]string{value("period_opens_days"), value("period_report_days"), value("period_rating_days")}; got != [3]string{"3", "5", "10"} {
		t.Errorf("the form offers the calendar %v, want the default 3, 5, 10", got)
	}
	fill := []chromedp.Action{chromedp.Clear("#year", chromedp.ByID), chromedp.SendKeys("#year", "2027", chromedp.ByID),
		chromedp.SendKeys("#name", name, chromedp.ByID), chromedp.Click("#periode-monthly", chromedp.ByID)}
	for n, v := range map[string]string{"plan_due": "2027-01-31T23:59", "monitoring_start": "2027-02-01T00:00",
		"monitoring_due": "2027-11-30T23:59", "evaluation_start": "2028-01-02T00:00", "evaluation_due": "2028-01-15T23:59",
		"dialog_due": "2028-01-31T23:59", "followup_due": "2028-02-28T23:59"} {
		fill = append(fill, chromedp.SetValue(byID("deadlines."+n), v, chromedp.ByQuery))
	}
	fill = append(fill, chromedp.SetValue("#period_opens_days", "5", chromedp.ByID),
		chromedp.SetValue("#period_report_days", "8", chromedp.ByID), chromedp.SetValue("#period_rating_days", "6", chromedp.ByID))
	e.run("a rating due before the report", append(fill, chromedp.Click("#simpan-siklus", chromedp.ByID),
		chromedp.WaitVisible(byID("period_rating_days-galat"), chromedp.ByQuery))...)
	if got := e.text(byID("period_rating_days-galat")); !strings.Contains(got, "batas penilaian (6 hari) harus setelah batas laporan (8 hari)") {
		t.Errorf("error next to the rating days: %q", got)
	}
	if got := [4]string{value("name"), value("period_opens_days"), value("period_report_days"), value("period_rating_days")}; got != [4]string{name, "5", "8", "6"} {
		t.Errorf("the refused form kept %v", got)
	}
	var n int
	e.row(`SELECT count(*) FROM cycles WHERE name = '`+name+`'`, &n)
	if n != 0 {
		t.Fatal("a refused cycle was saved")
	}
	e.shot("kalender-periode-ditolak")
	e.run("fix and create", chromedp.SetValue("#period_rating_days", "16", chromedp.ByID), chromedp.Click("#simpan-siklus", chromedp.ByID),
		status("Siklus telah dibuat"))
	var opens, report, rating int
	e.row(`SELECT period_opens_days, period_report_days, period_rating_days FROM cycles WHERE name = '`+name+`'`, &opens, &report, &rating)
	if opens != 5 || report != 8 || rating != 16 {
		t.Errorf("stored calendar %d, %d, %d", opens, report, rating)
	}
	if got := e.text("#kalender-periode"); !strings.Contains(got, "laporan dibuka 5 hari sebelum periode berakhir, batas laporan 8 hari dan batas penilaian 16 hari") {
		t.Errorf("the cycle page shows %q", got)
	}
	e.shot("kalender-periode")
	// A cycle made by mistake, nobody enrolled yet: HR deletes it from its page.
	e.run("delete the cycle", chromedp.Click("#hapus-siklus", chromedp.ByID), status("Siklus telah dihapus"))
	e.row(`SELECT count(*) FROM cycles WHERE name = '`+name+`'`, &n)
	if n != 0 || strings.Contains(e.text("main"), name) {
		t.Errorf("after deleting: %d rows, the list still names it: %v", n, strings.Contains(e.text("main"), name))
	}
	e.logout()

	// A year of a monthly cycle with its own calendar, in the month open now under it.
	cal := period.Calendar{OpensDays: 5, ReportDays: 8, RatingDays: 16}
	cur := e.monthlyYearPlannedUnder(cal, hr, hrCSRF, emp, empCSRF, pen, penCSRF)
	var due time.Time
	e.row(fmt.Sprintf(`SELECT due_at FROM tasks WHERE kind = '%s' AND done_at IS NULL AND cycle_id = %d`, workflows.TaskReportPeriod, e.cycle), &due)
	if !due.Equal(cur.ReportDue(cal)) {
		t.Errorf("report task due %v, want the cycle's %v (the default would be %v)", due, cur.ReportDue(cal), cur.ReportDue(period.DefaultCalendar))
	}
	e.login(nipEmployee)
	e.page("", "#periode-label")
	if now := e.text(`ol.tahapan li[aria-current="step"]`); !strings.Contains(now, wibDate(cur.ReportDue(cal))) {
		t.Errorf("the year page's step now %q, want it due %s", now, wibDate(cur.ReportDue(cal)))
	}
	e.shot("tahun-kalender-periode")
}
