package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/internal/wib"
)

// status waits for the confirmation that names what was done (a page may show another before).
func status(text string) chromedp.Action {
	return chromedp.WaitVisible(`//p[@role="status"][contains(., "` + text + `")]`)
}

// byID finds an element whose id holds a dot (the form's field paths, "deadlines.plan_due").
func byID(id string) string { return `[id="` + id + `"]` }

// TestHRInTheBrowser drives headless Chromium through HR's pages on the real platform: HR creates
// a cycle (a refused form first: errors next to their fields, everything kept), moves a deadline
// of the running cycle, watches progress per unit with its drill-down and the overdue, records a
// unit's predikat and a justification on Monitoring Kurva, records a Plt, and asks for the audit
// export. Each step checks the page against what PostgreSQL holds.
func TestHRInTheBrowser(t *testing.T) {
	e := startWorld(t)
	e.openBrowser()
	ctx := context.Background()
	e.login(nipHR)

	// The list of cycles shows the one startWorld opened, by its stored name.
	var cycleName string
	e.row(fmt.Sprintf(`SELECT name FROM cycles WHERE id = %d`, e.cycle), &cycleName)
	e.run("cycles", chromedp.Click(`nav a[href="/siklus"]`, chromedp.ByQuery), chromedp.WaitVisible("#daftar-siklus", chromedp.ByID))
	if got := e.text("#daftar-siklus a"); got != cycleName {
		t.Errorf("cycle list shows %q, the database holds %q", got, cycleName)
	}
	e.shot("siklus")

	// A new cycle: monitoring starts before the SKP is due and the appeal window is too long.
	e.run("new cycle form", chromedp.Click("#buat-siklus", chromedp.ByID), chromedp.WaitVisible("#simpan-siklus", chromedp.ByID))
	const name = "Penilaian Kinerja 2027 Uji Coba"
	dates := map[string]string{"plan_due": "2027-01-31T23:59", "monitoring_start": "2027-01-15T08:00",
		"monitoring_due": "2027-07-15T23:59", "evaluation_start": "2027-12-01T00:00", "evaluation_due": "2028-01-15T23:59",
		"dialog_due": "2028-01-31T23:59", "followup_due": "2028-02-28T23:59"}
	fill := []chromedp.Action{chromedp.Clear("#year", chromedp.ByID), chromedp.SendKeys("#year", "2027", chromedp.ByID),
		chromedp.SendKeys("#name", name, chromedp.ByID),
		chromedp.Clear("#appeal_window_days", chromedp.ByID), chromedp.SendKeys("#appeal_window_days", "45", chromedp.ByID)}
	for n, v := range dates {
		fill = append(fill, chromedp.SetValue(byID("deadlines."+n), v, chromedp.ByQuery))
	}
	e.run("fill the cycle form", fill...)
	e.run("submit it", chromedp.Click("#simpan-siklus", chromedp.ByID), chromedp.WaitVisible("#galat-form", chromedp.ByID))
	if got := e.text(byID("deadlines.monitoring_start-galat")); got != "tidak boleh sebelum batas penyusunan dan persetujuan SKP" {
		t.Errorf("error next to the monitoring start: %q", got)
	}
	if got := e.text("#appeal_window_days-galat"); !strings.Contains(got, "1 sampai 30 hari") {
		t.Errorf("error next to the appeal window: %q", got)
	}
	var typedName, typedDate string
	e.run("read back", chromedp.Value("#name", &typedName, chromedp.ByID),
		chromedp.Value(byID("deadlines.monitoring_start"), &typedDate, chromedp.ByQuery))
	if typedName != name || typedDate != dates["monitoring_start"] {
		t.Errorf("after the refusal: name %q, monitoring start %q (want what was typed)", typedName, typedDate)
	}
	var n int
	e.row(`SELECT count(*) FROM cycles`, &n)
	if n != 1 {
		t.Errorf("a refused cycle was stored: %d cycles", n)
	}
	e.shot("siklus-galat")

	e.run("fix and submit", chromedp.SetValue(byID("deadlines.monitoring_start"), "2027-02-01T00:00", chromedp.ByQuery),
		chromedp.Clear("#appeal_window_days", chromedp.ByID), chromedp.SendKeys("#appeal_window_days", "14", chromedp.ByID),
		chromedp.Click("#simpan-siklus", chromedp.ByID), status("Siklus telah dibuat"))
	var planDue time.Time
	var appeal time.Duration
	e.row(`SELECT plan_due, appeal_window FROM cycles WHERE name = '`+name+`'`, &planDue, &appeal)
	if want := time.Date(2027, 1, 31, 23, 59, 0, 0, wib.Location); !planDue.Equal(want) || appeal != 14*24*time.Hour {
		t.Errorf("stored plan_due %v appeal window %v, want %v and 14 days", planDue, appeal, want)
	}
	if got := e.text("#batas-plan_due"); got != wib.Format(planDue) || got != "31 Januari 2027 pukul 23.59 WIB" {
		t.Errorf("cycle page shows plan_due %q, the database holds %s", got, wib.Format(planDue))
	}
	e.shot("siklus-baru")
	e.run("warn only", chromedp.Click("#mode-warn", chromedp.ByID), chromedp.Click("#simpan-mode", chromedp.ByID),
		status("ketentuan distribusi telah diubah"))
	var mode string
	e.row(`SELECT distribution_mode FROM cycles WHERE name = '`+name+`'`, &mode)
	var checked bool
	e.run("read the mode", chromedp.Evaluate(`document.getElementById("mode-warn").checked`, &checked))
	if mode != "warn" || !checked {
		t.Errorf("distribution mode stored %q, warn checked on the page %v", mode, checked)
	}

	// Moving a deadline of the running cycle: first into the wrong order, then one day later.
	e.run("running cycle", chromedp.Navigate(fmt.Sprintf("%s/siklus/%d", e.base, e.cycle)), chromedp.WaitVisible("#pindahkan", chromedp.ByID))
	var oldDue, monStart time.Time
	e.row(fmt.Sprintf(`SELECT plan_due, monitoring_start FROM cycles WHERE id = %d`, e.cycle), &oldDue, &monStart)
	local := func(t time.Time) string { return t.In(wib.Location).Format("2006-01-02T15:04") }
	e.run("move into the wrong order", chromedp.SetValue("#pindah-nama", "plan_due", chromedp.ByID),
		chromedp.SetValue("#pindah-ke", local(monStart.Add(time.Hour)), chromedp.ByID),
		chromedp.Click("#pindahkan", chromedp.ByID), chromedp.WaitVisible("#pindah-ke-galat", chromedp.ByID))
	if got := e.text("#pindah-ke-galat"); !strings.Contains(got, "urutan batas waktu tidak valid") {
		t.Errorf("error next to the new date: %q", got)
	}
	newDue := oldDue.Add(24 * time.Hour).Truncate(time.Minute)
	e.run("move a day later", chromedp.SetValue("#pindah-ke", local(newDue), chromedp.ByID),
		chromedp.Click("#pindahkan", chromedp.ByID), chromedp.WaitVisible("#hasil-pindah", chromedp.ByID))
	var stored time.Time
	e.row(fmt.Sprintf(`SELECT plan_due FROM cycles WHERE id = %d`, e.cycle), &stored)
	if !stored.Equal(newDue) || e.text("#batas-plan_due") != wib.Format(newDue) || e.text("#jumlah-diberitahu") != "1" {
		t.Errorf("after the move: stored %v, page %q, told %q; want %v and 1 year told", stored, e.text("#batas-plan_due"),
			e.text("#jumlah-diberitahu"), newDue)
	}
	// The year's open task follows the move (the workflow was told).
	e.waitDB(fmt.Sprintf(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan' AND due_at = '%s'`, newDue.Format(time.RFC3339)), 1)
	e.shot("batas-dipindah")

	// Progress: the counts, the unit to drill into, the employee; then one task overdue.
	e.run("progress", chromedp.Click("#ke-kemajuan", chromedp.ByID), chromedp.WaitVisible("#ringkasan", chromedp.ByID))
	var enrolled int
	e.row(fmt.Sprintf(`SELECT count(*) FROM employee_cycles WHERE cycle_id = %d`, e.cycle), &enrolled)
	if got := e.text("#jumlah-terdaftar"); got != fmt.Sprint(enrolled) || e.text("#jumlah-terlambat") != "0" {
		t.Errorf("progress shows %q enrolled, %q overdue; the database holds %d enrolled, none overdue", got, e.text("#jumlah-terlambat"), enrolled)
	}
	if got := e.text("#pegawai tbody td:nth-child(2)"); got != "Budi Santoso" {
		t.Errorf("employee listed: %q", got)
	}
	if _, err := e.p.Pool.Exec(ctx, `UPDATE tasks SET due_at = now() - interval '1 day' WHERE kind = 'draft_plan'`); err != nil {
		t.Fatal(err)
	}
	e.run("drill down to the unit", chromedp.Click(`#per-unit a[data-unit="diskominfo"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#unit-dilihat", chromedp.ByID))
	if got := e.text("#unit-dilihat"); got != "diskominfo" || e.text("#jumlah-terlambat") != "1" {
		t.Errorf("drill-down: unit %q, overdue %q; want diskominfo with 1 overdue", got, e.text("#jumlah-terlambat"))
	}
	e.run("only the overdue", chromedp.Click("#overdue", chromedp.ByID), chromedp.Click("#saring", chromedp.ByID),
		chromedp.WaitVisible(`//caption[contains(., "yang terlambat")]`))
	if got := e.text("#pegawai caption"); !strings.Contains(got, "terlambat") || e.text("#pegawai tbody td") != nipEmployee {
		t.Errorf("overdue filter: %q, first NIP %q", got, e.text("#pegawai tbody td"))
	}
	e.run("only the blocked", chromedp.Click("#overdue", chromedp.ByID), chromedp.Click("#blocked", chromedp.ByID),
		chromedp.Click("#saring", chromedp.ByID), chromedp.WaitVisible("#tanpa-pegawai", chromedp.ByID))
	e.shot("kemajuan")

	// Monitoring Kurva of the unit: the employee's predikat (set here in the database) against the
	// rule of the predikat HR records; the rule is broken, so HR records a justification.
	if _, err := e.p.Pool.Exec(ctx, `UPDATE employee_cycles SET predikat = 'sangat_baik'`); err != nil {
		t.Fatal(err)
	}
	e.run("kurva", chromedp.Navigate(fmt.Sprintf("%s/siklus/%d/kurva?unit=diskominfo", e.base, e.cycle)),
		chromedp.WaitVisible("#simpan-predikat", chromedp.ByID))
	if got := e.text("#predikat-org"); got != "belum ditetapkan" {
		t.Errorf("org predikat before: %q", got)
	}
	e.run("record without choosing", chromedp.Click("#simpan-predikat", chromedp.ByID), chromedp.WaitVisible("#predikat-galat", chromedp.ByID))
	e.run("record butuh perbaikan", chromedp.SetValue("#predikat", "butuh_perbaikan", chromedp.ByID),
		chromedp.Click("#simpan-predikat", chromedp.ByID), status("Predikat organisasi telah dicatat"))
	var org string
	e.row(fmt.Sprintf(`SELECT predikat FROM org_predikat WHERE cycle_id = %d AND unit_id = 'diskominfo'`, e.cycle), &org)
	if org != "butuh_perbaikan" || e.text("#predikat-org") != "Butuh Perbaikan" || e.text("#status-kurva") != "melanggar ketentuan" {
		t.Errorf("org predikat: stored %q, page %q, status %q", org, e.text("#predikat-org"), e.text("#status-kurva"))
	}
	var svgTitle, sb string
	e.run("read the chart", chromedp.TextContent("svg.kurva title", &svgTitle, chromedp.ByQuery),
		chromedp.TextContent("svg.kurva .batang text", &sb, chromedp.ByQuery))
	if svgTitle != "Sebaran predikat pegawai Dinas Komunikasi dan Informatika" || sb != "1" {
		t.Errorf("chart: title %q, Sangat Baik bar %q (the database holds 1)", svgTitle, sb)
	}
	const reason = "Unit menangani program prioritas daerah tahun ini"
	e.run("justify too briefly", chromedp.SendKeys("#justification", "terlalu singkat", chromedp.ByID),
		chromedp.Click("#simpan-justifikasi", chromedp.ByID), chromedp.WaitVisible("#justification-galat", chromedp.ByID))
	var kept string
	e.run("read back", chromedp.Value("#justification", &kept, chromedp.ByID))
	if kept != "terlalu singkat" {
		t.Errorf("justification after the refusal: %q", kept)
	}
	e.run("justify", chromedp.Clear("#justification", chromedp.ByID), chromedp.SendKeys("#justification", reason, chromedp.ByID),
		chromedp.Click("#simpan-justifikasi", chromedp.ByID), chromedp.WaitVisible("#justifikasi-tercatat", chromedp.ByID))
	var justified string
	e.row(fmt.Sprintf(`SELECT justification FROM distribution_justifications WHERE cycle_id = %d`, e.cycle), &justified)
	if justified != reason || !strings.Contains(e.text("#justifikasi-tercatat"), reason) {
		t.Errorf("justification stored %q, page %q", justified, e.text("#justifikasi-tercatat"))
	}
	e.shot("kurva")

	// A Plt: a NIP too short and no reason first, then a proper one.
	e.run("delegations", chromedp.Click(`nav a[href="/delegasi"]`, chromedp.ByQuery), chromedp.WaitVisible("#simpan-delegasi", chromedp.ByID))
	from := time.Now().Add(24 * time.Hour).Truncate(time.Minute)
	e.run("record a bad one", chromedp.SendKeys("#principal_nip", "12345", chromedp.ByID),
		chromedp.SendKeys("#delegate_nip", testenv.NIPHead, chromedp.ByID),
		chromedp.SetValue("#starts_at", local(from), chromedp.ByID), chromedp.SetValue("#ends_at", local(from.Add(10*24*time.Hour)), chromedp.ByID),
		chromedp.Click("#simpan-delegasi", chromedp.ByID), chromedp.WaitVisible("#principal_nip-galat", chromedp.ByID))
	var delegate string
	e.run("read back", chromedp.Value("#delegate_nip", &delegate, chromedp.ByID))
	if e.text("#principal_nip-galat") != "NIP harus 18 digit angka" || !strings.Contains(e.text("#reason-galat"), "wajib diisi") || delegate != testenv.NIPHead {
		t.Errorf("refused delegation: %q, %q, delegate kept %q", e.text("#principal_nip-galat"), e.text("#reason-galat"), delegate)
	}
	e.shot("delegasi-galat")
	e.run("record a proper one", chromedp.Clear("#principal_nip", chromedp.ByID), chromedp.SendKeys("#principal_nip", nipPenilai, chromedp.ByID),
		chromedp.SendKeys("#reason", "Surat Perintah Plt Nomor 800/21/BKPSDM", chromedp.ByID),
		chromedp.Click("#simpan-delegasi", chromedp.ByID), status("Delegasi Plt/Plh telah dicatat"))
	var kind string
	var starts time.Time
	e.row(`SELECT kind, starts_at FROM delegations WHERE principal_nip = '`+nipPenilai+`' AND delegate_nip = '`+testenv.NIPHead+`'`, &kind, &starts)
	if kind != "plt" || !starts.Equal(from) || !strings.Contains(e.text("#daftar-delegasi tbody"), wib.Format(from)) {
		t.Errorf("delegation stored %s from %v; the page lists %q", kind, starts, e.text("#daftar-delegasi tbody"))
	}
	e.shot("delegasi")
	var delegationID int64
	e.row(`SELECT id FROM delegations WHERE delegate_nip = '`+testenv.NIPHead+`'`, &delegationID)
	e.run("revoke it", chromedp.Click(fmt.Sprintf("#cabut-%d", delegationID), chromedp.ByID), status("telah dicabut"))
	var revoked bool
	e.row(fmt.Sprintf(`SELECT revoked_at IS NOT NULL FROM delegations WHERE id = %d`, delegationID), &revoked)
	if !revoked || !strings.Contains(e.text("#daftar-delegasi tbody"), "dicabut") {
		t.Errorf("after revoking: stored revoked %v, page %q", revoked, e.text("#daftar-delegasi tbody"))
	}

	// The audit export: the days in the wrong order come back on the form.
	e.run("audit", chromedp.Click(`nav a[href="/audit"]`, chromedp.ByQuery), chromedp.WaitVisible("#unduh-audit", chromedp.ByID),
		chromedp.SetValue("#from", "2026-12-10", chromedp.ByID), chromedp.SetValue("#to", "2026-12-01", chromedp.ByID),
		chromedp.Click("#unduh-audit", chromedp.ByID), chromedp.WaitVisible("#to-galat", chromedp.ByID))
	var from2 string
	e.run("read back", chromedp.Value("#from", &from2, chromedp.ByID))
	if !strings.Contains(e.text("#to-galat"), "tidak boleh sebelum") || from2 != "2026-12-10" {
		t.Errorf("audit form: %q, from kept %q", e.text("#to-galat"), from2)
	}
	e.shot("audit-galat")
	t.Logf("screenshots in %s", e.dir)
}

// TestAuditDownloadFromThePage downloads the export through the page's address with a session
// and finds every audit row of the day in it.
func TestAuditDownloadFromThePage(t *testing.T) {
	e := startWorld(t)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	e.json(hc, "", "POST", "/api/auth/login", map[string]string{"nip": nipHR, "password": password}, 200)
	day := time.Now().In(wib.Location).Format(time.DateOnly)
	res, err := hc.Get(e.base + "/audit/unduh?from=" + day + "&to=" + day)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var rows int
	e.row(`SELECT count(*) FROM audit_log WHERE at >= date_trunc('day', now() AT TIME ZONE 'Asia/Jakarta') AT TIME ZONE 'Asia/Jakarta'`, &rows)
	lines := strings.Count(string(body), "\n")
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Content-Disposition"), "audit-log_"+day) || lines != rows || rows == 0 {
		t.Errorf("download: %d %q, %d lines; the database holds %d rows of the day", res.StatusCode, res.Header.Get("Content-Disposition"), lines, rows)
	}
}
