package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
	"github.com/jackc/pgx/v5"
	"go.temporal.io/api/serviceerror"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const (
	nipHR       = testenv.NIPHR
	nipPenilai  = testenv.NIPPenilai
	nipEmployee = testenv.NIPEmployee
	password    = "kata sandi yang cukup panjang"
)

// chromium finds Debian's headless browser; the test fails without it (.ci/run installs it).
func chromium(t testing.TB) string {
	t.Helper()
	for _, name := range []string{os.Getenv("KINERJA_CHROMIUM"), "chromium", "chromium-browser"} {
		if name == "" {
			continue
		}
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("chromium not found: install Debian's chromium package (apt-get install chromium; .ci/run does) or set KINERJA_CHROMIUM")
	return ""
}

// artifacts is where screenshots go: $KINERJA_ARTIFACTS/<test>, else the test's temporary directory.
func artifacts(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("KINERJA_ARTIFACTS")
	if dir == "" {
		return t.TempDir()
	}
	dir = filepath.Join(dir, t.Name())
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

type browserEnv struct {
	t     testing.TB
	base  string
	p     *platform.Platform
	ctx   context.Context
	dir   string
	shots int
	cycle int64
}

// openBrowser starts headless chromium for the test, on a context that lives as long as the test.
func (e *browserEnv) openBrowser() {
	e.t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromium(e.t)), chromedp.WindowSize(1280, 800),
		chromedp.Flag("disable-gpu", true))
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	var cancel context.CancelFunc
	e.ctx, cancel = chromedp.NewContext(actx)
	e.t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Run(e.ctx); err != nil {
		e.t.Fatalf("start chromium: %v", err)
	}
}

// startWorld starts the whole platform (real PostgreSQL, Temporal, worker, HTTP), imports the
// organisation, gives everyone a password, and has HR open a cycle and enrol the employee over the
// JSON API.
func startWorld(t testing.TB) *browserEnv {
	t.Helper()
	ctx := context.Background()
	dbURL := testenv.DBURL(t)
	p, err := platform.Start(ctx, platform.Config{DatabaseURL: dbURL, TemporalAddress: testenv.Temporal(t),
		TemporalNamespace: "default", HTTPAddr: "127.0.0.1:0", Logger: testenv.Logger(), Payloads: testenv.Payloads(t),
		PublicURL: "http://kinerja.contoh.go.id", EvidenceDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { endYears(t, p); _ = p.Stop(context.Background()) })
	// Workflow ids name the cycle and every test database counts cycles from 1: start far away
	// from other databases' cycles on the shared Temporal server.
	if _, err := p.Pool.Exec(ctx, fmt.Sprintf(`ALTER SEQUENCE cycles_id_seq RESTART WITH %d`, 2_000_000+rand.IntN(1_000_000_000))); err != nil {
		t.Fatal(err)
	}
	st := &store.Store{Pool: p.Pool}
	emp := func(nip, name, pos, sup string, hr bool) store.Employee {
		return store.Employee{NIP: nip, Name: name, Email: nip + "@contoh.go.id", Status: "PNS", UnitID: "diskominfo",
			PositionID: pos, SuperiorNIP: sup, IsHR: hr}
	}
	if err := st.ImportOrg(ctx, store.OrgImport{
		Units: []store.Unit{{ID: "diskominfo", Name: "Dinas Komunikasi dan Informatika"}},
		Positions: []store.Position{{ID: "kadis", Name: "Kepala Dinas", JenisJabatan: "jpt", KelasJabatan: 14, TPPBasic: 15_000_000},
			{ID: "kabid", Name: "Kepala Bidang", JenisJabatan: "administrator", KelasJabatan: 11, TPPBasic: 9_000_000},
			{ID: "pranata", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8, TPPBasic: 5_000_000}},
		Employees: []store.Employee{emp(testenv.NIPHead, "Hadi Prasetyo", "kadis", "", false),
			emp(nipPenilai, "Sari Wulandari", "kabid", testenv.NIPHead, false),
			emp(nipEmployee, "Budi Santoso", "pranata", nipPenilai, false), emp(nipHR, "Rina Kusuma", "pranata", testenv.NIPHead, true)},
	}); err != nil {
		t.Fatal(err)
	}
	acc := &auth.Service{Pool: p.Pool}
	for _, nip := range []string{nipHR, nipPenilai, nipEmployee, testenv.NIPHead} {
		if _, err := acc.SetPassword(ctx, nip, password); err != nil {
			t.Fatal(err)
		}
	}
	e := &browserEnv{t: t, base: "http://" + p.Addr, p: p, dir: artifacts(t)}

	// HR, over the JSON API with a session: a cycle whose dates are weeks away, and the enrolment.
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	csrf := e.json(hc, "", "POST", "/api/auth/login", map[string]string{"nip": nipHR, "password": password}, 200)["csrf_token"].(string)
	dl := map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		dl[n] = time.Now().Add(time.Duration(i+3) * 7 * 24 * time.Hour).UTC().Truncate(time.Second)
	}
	e.cycle = int64(e.json(hc, csrf, "POST", "/api/cycles", map[string]any{"year": 2026, "deadlines": dl}, 201)["id"].(float64))
	e.json(hc, csrf, "POST", fmt.Sprintf("/api/cycles/%d/enrol", e.cycle), map[string]any{"nips": []string{nipEmployee}}, 202)
	e.waitDB(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan' AND done_at IS NULL`, 1)
	return e
}

func (e *browserEnv) json(hc *http.Client, csrf, method, path string, body any, want int) map[string]any {
	e.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, e.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if csrf != "" {
		req.Header.Set("X-CSRF-Token", csrf)
	}
	res, err := hc.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(res.Body).Decode(&out)
	if res.StatusCode != want {
		e.t.Fatalf("%s %s: %d, want %d: %v", method, path, res.StatusCode, want, out)
	}
	return out
}

// waitDB waits until a count query answers n (the enrolment starts the workflow asynchronously).
func (e *browserEnv) waitDB(sql string, n int) {
	e.t.Helper()
	var got int
	for range 600 {
		if err := e.p.Pool.QueryRow(context.Background(), sql).Scan(&got); err == nil && got == n {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	e.t.Fatalf("%s: %d, want %d", sql, got, n)
}

func (e *browserEnv) row(sql string, dest ...any) {
	e.t.Helper()
	if err := e.p.Pool.QueryRow(context.Background(), sql).Scan(dest...); err != nil {
		e.t.Fatalf("%s: %v", sql, err)
	}
}

// run runs browser actions, failing the test with the page's text when one fails.
func (e *browserEnv) run(what string, actions ...chromedp.Action) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(e.ctx, 60*time.Second)
	defer cancel()
	if err := chromedp.Run(ctx, actions...); err != nil {
		var body string
		_ = chromedp.Run(e.ctx, chromedp.Text("body", &body, chromedp.ByQuery))
		e.t.Fatalf("%s: %v\npage:\n%s", what, err, body)
	}
}

// text is the visible text of the first element matching sel.
func (e *browserEnv) text(sel string) string {
	e.t.Helper()
	var s string
	e.run("read "+sel, chromedp.Text(sel, &s, chromedp.ByQuery))
	return strings.TrimSpace(s)
}

// shot keeps a full-page screenshot at phone (360 px) and desktop (1280 px) width.
func (e *browserEnv) shot(name string) {
	e.t.Helper()
	e.shots++
	for _, w := range []int64{360, 1280} {
		var png []byte
		e.run("screenshot "+name, chromedp.EmulateViewport(w, 800), chromedp.FullScreenshot(&png, 100))
		file := filepath.Join(e.dir, fmt.Sprintf("%02d-%s-%d.png", e.shots, name, w))
		if err := os.WriteFile(file, png, 0o644); err != nil {
			e.t.Fatal(err)
		}
	}
	e.run("viewport", chromedp.EmulateViewport(1280, 800))
}

func (e *browserEnv) login(nip string) {
	e.t.Helper()
	e.run("login as "+nip,
		chromedp.Navigate(e.base+"/tugas"),
		chromedp.WaitVisible("#nip", chromedp.ByID), // no session: the login page
		chromedp.SendKeys("#nip", nip, chromedp.ByID),
		chromedp.SendKeys("#password", password, chromedp.ByID),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
		chromedp.WaitVisible(`//h1[text()="Tugas saya"]`),
	)
}

func (e *browserEnv) logout() {
	e.t.Helper()
	e.run("logout", chromedp.Click(`.keluar button`, chromedp.ByQuery), chromedp.WaitVisible("#nip", chromedp.ByID))
}

// planRow is what the database holds of the employee's latest SKP.
func (e *browserEnv) plan() (version int, status, notes, rhk, iki, target string) {
	e.t.Helper()
	e.row(`SELECT s.version, s.status, coalesce(s.return_notes, ''), i.rhk, i.iki, i.target FROM skp s
		JOIN skp_items i ON i.skp_id = s.id AND i.seq = 0 WHERE s.nip = '`+nipEmployee+`' ORDER BY s.version DESC LIMIT 1`,
		&version, &status, &notes, &rhk, &iki, &target)
	return
}

// superiorRHK is the RHK of the supervisor's SKP the employee's row serves (cascading).
const superiorRHK = "Terselenggaranya layanan perizinan daring terpadu"

// enrolSupervisor puts the supervisor in the cycle and has them submit an SKP of their own (their
// penilai, the head, answers to a regent outside the cycle); it is left awaiting the head's approval.
func (e *browserEnv) enrolSupervisor() {
	e.t.Helper()
	ctx := context.Background()
	if _, err := e.p.Pool.Exec(ctx, `INSERT INTO org_units (id, name) VALUES ('pemda', 'Pemerintah Kabupaten Contoh')`); err != nil {
		e.t.Fatal(err)
	}
	if _, err := e.p.Pool.Exec(ctx, `WITH b AS (INSERT INTO employees (nip, name, email, status, unit_id, position_id)
		VALUES ('196501011990031001', 'Bupati', 'bupati@contoh.go.id', 'PNS', 'pemda', 'kadis') RETURNING nip)
		UPDATE employees SET superior_nip = (SELECT nip FROM b) WHERE nip = $1`, testenv.NIPHead); err != nil {
		e.t.Fatal(err)
	}
	hc, csrf := e.session(nipHR)
	e.json(hc, csrf, "POST", fmt.Sprintf("/api/cycles/%d/enrol", e.cycle), map[string]any{"nips": []string{nipPenilai}}, 202)
	e.waitDB(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan' AND done_at IS NULL`, 2)
	hc, csrf = e.session(nipPenilai)
	e.json(hc, csrf, "POST", fmt.Sprintf("/api/cycles/%d/employees/%s/submit-plan", e.cycle, nipPenilai), map[string]any{"plan": map[string]any{
		"approach": "kuantitatif", "items": []map[string]string{
			{"kind": "utama", "superior_rhk": "Meningkatnya kualitas pelayanan publik", "rhk": "Tersusunnya kebijakan tata kelola data",
				"aspect": "kuantitas", "iki": "Jumlah kebijakan", "target": "2", "unit": "dokumen"},
			{"kind": "utama", "superior_rhk": "Meningkatnya kualitas pelayanan publik", "rhk": superiorRHK,
				"aspect": "kualitas", "iki": "Persentase layanan daring", "target": "80", "unit": "persen"}}}}, 200)
}

// approveSupervisor: the head approves the supervisor's SKP over the JSON API.
func (e *browserEnv) approveSupervisor() {
	e.t.Helper()
	hc, csrf := e.session(testenv.NIPHead)
	e.json(hc, csrf, "POST", fmt.Sprintf("/api/cycles/%d/employees/%s/approve-plan", e.cycle, nipPenilai), map[string]any{}, 200)
	e.waitDB(`SELECT count(*) FROM skp WHERE nip = '`+nipPenilai+`' AND status = 'approved'`, 1)
}

// TestSKPInTheBrowser drives headless Chromium through an SKP's round trip on the real platform:
// the employee drafts (a bad field first), submits; the supervisor returns it with notes; the
// employee revises and resubmits; the supervisor approves. Each step checks the page against
// what PostgreSQL holds. Cascading runs through it: the supervisor's own SKP awaits approval
// first, so the employee may draft but not submit; once it is approved the employee picks the
// supervisor's RHK from the list, and the supervisor sees which of their RHK the row serves.
func TestSKPInTheBrowser(t *testing.T) {
	e := startWorld(t)
	e.openBrowser()

	e.enrolSupervisor()

	// The employee logs in; "Tugas saya" lists the draft task the workflow opened, with its date.
	e.login(nipEmployee)
	var title string
	var due time.Time
	e.row(`SELECT title, due_at FROM tasks WHERE kind = 'draft_plan' AND subject_nip = '`+nipEmployee+`'`, &title, &due)
	if got := e.text(".tugas a"); got != title {
		t.Errorf("Tugas saya shows %q, the database holds %q", got, title)
	}
	if got := e.text(".tugas .batas"); !strings.Contains(got, wibDate(due)) {
		t.Errorf("due date on the page %q, want %q", got, wibDate(due))
	}
	e.shot("tugas-pegawai")

	// The SKP form: a second row added and removed again, then a submit with the IKI left empty.
	e.run("open the form", chromedp.Click(".tugas a", chromedp.ByQuery), chromedp.WaitVisible("#items-0-rhk", chromedp.ByID))
	e.run("add and remove a row",
		chromedp.Click(`button[value="tambah"]`, chromedp.ByQuery), chromedp.WaitVisible("#items-1-rhk", chromedp.ByID),
		chromedp.Click(`button[value="hapus-1"]`, chromedp.ByQuery), chromedp.WaitNotPresent("#items-1-rhk", chromedp.ByID))
	const rhk = "Tersedianya layanan aplikasi perizinan daring"
	e.run("fill the form without IKI",
		chromedp.SendKeys("#items-0-superior_rhk", "Meningkatnya kualitas pelayanan publik", chromedp.ByID),
		chromedp.SendKeys("#items-0-rhk", rhk, chromedp.ByID),
		chromedp.SendKeys("#items-0-target", "4", chromedp.ByID),
		chromedp.SendKeys("#items-0-unit", "modul", chromedp.ByID),
		chromedp.Click("#ajukan", chromedp.ByID),
		chromedp.WaitVisible("#items-0-iki-galat", chromedp.ByID))
	if got := e.text("#items-0-iki-galat"); got != "wajib diisi" {
		t.Errorf("error next to IKI: %q", got)
	}
	var typed, invalid string
	e.run("read back", chromedp.Value("#items-0-rhk", &typed, chromedp.ByID),
		chromedp.AttributeValue("#items-0-iki", "aria-invalid", &invalid, nil, chromedp.ByID))
	if typed != rhk || invalid != "true" {
		t.Errorf("after the refusal: RHK %q (want what was typed), IKI aria-invalid %q", typed, invalid)
	}
	var n int
	e.row(`SELECT count(*) FROM skp WHERE nip = '`+nipEmployee+`'`, &n)
	if n != 0 {
		t.Errorf("a refused SKP was stored: %d rows", n)
	}
	e.shot("skp-galat")
	// The supervisor's SKP is not approved yet: the form says so, and the submit is refused on the row.
	if got := e.text("#cascading"); !strings.Contains(got, "belum disetujui") {
		t.Errorf("the form's cascading note: %q", got)
	}
	e.run("fill IKI and submit before the supervisor's SKP is approved",
		chromedp.SendKeys("#items-0-iki", "Jumlah modul yang dirilis", chromedp.ByID),
		chromedp.Click("#ajukan", chromedp.ByID),
		chromedp.WaitVisible("#items-0-superior_rhk-galat", chromedp.ByID))
	if got := e.text("#items-0-superior_rhk-galat"); !strings.HasPrefix(got, "baris 1: SKP atasan belum disetujui") {
		t.Errorf("error on the row: %q", got)
	}
	e.row(`SELECT count(*) FROM skp WHERE nip = '`+nipEmployee+`'`, &n)
	if n != 0 {
		t.Errorf("an SKP refused for its parent was stored: %d rows", n)
	}
	e.shot("skp-atasan-belum-disetujui")

	// The head approves the supervisor's SKP; the same form, submitted again, now offers its RHK
	// and asks for one (what was typed kept); the employee picks the second.
	e.approveSupervisor()
	e.run("submit again", chromedp.Click("#ajukan", chromedp.ByID), chromedp.WaitVisible("#items-0-parent-galat", chromedp.ByID))
	if got := e.text("#items-0-parent-galat"); got != "baris 1: pilih RHK atasan yang diintervensi dari daftar" {
		t.Errorf("error next to the parent: %q", got)
	}
	var options string
	e.run("read the choices", chromedp.Value("#items-0-rhk", &typed, chromedp.ByID), chromedp.Text("#items-0-parent", &options, chromedp.ByID))
	if typed != rhk || !strings.Contains(options, "2. "+superiorRHK) || !strings.Contains(options, "1. Tersusunnya kebijakan tata kelola data") {
		t.Errorf("after the refusal: RHK %q, choices %q", typed, options)
	}
	e.shot("skp-pilih-rhk-atasan")
	var parentRef string
	e.row(`SELECT 'rhk:' || s.id || ':1' FROM skp s WHERE s.nip = '`+nipPenilai+`'`, &parentRef)
	e.run("pick the supervisor's RHK and submit",
		chromedp.SetValue("#items-0-parent", parentRef, chromedp.ByID),
		chromedp.Click("#ajukan", chromedp.ByID),
		chromedp.WaitVisible(`//p[@role="status"]`))
	var storedParent, storedText string
	e.row(`SELECT 'rhk:' || i.parent_skp_id || ':' || i.parent_seq, i.superior_rhk FROM skp s JOIN skp_items i ON i.skp_id = s.id
		WHERE s.nip = '`+nipEmployee+`' AND i.seq = 0`, &storedParent, &storedText)
	if storedParent != parentRef || storedText != superiorRHK {
		t.Errorf("stored parent %q %q, want %q %q", storedParent, storedText, parentRef, superiorRHK)
	}
	version, status, _, gotRHK, _, _ := e.plan()
	if version != 1 || status != "submitted" || gotRHK != rhk {
		t.Fatalf("database after submit: version %d %s %q", version, status, gotRHK)
	}
	if got := e.text("#status-skp"); !strings.Contains(got, "menunggu persetujuan") || !strings.Contains(got, "versi 1") {
		t.Errorf("year page shows SKP %q, the database holds version 1 submitted", got)
	}
	if got := e.text("#tahap"); got != "Perencanaan SKP" {
		t.Errorf("phase on the page %q", got)
	}
	e.shot("tahun-diajukan")
	// "Tahun saya" lists the year with the phase the database holds.
	var phase string
	e.row(`SELECT phase FROM employee_cycles WHERE nip = '`+nipEmployee+`'`, &phase)
	e.run("Tahun saya", chromedp.Click(`nav a[href="/tahun"]`, chromedp.ByQuery), chromedp.WaitVisible(".daftar li", chromedp.ByQuery))
	if got := e.text(".daftar li .ket"); phase != "perencanaan" || got != "Tahap: Perencanaan SKP" {
		t.Errorf("Tahun saya shows %q, the database holds phase %q", got, phase)
	}
	e.logout()

	// The supervisor finds the review in "Tugas saya" and returns the SKP with notes.
	e.login(nipPenilai)
	e.row(`SELECT title FROM tasks WHERE kind = 'review_plan' AND done_at IS NULL`, &title)
	if got := e.text(".tugas a"); got != title {
		t.Errorf("the supervisor's Tugas saya shows %q, the database holds %q", got, title)
	}
	e.run("open the review", chromedp.Click(".tugas a", chromedp.ByQuery), chromedp.WaitVisible("#kembalikan", chromedp.ByID))
	if got := e.text(".rhk-isi"); got != rhk {
		t.Errorf("review shows RHK %q, want %q", got, rhk)
	}
	if got := e.text(".rhk tbody td:nth-child(3)"); got != superiorRHK {
		t.Errorf("review shows the supervisor's RHK served as %q, want %q", got, superiorRHK)
	}
	e.shot("tinjau-skp")
	e.run("return without notes", chromedp.Click("#kembalikan", chromedp.ByID), chromedp.WaitVisible("#notes-galat", chromedp.ByID))
	if got := e.text("#notes-galat"); got != "tuliskan apa yang perlu diperbaiki" {
		t.Errorf("error next to the notes: %q", got)
	}
	const notes = "Target perlu dinaikkan menjadi 6 modul"
	e.run("return with notes", chromedp.SendKeys("#notes", notes, chromedp.ByID), chromedp.Click("#kembalikan", chromedp.ByID),
		chromedp.WaitVisible("#catatan", chromedp.ByID))
	_, status, gotNotes, _, _, _ := e.plan()
	if status != "returned" || gotNotes != notes {
		t.Fatalf("database after return: %s %q", status, gotNotes)
	}
	if got := e.text("#catatan"); got != notes {
		t.Errorf("year page shows notes %q, the database holds %q", got, notes)
	}
	e.logout()

	// The employee revises the returned SKP (the form starts from it) and resubmits.
	e.login(nipEmployee)
	e.run("open the returned SKP", chromedp.Navigate(fmt.Sprintf("%s/siklus/%d/pegawai/%s/skp", e.base, e.cycle, nipEmployee)),
		chromedp.WaitVisible("#items-0-target", chromedp.ByID))
	var picked string
	e.run("read the form", chromedp.Value("#items-0-rhk", &typed, chromedp.ByID), chromedp.Value("#items-0-parent", &picked, chromedp.ByID))
	if typed != rhk || picked != parentRef || !strings.Contains(e.text("#catatan"), notes) {
		t.Errorf("the returned SKP's form: RHK %q, parent %q, notes %q", typed, picked, e.text("#catatan"))
	}
	e.shot("skp-dikembalikan")
	// By keyboard: Enter in a field submits the SKP (not the row's "Hapus" button before it).
	e.run("revise and resubmit", chromedp.Clear("#items-0-target", chromedp.ByID),
		chromedp.SendKeys("#items-0-target", "6"+kb.Enter, chromedp.ByID), chromedp.WaitVisible(`//p[@role="status"]`))
	version, status, _, _, _, target := e.plan()
	if version != 2 || status != "submitted" || target != "6" {
		t.Fatalf("database after resubmit: version %d %s target %q", version, status, target)
	}
	if got := e.text("#status-skp"); !strings.Contains(got, "versi 2") {
		t.Errorf("year page shows %q, the database holds version 2", got)
	}
	e.logout()

	// The supervisor approves.
	e.login(nipPenilai)
	e.run("open the second version", chromedp.Click(".tugas a", chromedp.ByQuery), chromedp.WaitVisible("#setujui", chromedp.ByID))
	// What changed since version 1, as the two versions in the database differ: the target.
	var before string
	e.row(`SELECT i.target || ' ' || i.unit FROM skp s JOIN skp_items i ON i.skp_id = s.id AND i.seq = 0 WHERE s.version = 1 AND s.nip = '`+nipEmployee+`'`, &before)
	if got := e.text("#perubahan tbody tr"); !strings.Contains(got, "Target") || !strings.Contains(got, before) || !strings.Contains(got, "6 modul") {
		t.Errorf("changes since version 1: %q, the database holds %q then 6 modul", got, before)
	}
	e.shot("tinjau-perubahan")
	e.run("approve", chromedp.Click("#setujui", chromedp.ByID), chromedp.WaitVisible(`//p[@role="status"]`))
	_, status, _, _, _, _ = e.plan()
	if status != "approved" {
		t.Fatalf("database after approval: %s", status)
	}
	if got := e.text("#status-skp"); !strings.HasPrefix(got, "disetujui") {
		t.Errorf("year page shows %q, the database holds approved", got)
	}
	e.shot("skp-disetujui")

	// The supervisor's own SKP page: each of their RHK with the rows that serve it.
	e.run("the supervisor's own SKP", chromedp.Navigate(fmt.Sprintf("%s/siklus/%d/pegawai/%s/skp", e.base, e.cycle, nipPenilai)),
		chromedp.WaitVisible("#cascading-pohon", chromedp.ByID))
	var first, second string
	e.run("read the tree", chromedp.Text("#cascading-pohon > li:nth-child(1)", &first, chromedp.ByQuery),
		chromedp.Text("#cascading-pohon > li:nth-child(2)", &second, chromedp.ByQuery))
	if !strings.Contains(second, superiorRHK) || !strings.Contains(second, "Budi Santoso") || !strings.Contains(second, rhk) ||
		!strings.Contains(first, "Belum ada hasil kerja bawahan") {
		t.Errorf("cascade on the supervisor's SKP page:\n%s\n%s", first, second)
	}
	e.shot("cascading-atasan")
	t.Logf("screenshots in %s", e.dir)
}

// wibDate is the date part of internal/wib's format, e.g. "21 Desember 2026".
func wibDate(t time.Time) string {
	bulan := []string{"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"}
	w := t.In(time.FixedZone("WIB", 7*3600))
	return fmt.Sprintf("%d %s %d", w.Day(), bulan[w.Month()-1], w.Year())
}

// endYears terminates the workflows the test left running on the shared Temporal server.
func endYears(t testing.TB, p *platform.Platform) {
	ctx := context.Background()
	rows, err := p.Pool.Query(ctx, `SELECT workflow_id FROM employee_cycles`)
	if err != nil {
		t.Errorf("list workflows: %v", err)
		return
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Errorf("list workflows: %v", err)
		return
	}
	for _, id := range ids {
		var nf *serviceerror.NotFound
		if err := p.Temporal.TerminateWorkflow(ctx, id, "", "test finished"); err != nil && !errors.As(err, &nf) {
			t.Errorf("terminate %s: %v", id, err)
		}
	}
}

// TestPageFormsNeedTheirTokens checks the two guards of the page forms on the real server: the
// login form's token must match the cookie the login page set, and every form after login must
// carry the session's CSRF token (the same check as the JSON API's X-CSRF-Token).
func TestPageFormsNeedTheirTokens(t *testing.T) {
	e := startWorld(t)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	post := func(path string, form url.Values) (int, string) {
		t.Helper()
		res, err := hc.PostForm(e.base+path, form)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	login := url.Values{"nip": {nipEmployee}, "password": {password}, "login_token": {"tebakan"}}
	if status, body := post("/masuk", login); status != http.StatusForbidden || !strings.Contains(body, "kedaluwarsa") {
		t.Errorf("login without the login page's cookie: %d %s", status, body)
	}

	// The login page sets the cookie and puts the same token in the form.
	res, err := hc.Get(e.base + "/masuk")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	m := regexp.MustCompile(`name="login_token" value="([0-9a-f]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no login token in the login page: %s", page)
	}
	login.Set("login_token", string(m[1]))
	wrong := url.Values{"nip": {nipEmployee}, "password": {"bukan kata sandinya"}, "login_token": login["login_token"]}
	if status, body := post("/masuk", wrong); status != http.StatusUnauthorized || !strings.Contains(body, "NIP atau kata sandi salah") ||
		!strings.Contains(body, `value="`+nipEmployee+`"`) {
		t.Errorf("wrong password: %d, want 401 with the message and the NIP kept: %s", status, body)
	}
	if status, body := post("/masuk", login); status != http.StatusSeeOther {
		t.Fatalf("login with the token: %d %s", status, body)
	}

	// Logged in: a form without the CSRF token is refused, and the session stays.
	if status, body := post("/keluar", url.Values{}); status != http.StatusForbidden || !strings.Contains(body, `data-code="csrf"`) {
		t.Errorf("logout without the CSRF token: %d %s", status, body)
	}
	res, err = hc.Get(e.base + "/tugas")
	if err != nil {
		t.Fatal(err)
	}
	page, _ = io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("Tugas saya after the refused form: %d", res.StatusCode)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "style-src 'self'") || strings.Contains(csp, "script-src") {
		t.Errorf("page CSP: %q", csp)
	}
	m = regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token in the page")
	}
	if status, _ := post("/keluar", url.Values{"csrf_token": {string(m[1])}}); status != http.StatusSeeOther {
		t.Errorf("logout with the token: %d", status)
	}
	var open int
	e.row(`SELECT count(*) FROM sessions WHERE nip = '`+nipEmployee+`' AND revoked_at IS NULL AND expires_at > now()`, &open)
	if open != 0 {
		t.Errorf("%d sessions still open after logout", open)
	}
}
