package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web"
	"github.com/kinerja/platform/worker"
	"github.com/kinerja/platform/workflows"
)

// The authorisation table: every route of the API × every role, with the answer each must get.
// A route missing from the table fails TestAuthz, so every new endpoint has to join it.
//
// The organisation: pemda ⊃ {bkpsdm, dinas-x ⊃ bidang-a, dinas-y}. The pegawai works in bidang-a;
// their penilai heads bidang-a, the atasan heads dinas-x.
const (
	azAtasan      = "197001011995031101"
	azPenilai     = "198001012005011102"
	azPegawai     = "199203152018011103"
	azEnrolRegion = "199301012019011104" // enrolled by region-wide HR in the table
	azEnrolScoped = "199302022019011105" // enrolled by HR scoped to dinas-x in the table
	azStranger    = "199405202019032106" // same unit as the pegawai, no part in their year
	azPlt         = "198806062010011107" // Plt of the penilai, in force
	azPlh         = "198707072010011108" // Plh of the penilai, over yesterday
	azHRRegion    = "198501012010012109"
	azHROther     = "198602022010012110" // HR scoped to dinas-y
	azHRScoped    = "198603032010012111" // HR scoped to dinas-x, the pegawai's subtree
	azAdmin       = "198004042005011112"
	azLogin       = "199506062020121113" // the account the login route uses
	azNobody      = "200101012026011999" // in no org data
)

type azRole struct{ name, nip, short string }

var (
	rPegawai  = azRole{"pegawai", azPegawai, "peg"}
	rPenilai  = azRole{"penilai", azPenilai, "pen"}
	rAtasan   = azRole{"atasan", azAtasan, "ata"}
	rStranger = azRole{"orang lain", azStranger, "lain"}
	rPlt      = azRole{"Plt penilai", azPlt, "Plt"}
	rPlh      = azRole{"Plh kedaluwarsa", azPlh, "Plh"}
	rHRRegion = azRole{"HR daerah", azHRRegion, "HRd"}
	rHROther  = azRole{"HR unit lain", azHROther, "HRy"}
	rHRScoped = azRole{"HR unit pegawai", azHRScoped, "HRx"}
	rAdmin    = azRole{"admin", azAdmin, "adm"}
	rAnon     = azRole{"anonim", "", "anon"}

	azRoles = []azRole{rPegawai, rPenilai, rAtasan, rStranger, rPlt, rPlh, rHRRegion, rHROther, rHRScoped, rAdmin, rAnon}

	// Who sees the pegawai's year; the others get the 404 of a missing record.
	yearVisible = []azRole{rPegawai, rPenilai, rAtasan, rPlt, rHRRegion, rHRScoped}
)

// stepOwners is who may take each kind of step in the pegawai's year.
var stepOwners = map[string][]azRole{
	workflows.UpdateSubmitPlan: {rPegawai}, workflows.UpdateReportRealisasi: {rPegawai},
	workflows.UpdateAcknowledge: {rPegawai}, workflows.UpdateFileAppeal: {rPegawai},
	workflows.UpdateApprovePlan: {rPenilai, rPlt}, workflows.UpdateReturnPlan: {rPenilai, rPlt},
	workflows.UpdateGiveFeedback: {rPenilai, rPlt}, workflows.UpdateRate: {rPenilai, rPlt},
	workflows.UpdateScheduleDialog: {rPenilai, rPlt}, workflows.UpdateRecordDialog: {rPenilai, rPlt},
	workflows.UpdateDecideAppeal:    {rAtasan},
	workflows.UpdateConfirmFollowUp: {rHRRegion, rHRScoped},
	workflows.UpdateReassign:        {rHRRegion, rHRScoped},
	workflows.UpdateSetPlan:         {rHRRegion, rHRScoped},
	workflows.UpdateCloseYear:       {rHRRegion, rHRScoped},
	workflows.UpdateResume:          {rHRRegion, rHRScoped},
	workflows.UpdateMutasi:          {rHRRegion, rHRScoped},
}

type azEnv struct {
	t         *testing.T
	pool      *pgxpool.Pool
	st        *store.Store
	h         *gin.Engine
	acc       *auth.Service
	now       time.Time
	cycle     int64
	deadlines map[string]time.Time
	pw        map[string]string // each account's password, as the table changes them
	pltID     int64
	pltEnds   time.Time
	n         int    // for unique names and periods
	evidence  string // the server's EvidenceDir
	run       int64  // the payroll run the table started (api/payroll_authz_test.go)
}

type azReq struct {
	method, path string
	body         any
	role         azRole
	session      bool       // prove identity with a fresh login (cookie + CSRF) instead of X-Dev-NIP
	form         url.Values // a page's form, sent instead of body
	file         []byte     // sent as the "file" of a multipart form instead of body
	raw          []byte     // sent as is with Content-Type rawType, instead of body (uploads)
	rawType      string
	cookies      []*http.Cookie // sent as they are
}

type azResp struct {
	status  int
	body    []byte
	cookies []*http.Cookie
	header  http.Header
}

func (r azResp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("answer is not a JSON object: %q", r.body)
	}
	return m
}

func (r azResp) code() string {
	var m struct {
		Error struct{ Code string } `json:"error"`
	}
	if json.Unmarshal(r.body, &m) != nil {
		// A page (web/) names its refusal in the HTML: data-code="…".
		if m := pageCode.FindSubmatch(r.body); m != nil {
			return string(m[1])
		}
	}
	return m.Error.Code
}

var pageCode = regexp.MustCompile(`data-code="([a-z_]+)"`)

func (e *azEnv) do(r azReq) azResp {
	e.t.Helper()
	var rd io.Reader = http.NoBody
	if r.body != nil {
		b, err := json.Marshal(r.body)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	ct := "application/json"
	if r.form != nil {
		rd, ct = strings.NewReader(r.form.Encode()), "application/x-www-form-urlencoded"
	}
	if r.file != nil {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("file", "bukti.pdf")
		_, _ = fw.Write(r.file)
		_ = mw.Close()
		rd, ct = &b, mw.FormDataContentType()
	}
	if r.rawType != "" {
		rd, ct = bytes.NewReader(r.raw), r.rawType
	}
	hr := httptest.NewRequest(r.method, r.path, rd)
	hr.Header.Set("Content-Type", ct)
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	if r.role.nip != "" {
		if r.session {
			tok, csrf := e.login(r.role.nip)
			hr.AddCookie(&http.Cookie{Name: api.SessionCookie, Value: tok})
			hr.Header.Set(api.CSRFHeader, csrf)
		} else {
			hr.Header.Set(api.DevNIPHeader, r.role.nip)
		}
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, hr)
	return azResp{w.Code, w.Body.Bytes(), w.Result().Cookies(), w.Result().Header}
}

// must sends a request that has to get status want.
func (e *azEnv) must(r azReq, want int) azResp {
	e.t.Helper()
	res := e.do(r)
	if res.status != want {
		e.t.Fatalf("%s %s as %s: status %d, want %d: %s", r.method, r.path, r.role.name, res.status, want, res.body)
	}
	return res
}

func (e *azEnv) login(nip string) (token, csrf string) {
	e.t.Helper()
	res := e.must(azReq{method: "POST", path: "/api/auth/login", body: map[string]string{"nip": nip, "password": e.pw[nip]}}, 200)
	for _, c := range res.cookies {
		if c.Name == api.SessionCookie {
			return c.Value, res.json(e.t)["csrf_token"].(string)
		}
	}
	e.t.Fatalf("login of %s set no session cookie", nip)
	return "", ""
}

func (e *azEnv) newPassword() string {
	e.n++
	return fmt.Sprintf("sandi-baru-yang-panjang-%d", e.n)
}

// cycleOf names the pegawai's cycle, or one that does not exist.
func (e *azEnv) cyclePath(missing bool) string {
	id := e.cycle
	if missing {
		id += 999_999
	}
	return fmt.Sprintf("/api/cycles/%d", id)
}

// org is the organisation of the table.
func azOrg() store.OrgImport {
	emp := func(nip, name, unit, pos, sup string) store.Employee {
		return store.Employee{NIP: nip, Name: name, Email: nip + "@contoh.go.id", Status: "PNS", UnitID: unit, PositionID: pos, SuperiorNIP: sup}
	}
	hr := func(e store.Employee, scope string) store.Employee { e.IsHR, e.HRScopeUnitID = true, scope; return e }
	admin := emp(azAdmin, "Adi", "bkpsdm", "staf", "")
	admin.IsAdmin = true
	return store.OrgImport{
		Units: []store.Unit{{ID: "pemda", Name: "Pemerintah Daerah Contoh"}, {ID: "bkpsdm", Name: "BKPSDM", ParentID: "pemda"},
			{ID: "dinas-x", Name: "Dinas X", ParentID: "pemda"}, {ID: "bidang-a", Name: "Bidang A", ParentID: "dinas-x"},
			{ID: "dinas-y", Name: "Dinas Y", ParentID: "pemda"}},
		Positions: []store.Position{
			{ID: "kadis", Name: "Kepala Dinas", JenisJabatan: "jpt", KelasJabatan: 14, TPPBasic: 15_000_000},
			{ID: "kabid", Name: "Kepala Bidang", JenisJabatan: "administrator", KelasJabatan: 11, TPPBasic: 9_000_000},
			{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8, TPPBasic: 5_000_000}},
		Employees: []store.Employee{
			emp(azAtasan, "Hadi", "dinas-x", "kadis", ""),
			emp(azPenilai, "Sri", "bidang-a", "kabid", azAtasan),
			emp(azPegawai, "Budi", "bidang-a", "staf", azPenilai),
			emp(azEnrolRegion, "Dewi", "bidang-a", "staf", azPenilai),
			emp(azEnrolScoped, "Eko", "bidang-a", "staf", azPenilai),
			emp(azStranger, "Rudi", "bidang-a", "staf", azPenilai),
			emp(azPlt, "Tono", "dinas-y", "kabid", ""),
			emp(azPlh, "Wati", "dinas-y", "kabid", ""),
			hr(emp(azHRRegion, "Rina", "bkpsdm", "staf", ""), ""),
			hr(emp(azHROther, "Yuni", "dinas-y", "staf", ""), "dinas-y"),
			hr(emp(azHRScoped, "Joko", "dinas-x", "staf", ""), "dinas-x"),
			admin,
			emp(azLogin, "Lina", "bkpsdm", "staf", ""),
		},
	}
}

// newAzServer serves the table's organisation from a fresh database, through tc (nil: no
// Temporal, for what needs none).
func newAzServer(t *testing.T, tc client.Client) *azEnv {
	t.Helper()
	ctx := context.Background()
	pool := testenv.DB(t)
	// Workflow ids name the cycle, and every test database counts cycles from 1: start far from
	// any other database's on the shared Temporal server.
	if _, err := pool.Exec(ctx, fmt.Sprintf(`ALTER SEQUENCE cycles_id_seq RESTART WITH %d`, 1_000_000+rand.IntN(1_000_000_000))); err != nil {
		t.Fatal(err)
	}
	e := &azEnv{t: t, pool: pool, st: &store.Store{Pool: pool}, now: time.Now().UTC().Truncate(time.Millisecond), pw: map[string]string{}}
	if err := e.st.ImportOrg(ctx, azOrg()); err != nil {
		t.Fatal(err)
	}
	srv := &api.Server{Store: e.st, Temporal: tc, DevAuth: true, SecureCookies: true,
		PublicURL: "https://kinerja.contoh.go.id", Now: func() time.Time { return e.now }, EvidenceDir: t.TempDir()}
	e.evidence = srv.EvidenceDir
	if tc != nil {
		w := worker.New(tc, &activities.Activities{Pool: pool})
		if err := w.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(w.Stop)
		// A configured single sign-on whose provider is down: its routes exist and answer alike to all.
		oidc, err := api.NewOIDC(ctx, api.OIDCConfig{Issuer: "http://127.0.0.1:1", ClientID: "kinerja", ClientSecret: "rahasia-klien"}, srv.PublicURL)
		if err != nil {
			t.Fatal(err)
		}
		srv.OIDC = oidc
	}
	h, ok := srv.Handler().(*gin.Engine)
	if !ok {
		t.Fatalf("Handler() is %T, want *gin.Engine", srv.Handler())
	}
	e.h = h
	return e
}

func newAzEnv(t *testing.T) *azEnv {
	t.Helper()
	ctx := context.Background()
	e := newAzServer(t, testenv.TemporalClient(t))
	e.acc = &auth.Service{Pool: e.pool, Now: func() time.Time { return e.now }}
	for _, r := range append(slices.Clone(azRoles), azRole{"login", azLogin, ""}) {
		if r.nip == "" {
			continue
		}
		e.pw[r.nip] = "kata sandi awal " + r.nip
		if _, err := e.acc.SetPassword(ctx, r.nip, e.pw[r.nip]); err != nil {
			t.Fatal(err)
		}
	}
	day := 24 * time.Hour
	e.pltEnds = e.now.Add(30 * day)
	e.pltID = e.delegation(azPenilai, azPlt, "plt", e.now.Add(-day), e.pltEnds)
	e.delegation(azPenilai, azPlh, "plh", e.now.Add(-10*day), e.now.Add(-day))

	// The cycle runs in real time (Temporal's clock): every date is weeks away.
	e.deadlines = map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		e.deadlines[n] = time.Now().Add(time.Duration(i+4) * 7 * day).UTC().Truncate(time.Second)
	}
	cy := e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: map[string]any{"year": time.Now().Year(), "deadlines": e.deadlines}}, 201).json(t)
	e.cycle = int64(cy["id"].(float64))
	res := e.must(azReq{method: "POST", path: e.cyclePath(false) + "/enrol", role: rHRRegion, body: map[string]any{"nips": []string{azPegawai}}}, 202)
	if b, items := e.waitBatch(rHRRegion, res); b["done"] != 1.0 {
		t.Fatalf("enrolment of the pegawai: %v %v", b, items)
	}
	return e
}

// waitBatch polls the batch a 202 answer named, as the role, until it is no longer running, and
// returns it with its items by NIP.
func (e *azEnv) waitBatch(r azRole, started azResp) (map[string]any, map[string]map[string]any) {
	e.t.Helper()
	path := fmt.Sprintf("/api/batches/%d", int64(started.json(e.t)["batch_id"].(float64)))
	for end := time.Now().Add(time.Minute); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		b := e.must(azReq{method: "GET", path: path, role: r}, 200).json(e.t)
		if b["state"] == "running" {
			continue
		}
		items := map[string]map[string]any{}
		for _, it := range e.must(azReq{method: "GET", path: path + "/items", role: r}, 200).json(e.t)["items"].([]any) {
			items[it.(map[string]any)["nip"].(string)] = it.(map[string]any)
		}
		return b, items
	}
	e.t.Fatalf("batch %s still running after a minute", path)
	return nil, nil
}

// newBatch writes a running batch of HR scoped to dinas-x, without a workflow: something to steer.
func (e *azEnv) newBatch(state string) int64 {
	e.t.Helper()
	ctx := context.Background()
	id, err := e.st.CreateBatch(ctx, store.NewBatch{CycleID: e.cycle, Kind: store.BatchReassign, ScopeUnit: "dinas-x", CreatedBy: azHRScoped,
		WorkflowID: fmt.Sprintf("batch/az-%d", rand.Int64())})
	if err == nil && state != store.BatchRunning {
		_, err = e.st.SetBatchState(ctx, id, []string{store.BatchRunning}, state)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *azEnv) delegation(principal, delegate, kind string, from, to time.Time) int64 {
	e.t.Helper()
	id, err := e.st.CreateDelegation(context.Background(), store.Delegation{PrincipalNIP: principal, DelegateNIP: delegate,
		Kind: kind, StartsAt: from, EndsAt: to, Reason: "Surat Perintah Nomor 800/1/BKPSDM", CreatedBy: azHRRegion, CreatedAt: e.now})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// azWant is what one role must get from one route.
type azWant struct {
	status int // exact status; 0: past authorisation, the workflow answered 409 or 422
	// stepRefusal: a 403 for a step that is someone else's in a record the caller sees; it has
	// no "missing record" twin to compare with.
	stepRefusal bool
	check       func(t *testing.T, e *azEnv, res azResp)
}

func ok(status int) azWant { return azWant{status: status} }

var (
	denied     = azWant{status: 403}
	hidden     = azWant{status: 404}
	noIdentity = azWant{status: 401}
	pastAuthz  = azWant{status: 0}
)

// gate: the roles named get allowed, anonymous 401, everyone else the role gate's 403.
func gate(allowed azWant, who ...azRole) func(azRole) azWant {
	return func(r azRole) azWant {
		switch {
		case slices.Contains(who, r):
			return allowed
		case r == rAnon:
			return noIdentity
		}
		return denied
	}
}

// everyone who is logged in gets allowed; anonymous 401.
func everyone(allowed azWant) func(azRole) azWant {
	return gate(allowed, slices.DeleteFunc(slices.Clone(azRoles), func(r azRole) bool { return r == rAnon })...)
}

// public: identity plays no part.
func public(allowed azWant) func(azRole) azWant { return func(azRole) azWant { return allowed } }

// year: who sees the pegawai's year gets allowed, anonymous 401, the rest the 404 of a missing record.
func year(allowed azWant) func(azRole) azWant {
	return func(r azRole) azWant {
		switch {
		case r == rAnon:
			return noIdentity
		case slices.Contains(yearVisible, r):
			return allowed
		}
		return hidden
	}
}

// unitGoalRoles: the goals of bidang-a, headed by the penilai. Its head and HR in scope write
// (write); its own employees and whoever rates someone in it read (a 403 when writing); the
// others see no such unit.
func unitGoalRoles(write azWant) func(azRole) azWant {
	return func(r azRole) azWant {
		switch r {
		case rAnon:
			return noIdentity
		case rHRRegion, rHRScoped, rPenilai:
			return write
		case rPegawai, rStranger, rAtasan:
			if write.status == 200 {
				return write
			}
			return azWant{status: 403, stepRefusal: true}
		}
		return hidden
	}
}

// owned: the roles named are allowed; the others who see the year get a 403 step refusal.
func owned(allowed azWant, who ...azRole) func(azRole) azWant {
	return func(r azRole) azWant {
		switch {
		case r == rAnon:
			return noIdentity
		case !slices.Contains(yearVisible, r):
			return hidden
		case slices.Contains(who, r):
			return allowed
		}
		return azWant{status: 403, stepRefusal: true}
	}
}

// step: the owners of the update get past authorisation to the workflow's answer.
func step(update string) func(azRole) azWant { return owned(pastAuthz, stepOwners[update]...) }

// azCase is one row of the table: a route and every role's expected answer.
type azCase struct {
	route string // "METHOD /path" as gin lists it
	name  string // the row's name when a route has several rows (the steps)
	req   func(e *azEnv, r azRole) azReq
	want  func(r azRole) azWant
	// twin is the same request about a record that does not exist: every refusal (but a step
	// refusal) must answer it byte for byte the same.
	twin func(e *azEnv, r azRole) azReq
	// sameForAll: public routes whose answer may not depend on who asks; its status is not fixed here.
	sameForAll bool
}

func get(path string) func(*azEnv, azRole) azReq {
	return func(_ *azEnv, r azRole) azReq { return azReq{method: "GET", path: path, role: r} }
}

func azCases() []azCase {
	employee := func(e *azEnv, missing bool) string {
		return e.cyclePath(missing) + "/employees/" + azPegawai
	}
	inCycle := func(method, suffix string, body func(e *azEnv, r azRole) any) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				var b any
				if body != nil {
					b = body(e, r)
				}
				return azReq{method: method, path: e.cyclePath(missing) + suffix, body: b, role: r}
			}
		}
		return mk(false), mk(true)
	}
	cycleBody := func(e *azEnv, _ azRole) any {
		return map[string]any{"year": time.Now().Year(), "deadlines": e.deadlines}
	}

	var cases []azCase
	add := func(c azCase) { cases = append(cases, c) }

	add(azCase{route: "GET /healthz", req: get("/healthz"), want: public(ok(200))})
	add(azCase{route: "POST /api/org/import", want: gate(ok(200), rHRRegion, rAdmin), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/org/import", role: r,
			body: map[string]any{"units": []map[string]any{{"id": "pemda", "name": "Pemerintah Daerah Contoh"}}}}
	}})
	add(azCase{route: "POST /api/org/import/file", want: gate(azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
		if m := res.json(t); m["error_count"] != 0.0 || m["applied"] != false {
			t.Errorf("dry run of an unchanged row: %s", res.body)
		}
	}}, rHRRegion, rAdmin), req: func(_ *azEnv, r azRole) azReq {
		body, ct := orgUpload("org.csv", "dry_run", "NIP,NAMA,EMAIL,STATUS,UNOR_ID,JABATAN_ID,NIP_ATASAN\n"+
			azAtasan+",Hadi,"+azAtasan+"@contoh.go.id,PNS,dinas-x,kadis,\n")
		return azReq{method: "POST", path: "/api/org/import/file", role: r, raw: body, rawType: ct}
	}})
	add(azCase{route: "GET /api/me", req: get("/api/me"), want: everyone(ok(200))})
	add(azCase{route: "GET /api/me/tasks", req: get("/api/me/tasks"), want: everyone(ok(200))})
	add(azCase{route: "GET /api/me/cycles", req: get("/api/me/cycles"), want: everyone(ok(200))})

	// Login, sessions, password reset, tokens.
	add(azCase{route: "POST /api/auth/login", want: public(ok(200)), req: func(e *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/auth/login", role: r, body: map[string]string{"nip": azLogin, "password": e.pw[azLogin]}}
	}})
	add(azCase{route: "POST /api/auth/password-reset", want: public(ok(202)), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/auth/password-reset", role: r, body: map[string]string{"nip": azLogin}}
	}})
	add(azCase{route: "POST /api/auth/password-reset/confirm", want: public(ok(200)), req: func(e *azEnv, r azRole) azReq {
		nip := r.nip
		if nip == "" {
			nip = azEnrolScoped // anyone in the org data; a link confirmed creates the account
		}
		var token string
		if _, err := e.acc.RequestReset(context.Background(), nip, func(_ pgx.Tx, rr auth.ResetRequest) error {
			token = rr.Token
			return nil
		}); err != nil || token == "" {
			e.t.Fatalf("reset link for %s: %v", nip, err)
		}
		pw := e.newPassword()
		e.pw[nip] = pw
		return azReq{method: "POST", path: "/api/auth/password-reset/confirm", role: r,
			body: map[string]string{"token": token, "new_password": pw}}
	}})
	add(azCase{route: "POST /api/auth/logout", want: everyone(ok(204)), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/auth/logout", role: r, session: true}
	}})
	add(azCase{route: "GET /api/auth/session", want: everyone(ok(200)), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "GET", path: "/api/auth/session", role: r, session: true}
	}})
	add(azCase{route: "POST /api/auth/password", want: everyone(ok(200)), req: func(e *azEnv, r azRole) azReq {
		body := map[string]string{"current_password": e.pw[r.nip], "new_password": e.newPassword()}
		if r.nip != "" {
			e.pw[r.nip] = body["new_password"]
		}
		return azReq{method: "POST", path: "/api/auth/password", role: r, body: body}
	}})
	add(azCase{route: "POST /api/tokens", want: gate(ok(201), rHRRegion, rHROther, rHRScoped), req: func(e *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/tokens", role: r, body: map[string]any{"name": "integrasi " + r.name, "scopes": []string{"read"}}}
	}})
	add(azCase{route: "GET /api/tokens", req: get("/api/tokens"), want: everyone(ok(200))})
	add(azCase{route: "DELETE /api/tokens/:id", want: everyone(ok(204)), req: func(e *azEnv, r azRole) azReq {
		id := int64(1)
		if r.nip != "" {
			_, tok, err := e.acc.CreateAPIToken(context.Background(), r.nip, "dicabut "+r.name, []string{"read"})
			if err != nil {
				e.t.Fatal(err)
			}
			id = tok.ID
		}
		return azReq{method: "DELETE", path: fmt.Sprintf("/api/tokens/%d", id), role: r}
	}})

	// Cycles: organisation-wide work for region-wide HR and admins; per-employee work in scope.
	add(azCase{route: "POST /api/cycles", want: gate(ok(201), rHRRegion, rAdmin), req: func(e *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/cycles", role: r, body: cycleBody(e, r)}
	}})
	req, twin := inCycle("GET", "", nil)
	add(azCase{route: "GET /api/cycles/:cycle", req: req, twin: twin, want: gate(ok(200), rHRRegion, rHROther, rHRScoped, rAdmin)})
	// The table's cycle has an enrolled year: past the gate, it is kept (409 cycle_in_use).
	req, twin = inCycle("DELETE", "", nil)
	add(azCase{route: "DELETE /api/cycles/:cycle", req: req, twin: twin, want: gate(ok(409), rHRRegion, rAdmin)})

	req, twin = inCycle("POST", "/enrol", func(_ *azEnv, r azRole) any {
		if r == rHRRegion {
			return map[string]any{"nips": []string{azEnrolRegion}}
		}
		return map[string]any{"nips": []string{azEnrolScoped}}
	})
	// Enrolment is a batch (202); each employee's outcome is its item.
	enrolled := func(r azRole, nip, status, msg string) azWant {
		return azWant{status: 202, check: func(t *testing.T, e *azEnv, res azResp) {
			_, items := e.waitBatch(r, res)
			if it := items[nip]; len(items) != 1 || it["status"] != status || fmt.Sprint(it["message"]) != fmt.Sprint(map[bool]any{true: nil, false: msg}[msg == ""]) {
				t.Errorf("enrolment of %s by %s: %v, want %s %q", nip, r.name, items, status, msg)
			}
			if status != "failed" {
				return
			}
			// An unknown NIP reads the same: the answer tells nothing about who exists elsewhere.
			unknown := e.must(azReq{method: "POST", path: e.cyclePath(false) + "/enrol", role: r,
				body: map[string]any{"nips": []string{azNobody}}}, 202)
			if _, other := e.waitBatch(r, unknown); other[azNobody]["message"] != msg {
				t.Errorf("an unknown NIP answers %v, one outside the scope %v", other, items)
			}
		}}
	}
	add(azCase{route: "POST /api/cycles/:cycle/enrol", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rHRRegion:
			return enrolled(r, azEnrolRegion, "done", "")
		case rHRScoped:
			return enrolled(r, azEnrolScoped, "done", "")
		case rHROther:
			return enrolled(r, azEnrolScoped, "failed", "pegawai tidak terdaftar atau di luar cakupan unit Anda")
		}
		return gate(pastAuthz)(r) // nobody else: 403, anonymous 401
	}})
	// A launch of dinas-y: its people have no penilai in the org data, so each is skipped with the reason.
	req, twin = inCycle("POST", "/launch", func(*azEnv, azRole) any { return map[string]any{"unit": "dinas-y"} })
	add(azCase{route: "POST /api/cycles/:cycle/launch", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rHRRegion, rHROther:
			return azWant{status: 202, check: func(t *testing.T, e *azEnv, res azResp) {
				b, items := e.waitBatch(r, res)
				if b["state"] != "finished" || b["skipped"] != 3.0 || items[azPlt]["message"] != "pegawai belum punya pejabat penilai (superior_nip kosong)" {
					t.Errorf("launch of dinas-y by %s: %v %v", r.name, b, items)
				}
			}}
		case rHRScoped:
			return ok(422) // dinas-y is outside dinas-x
		}
		return gate(pastAuthz)(r)
	}})

	req, twin = inCycle("PUT", "/deadlines/followup_due", func(e *azEnv, _ azRole) any { return map[string]any{"at": e.deadlines["followup_due"]} })
	add(azCase{route: "PUT /api/cycles/:cycle/deadlines/:name", req: req, twin: twin, want: gate(ok(202), rHRRegion, rAdmin)})

	req, twin = inCycle("GET", "/progress", nil)
	progress := func(lists bool) azWant {
		return azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
			if got := strings.Contains(string(res.body), azPegawai); got != lists {
				t.Errorf("progress lists the pegawai: %v, want %v: %s", got, lists, res.body)
			}
		}}
	}
	add(azCase{route: "GET /api/cycles/:cycle/progress", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rHRRegion, rHRScoped:
			return progress(true)
		case rHROther:
			return progress(false)
		}
		return gate(pastAuthz)(r)
	}})
	// The distribution rule, about the pegawai's unit bidang-a (its twin: a unit that does not exist).
	inUnit := func(method, suffix string, body any) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(unit string) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				return azReq{method: method, path: e.cyclePath(false) + strings.ReplaceAll(suffix, "UNIT", unit), body: body, role: r}
			}
		}
		return mk("bidang-a"), mk("unit-tidak-ada")
	}
	req, twin = inUnit("GET", "/distribution?unit=UNIT", nil)
	add(azCase{route: "GET /api/cycles/:cycle/distribution", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rAnon:
			return noIdentity
		case rHRRegion, rHRScoped, rPenilai, rAtasan:
			return ok(200)
		}
		return hidden // HR of another subtree, and anyone without a part in the unit's years
	}})
	req, twin = inUnit("PUT", "/units/UNIT/org-predikat", map[string]any{"predikat": "baik"})
	// The leadership one level up (the head of dinas-x, the atasan) or region-wide HR and admin.
	add(azCase{route: "PUT /api/cycles/:cycle/units/:unit/org-predikat", req: req, twin: twin,
		want: gate(ok(200), rHRRegion, rAdmin, rAtasan)})
	req, twin = inUnit("PUT", "/units/UNIT/justification", map[string]any{"justification": "Unit menangani program prioritas daerah tahun ini"})
	add(azCase{route: "PUT /api/cycles/:cycle/units/:unit/justification", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rHRRegion, rHRScoped:
			return ok(200)
		case rHROther:
			return hidden
		}
		return gate(pastAuthz)(r)
	}})
	req, twin = inCycle("PUT", "/distribution-mode", func(*azEnv, azRole) any { return map[string]any{"mode": "block"} })
	add(azCase{route: "PUT /api/cycles/:cycle/distribution-mode", req: req, twin: twin, want: gate(ok(200), rHRRegion, rAdmin)})

	// After a mutasi: nothing differs from the org data here, so every HR scope reassigns nobody.
	req, twin = inCycle("POST", "/reassign", nil)
	add(azCase{route: "POST /api/cycles/:cycle/reassign", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rHRRegion, rHROther, rHRScoped:
			return azWant{status: 202, check: func(t *testing.T, e *azEnv, res azResp) {
				if b, items := e.waitBatch(r, res); b["done"] != 0.0 || b["failed"] != 0.0 {
					t.Errorf("reassigned by %s: %v %v", r.name, b, items)
				}
			}}
		}
		return gate(pastAuthz)(r)
	}})
	// Nothing differs from the org data here: every HR scope sees an empty list.
	req, twin = inCycle("GET", "/supervisor-changes", nil)
	add(azCase{route: "GET /api/cycles/:cycle/supervisor-changes", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rHRRegion, rHROther, rHRScoped:
			return azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
				if m := res.json(t); m["total"] != 0.0 || fmt.Sprint(m["years"]) != "[]" {
					t.Errorf("supervisor changes: %s", res.body)
				}
			}}
		}
		return gate(pastAuthz)(r)
	}})
	// Batches: HR sees and steers those of its scope (a region-wide one only region-wide HR and
	// admins); the twin is a batch that does not exist.
	inBatch := func(method, suffix string, state string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				id := e.newBatch(state)
				if missing {
					id += 999_999
				}
				return azReq{method: method, path: fmt.Sprintf("/api/batches/%d%s", id, suffix), role: r}
			}
		}
		return mk(false), mk(true)
	}
	ofBatch := func(allowed azWant) func(azRole) azWant {
		return func(r azRole) azWant {
			if r == rHROther {
				return hidden
			}
			return gate(allowed, rHRRegion, rHRScoped, rAdmin)(r)
		}
	}
	req, twin = inBatch("GET", "", store.BatchRunning)
	add(azCase{route: "GET /api/batches/:batch", req: req, twin: twin, want: ofBatch(ok(200))})
	req, twin = inBatch("GET", "/items?status=pending", store.BatchRunning)
	add(azCase{route: "GET /api/batches/:batch/items", req: req, twin: twin, want: ofBatch(ok(200))})
	steered := func(state string) azWant {
		return azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
			if got := res.json(t)["state"]; got != state {
				t.Errorf("state %v, want %s: %s", got, state, res.body)
			}
		}}
	}
	req, twin = inBatch("POST", "/pause", store.BatchRunning)
	add(azCase{route: "POST /api/batches/:batch/pause", req: req, twin: twin, want: ofBatch(steered("paused"))})
	req, twin = inBatch("POST", "/resume", store.BatchPaused)
	add(azCase{route: "POST /api/batches/:batch/resume", req: req, twin: twin, want: ofBatch(steered("running"))})
	req, twin = inBatch("POST", "/cancel", store.BatchRunning)
	add(azCase{route: "POST /api/batches/:batch/cancel", req: req, twin: twin, want: ofBatch(steered("cancelled"))})

	add(azCase{route: "GET /api/dev/outbox", req: get("/api/dev/outbox"), want: gate(ok(200), rHRRegion, rAdmin)})
	add(azCase{route: "GET /api/outbox", req: get("/api/outbox?status=pending&limit=5"), want: gate(azWant{status: 200,
		check: func(t *testing.T, _ *azEnv, res azResp) {
			if _, ok := res.json(t)["emails"].([]any); !ok || strings.Contains(string(res.body), "token=") {
				t.Errorf("outbox statuses: %s", res.body)
			}
		}}, rHRRegion, rAdmin)})
	add(azCase{route: "GET /api/audit/export", want: gate(ok(200), rHRRegion, rAdmin), req: func(e *azEnv, r azRole) azReq {
		d := e.now.Format(time.DateOnly)
		return azReq{method: "GET", path: "/api/audit/export?from=" + d + "&to=" + d, role: r}
	}})

	// One employee's year.
	yearReq := func(suffix string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				return azReq{method: "GET", path: employee(e, missing) + suffix, role: r}
			}
		}
		return mk(false), mk(true)
	}
	req, twin = yearReq("")
	add(azCase{route: "GET /api/cycles/:cycle/employees/:nip", req: req, twin: twin, want: year(ok(200))})
	req, twin = yearReq("/audit")
	add(azCase{route: "GET /api/cycles/:cycle/employees/:nip/audit", req: req, twin: twin, want: year(ok(200))})
	// Cascading: api/cascade.go.
	req, twin = yearReq("/rhk-parents")
	add(azCase{route: "GET /api/cycles/:cycle/employees/:nip/rhk-parents", req: req, twin: twin, want: year(ok(200))})
	req, twin = yearReq("/rhk-cascade")
	add(azCase{route: "GET /api/cycles/:cycle/employees/:nip/rhk-cascade", req: req, twin: twin, want: year(ok(200))})
	// A unit's goals (bidang-a, headed by the penilai): its head and HR in scope write; its own
	// employees and whoever rates someone in it read; the others see no such unit.
	req, twin = inUnit("GET", "/units/UNIT/goals", nil)
	add(azCase{route: "GET /api/cycles/:cycle/units/:unit/goals", req: req, twin: twin, want: unitGoalRoles(ok(200))})
	req, twin = inUnit("POST", "/units/UNIT/goals", map[string]any{"goal": "Meningkatnya kualitas layanan data kepegawaian"})
	add(azCase{route: "POST /api/cycles/:cycle/units/:unit/goals", req: req, twin: twin, want: unitGoalRoles(ok(201))})
	updates := make([]string, 0, len(stepOwners))
	for u := range stepOwners {
		updates = append(updates, u)
	}
	sort.Strings(updates)
	for _, u := range updates {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				return azReq{method: "POST", path: employee(e, missing) + "/" + u, role: r}
			}
		}
		add(azCase{route: "POST /api/cycles/:cycle/employees/:nip/:action", name: u, req: mk(false), twin: mk(true), want: step(u)})
	}

	// Evidence around a rating: api/evidence.go.
	evidenceRows(add, employee, yearReq)

	// Delegations.
	add(azCase{route: "POST /api/delegations", req: func(e *azEnv, r azRole) azReq {
		e.n++
		from := e.now.Add(time.Duration(100+10*e.n) * 24 * time.Hour) // in the future: grants nothing during the table
		return azReq{method: "POST", path: "/api/delegations", role: r, body: map[string]any{
			"principal_nip": azPenilai, "delegate_nip": azStranger, "kind": "plh",
			"starts_at": from, "ends_at": from.Add(5 * 24 * time.Hour), "reason": "Surat Perintah Plh Nomor 800/12/BKPSDM"}}
	}, want: func(r azRole) azWant {
		if r == rHROther {
			return azWant{status: 422, check: func(t *testing.T, e *azEnv, res azResp) {
				// Outside the scope reads exactly like unknown.
				from := e.now.Add(400 * 24 * time.Hour)
				unknown := e.must(azReq{method: "POST", path: "/api/delegations", role: rHROther, body: map[string]any{
					"principal_nip": azNobody, "delegate_nip": azStranger, "kind": "plh",
					"starts_at": from, "ends_at": from.Add(time.Hour), "reason": "Surat Perintah"}}, 422)
				if !bytes.Equal(unknown.body, bytes.ReplaceAll(res.body, []byte(azPenilai), []byte(azNobody))) {
					t.Errorf("an unknown principal answers %s, one outside the scope %s", unknown.body, res.body)
				}
			}}
		}
		return gate(ok(201), rHRRegion, rHRScoped, rAdmin)(r)
	}})
	add(azCase{route: "GET /api/delegations", want: func(r azRole) azWant {
		w := everyone(ok(200))(r)
		if r == rAnon {
			return w
		}
		// The Plt sees theirs; the pegawai and HR of another subtree see none.
		sees := map[azRole]bool{rPlt: true, rPenilai: true, rHRRegion: true, rHRScoped: true, rAdmin: true}[r]
		none := r == rPegawai || r == rHROther
		w.check = func(t *testing.T, e *azEnv, res azResp) {
			ds := res.json(t)["delegations"].([]any)
			found := false
			for _, d := range ds {
				found = found || d.(map[string]any)["id"] == float64(e.pltID)
			}
			if found != sees || (none && len(ds) > 0) {
				t.Errorf("%s sees the Plt delegation: %v (%d listed)", r.name, found, len(ds))
			}
		}
		return w
	}, req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "GET", path: "/api/delegations?active=true", role: r}
	}})
	revoke := func(missing bool) func(*azEnv, azRole) azReq {
		return func(e *azEnv, r azRole) azReq {
			id := int64(999_999)
			if !missing {
				e.n++
				from := e.now.Add(time.Duration(100+10*e.n) * 24 * time.Hour)
				id = e.delegation(azPenilai, azAtasan, "plh", from, from.Add(24*time.Hour))
			}
			return azReq{method: "DELETE", path: fmt.Sprintf("/api/delegations/%d", id), role: r}
		}
	}
	add(azCase{route: "DELETE /api/delegations/:id", req: revoke(false), twin: revoke(true), want: func(r azRole) azWant {
		if r == rHROther {
			return hidden
		}
		return gate(ok(200), rHRRegion, rHRScoped, rAdmin)(r)
	}})

	// Single sign-on (registered only when configured; here its provider is down).
	add(azCase{route: "GET " + api.OIDCLoginPath, req: get(api.OIDCLoginPath), sameForAll: true})
	add(azCase{route: "GET " + api.OIDCCallbackPath, req: get(api.OIDCCallbackPath + "?state=x&code=y"), sameForAll: true})

	payrollCases(add)
	pageCases(add, employee)
	return cases
}

// pageCases are the pages (web/): the same answers as the JSON routes they share functions
// with, except that a missing identity is sent to the login page (303) instead of a 401.
func pageCases(add func(azCase), employee func(e *azEnv, missing bool) string) {
	toLogin := func(w azWant) azWant {
		return azWant{status: http.StatusSeeOther, check: func(t *testing.T, _ *azEnv, res azResp) {
			if loc := res.header.Get("Location"); !strings.HasPrefix(loc, web.PathLogin) {
				t.Errorf("a page without identity sends the browser to %q, want the login page", loc)
			}
		}}
	}
	page := func(want func(azRole) azWant) func(azRole) azWant {
		return func(r azRole) azWant {
			if r == rAnon {
				return toLogin(want(r))
			}
			return want(r)
		}
	}
	add(azCase{route: "GET /", req: get("/"), sameForAll: true})
	add(azCase{route: "GET /aset/*file", req: get("/aset/style.css"), sameForAll: true})
	// SSO is on in this table: the login page offers it.
	add(azCase{route: "GET " + web.PathLogin, req: get(web.PathLogin), want: public(azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
		if !strings.Contains(string(res.body), `href="`+api.OIDCLoginPath+`"`) {
			t.Error("the login page does not offer SSO")
		}
	}})})
	add(azCase{route: "POST " + web.PathLogin, want: public(azWant{status: http.StatusSeeOther, check: func(t *testing.T, _ *azEnv, res azResp) {
		found := false
		for _, c := range res.cookies {
			found = found || (c.Name == api.SessionCookie && c.Value != "")
		}
		if !found || res.header.Get("Location") != web.PathTasks {
			t.Errorf("login page: session cookie set %v, sent to %q", found, res.header.Get("Location"))
		}
	}}), req: func(e *azEnv, r azRole) azReq {
		// The form's token must match the cookie the login page set (login CSRF).
		return azReq{method: "POST", path: web.PathLogin, role: r,
			cookies: []*http.Cookie{{Name: "kinerja_login", Value: "token-halaman-masuk"}},
			form:    url.Values{"nip": {azLogin}, "password": {e.pw[azLogin]}, "login_token": {"token-halaman-masuk"}, "ke": {"//elsewhere.example"}}}
	}})
	add(azCase{route: "POST " + web.PathLogout, want: page(public(ok(http.StatusSeeOther))), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathLogout, role: r, session: true, form: url.Values{}}
	}})
	add(azCase{route: "GET " + web.PathTasks, req: get(web.PathTasks), want: page(everyone(ok(200)))})
	add(azCase{route: "GET " + web.PathYears, req: get(web.PathYears), want: page(everyone(ok(200)))})

	yearPage := func(suffix string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				return azReq{method: "GET", path: pagePath(employee(e, missing)) + suffix, role: r}
			}
		}
		return mk(false), mk(true)
	}
	req, twin := yearPage("")
	add(azCase{route: "GET /siklus/:cycle/pegawai/:nip", req: req, twin: twin, want: page(year(ok(200)))})
	req, twin = yearPage("/skp")
	add(azCase{route: "GET /siklus/:cycle/pegawai/:nip/skp", req: req, twin: twin, want: page(year(ok(200)))})
	for route, update := range map[string]string{"/skp": workflows.UpdateSubmitPlan,
		"/skp/setujui": workflows.UpdateApprovePlan, "/skp/kembalikan": workflows.UpdateReturnPlan} {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				// An empty form: past authorisation the form or the workflow refuses it.
				return azReq{method: "POST", path: pagePath(employee(e, missing)) + route, role: r, form: url.Values{}}
			}
		}
		add(azCase{route: "POST /siklus/:cycle/pegawai/:nip" + route, req: mk(false), twin: mk(true), want: page(step(update))})
	}
	hrPageCases(add, page)
	payPageCases(add, page) // api/pay_pages_authz_test.go
	teamPageCases(add, employee, page, yearPage)
	evidencePageRows(add, employee, page) // api/evidence360_test.go
	// The survey links' page: any HR reads the links of its scope; a link for bidang-a is made by HR covering it.
	add(azCase{route: "GET " + web.PathSurveys, req: get(web.PathSurveys), want: page(gate(ok(200), rHRRegion, rHRScoped, rHROther))})
	add(azCase{route: "POST " + web.PathSurveys, req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathSurveys, role: r, form: url.Values{"unit_id": {"bidang-a"}}}
	}, want: page(gate(ok(http.StatusSeeOther), rHRRegion, rHRScoped))})
}

// teamPageCases are the employee and supervisor pages after the SKP (web/steps.go), the team page
// and the password reset pages.
func teamPageCases(add func(azCase), employee func(e *azEnv, missing bool) string,
	page func(func(azRole) azWant) func(azRole) azWant,
	yearPage func(string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq)) {
	add(azCase{route: "GET " + web.PathTeam, req: get(web.PathTeam), want: page(everyone(ok(200)))})
	for _, suffix := range []string{"/realisasi", "/penilaian", "/dialog", "/keberatan", "/mutasi"} {
		req, twin := yearPage(suffix)
		add(azCase{route: "GET /siklus/:cycle/pegawai/:nip" + suffix, req: req, twin: twin, want: page(func(r azRole) azWant {
			w := year(ok(200))(r)
			if w.status == 200 {
				// The Plt acts for the penilai, and a page of the penilai's steps says so (the keberatan
				// is the atasan's, the mutasi HR's); nobody else sees the notice.
				want := r == rPlt && suffix != "/keberatan" && suffix != "/mutasi"
				w.check = func(t *testing.T, _ *azEnv, res azResp) {
					if got := strings.Contains(string(res.body), "Anda bertindak atas nama"); got != want {
						t.Errorf("%s sees the Plt notice: %v", r.name, got)
					}
				}
			}
			return w
		})})
	}
	for route, update := range map[string]string{"/realisasi": workflows.UpdateReportRealisasi,
		"/umpan-balik": workflows.UpdateGiveFeedback, "/penilaian": workflows.UpdateRate,
		"/dialog/jadwal": workflows.UpdateScheduleDialog, "/dialog/catatan": workflows.UpdateRecordDialog,
		"/dialog/terima": workflows.UpdateAcknowledge, "/keberatan": workflows.UpdateFileAppeal,
		"/keberatan/putusan": workflows.UpdateDecideAppeal, "/mutasi": workflows.UpdateMutasi} {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				// An empty form: past authorisation the form or the workflow refuses it.
				return azReq{method: "POST", path: pagePath(employee(e, missing)) + route, role: r, form: url.Values{}}
			}
		}
		add(azCase{route: "POST /siklus/:cycle/pegawai/:nip" + route, req: mk(false), twin: mk(true), want: page(step(update))})
	}
	// An uploaded bukti dukung, served to whoever sees the year.
	file := func(missing, page bool) func(*azEnv, azRole) azReq {
		return func(e *azEnv, r azRole) azReq {
			e.n++
			id := fmt.Sprintf("%032x", e.n)
			if !missing {
				if err := os.WriteFile(filepath.Join(e.evidence, id), []byte("%PDF-1.4 bukti"), 0o600); err != nil {
					e.t.Fatal(err)
				}
				if err := e.st.AddEvidence(context.Background(), store.EvidenceFile{ID: id, CycleID: e.cycle, NIP: azPegawai,
					FileName: "bukti.pdf", ContentType: "application/pdf", Size: 14, SHA256: "-", UploadedBy: azPegawai, UploadedAt: e.now}); err != nil {
					e.t.Fatal(err)
				}
			}
			if !page {
				return azReq{method: "GET", path: employee(e, missing) + "/evidence/" + id, role: r}
			}
			return azReq{method: "GET", path: pagePath(employee(e, missing)) + "/bukti/" + id, role: r}
		}
	}
	served := azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
		if string(res.body) != "%PDF-1.4 bukti" || res.header.Get("Content-Type") != "application/pdf" {
			t.Errorf("bukti: %q %q", res.header.Get("Content-Type"), res.body)
		}
	}}
	add(azCase{route: "GET /siklus/:cycle/pegawai/:nip/bukti/:id", req: file(false, true), twin: file(true, true), want: page(year(served))})
	add(azCase{route: "GET /api/cycles/:cycle/employees/:nip/evidence/:id", req: file(false, false), twin: file(true, false), want: year(served)})
	upload := func(missing bool) func(*azEnv, azRole) azReq {
		return func(e *azEnv, r azRole) azReq {
			return azReq{method: "POST", path: employee(e, missing) + "/evidence", role: r, file: []byte("%PDF-1.4 bukti baru")}
		}
	}
	add(azCase{route: "POST /api/cycles/:cycle/employees/:nip/evidence", req: upload(false), twin: upload(true), want: func(r azRole) azWant {
		switch {
		case r == rAnon:
			return noIdentity
		case !slices.Contains(yearVisible, r):
			return hidden
		case r == rPegawai:
			return azWant{status: 201, check: func(t *testing.T, e *azEnv, res azResp) {
				link, _ := res.json(t)["url"].(string)
				var n int
				if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM evidence_files WHERE $1 LIKE '%/bukti/' || id`, link).Scan(&n); err != nil || n != 1 {
					t.Errorf("uploaded %q: %d rows, %v", link, n, err)
				}
			}}
		}
		return azWant{status: 403, stepRefusal: true}
	}})
	// The reset pages need no identity; their forms carry a token matching the page's cookie.
	formCookie := []*http.Cookie{{Name: "kinerja_login", Value: "token-halaman"}}
	add(azCase{route: "GET " + web.PathForgot, req: get(web.PathForgot), want: public(ok(200))})
	add(azCase{route: "POST " + web.PathForgot, want: public(azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
		if !strings.Contains(string(res.body), "jika NIP tersebut terdaftar") {
			t.Errorf("reset request page: %s", res.body)
		}
	}}), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathForgot, role: r, cookies: formCookie,
			form: url.Values{"nip": {azLogin}, "login_token": {"token-halaman"}}}
	}})
	add(azCase{route: "GET " + web.PathResetConfirm, req: get(web.PathResetConfirm + "?token=x"), want: public(ok(200))})
	add(azCase{route: "POST " + web.PathResetConfirm, want: public(azWant{status: http.StatusSeeOther, check: func(t *testing.T, _ *azEnv, res azResp) {
		if loc := res.header.Get("Location"); !strings.HasPrefix(loc, web.PathLogin) {
			t.Errorf("after a reset the page sends the browser to %q", loc)
		}
	}}), req: func(e *azEnv, r azRole) azReq {
		nip := r.nip
		if nip == "" {
			nip = azEnrolScoped
		}
		// Made two minutes on: the JSON row above made this NIP's link at e.now (one a minute).
		later := &auth.Service{Pool: e.pool, Now: func() time.Time { return e.now.Add(2 * time.Minute) }}
		var token string
		if _, err := later.RequestReset(context.Background(), nip, func(_ pgx.Tx, rr auth.ResetRequest) error {
			token = rr.Token
			return nil
		}); err != nil || token == "" {
			e.t.Fatalf("reset link for %s: %v", nip, err)
		}
		pw := e.newPassword()
		e.pw[nip] = pw
		return azReq{method: "POST", path: web.PathResetConfirm, role: r, cookies: formCookie,
			form: url.Values{"token": {token}, "new_password": {pw}, "repeat_password": {pw}, "login_token": {"token-halaman"}}}
	}})
}

// hrPageCases are HR's pages (web/hr_*.go): each answers as the JSON route whose function it calls.
func hrPageCases(add func(azCase), page func(func(azRole) azWant) func(azRole) azWant) {
	// A page form's success is a redirect to the page that shows the result.
	redirect := azWant{status: http.StatusSeeOther, check: func(t *testing.T, _ *azEnv, res azResp) {
		if loc := res.header.Get("Location"); strings.HasPrefix(loc, web.PathLogin) || !strings.Contains(loc, "ok=") {
			t.Errorf("a page form's success sends the browser to %q", loc)
		}
	}}
	inCyclePage := func(method, suffix string, form func(e *azEnv) url.Values) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				q := azReq{method: method, path: pagePath(e.cyclePath(missing)) + suffix, role: r}
				if form != nil {
					q.form = form(e)
				}
				return q
			}
		}
		return mk(false), mk(true)
	}
	hrOrAdmin := []azRole{rHRRegion, rHROther, rHRScoped, rAdmin}

	add(azCase{route: "GET " + web.PathCycles, req: get(web.PathCycles), want: page(gate(ok(200), hrOrAdmin...))})
	add(azCase{route: "GET " + web.PathNewCycle, req: get(web.PathNewCycle), want: page(gate(ok(200), rHRRegion, rAdmin))})
	// An empty form: past the gate, every field's message comes back on the form.
	add(azCase{route: "POST " + web.PathNewCycle, want: page(gate(ok(422), rHRRegion, rAdmin)), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathNewCycle, role: r, form: url.Values{}}
	}})
	req, twin := inCyclePage("GET", "", nil)
	add(azCase{route: "GET /siklus/:cycle", req: req, twin: twin, want: page(gate(ok(200), hrOrAdmin...))})
	req, twin = inCyclePage("POST", "/batas-waktu", func(e *azEnv) url.Values {
		at := e.deadlines["followup_due"].In(time.FixedZone("WIB", 7*3600)).Format("2006-01-02T15:04")
		return url.Values{"name": {"followup_due"}, "at": {at}}
	})
	add(azCase{route: "POST /siklus/:cycle/batas-waktu", req: req, twin: twin, want: page(gate(ok(200), rHRRegion, rAdmin))})
	req, twin = inCyclePage("POST", "/hapus", func(*azEnv) url.Values { return url.Values{} })
	add(azCase{route: "POST /siklus/:cycle/hapus", req: req, twin: twin, want: page(gate(ok(409), rHRRegion, rAdmin))})
	req, twin = inCyclePage("POST", "/distribusi", func(*azEnv) url.Values { return url.Values{"mode": {"block"}} })
	add(azCase{route: "POST /siklus/:cycle/distribusi", req: req, twin: twin, want: page(gate(redirect, rHRRegion, rAdmin))})
	req, twin = inCyclePage("GET", "/kemajuan", nil)
	progress := func(lists bool) azWant {
		return azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
			if got := strings.Contains(string(res.body), azPegawai); got != lists {
				t.Errorf("progress page lists the pegawai: %v, want %v", got, lists)
			}
		}}
	}
	add(azCase{route: "GET /siklus/:cycle/kemajuan", req: req, twin: twin, want: page(func(r azRole) azWant {
		switch r {
		case rHRRegion, rHRScoped:
			return progress(true)
		case rHROther:
			return progress(false)
		}
		return gate(pastAuthz)(r)
	})})
	inUnitPage := func(method, suffix string, form url.Values) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(unit string) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				return azReq{method: method, path: pagePath(e.cyclePath(false)) + suffix + "?unit=" + unit, form: form, role: r}
			}
		}
		return mk("bidang-a"), mk("unit-tidak-ada")
	}
	// A unit's goals (cascading), as the JSON routes answer them.
	goalsPage := func(method string, form url.Values) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(unit string) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				return azReq{method: method, path: pagePath(e.cyclePath(false)) + "/unit/" + unit + "/sasaran", form: form, role: r}
			}
		}
		return mk("bidang-a"), mk("unit-tidak-ada")
	}
	req, twin = goalsPage("GET", nil)
	add(azCase{route: "GET /siklus/:cycle/unit/:unit/sasaran", req: req, twin: twin, want: page(unitGoalRoles(ok(200)))})
	req, twin = goalsPage("POST", url.Values{"goal": {"Meningkatnya kualitas layanan data kepegawaian"}})
	add(azCase{route: "POST /siklus/:cycle/unit/:unit/sasaran", req: req, twin: twin, want: page(unitGoalRoles(redirect))})
	req, twin = inUnitPage("GET", "/kurva", nil)
	add(azCase{route: "GET /siklus/:cycle/kurva", req: req, twin: twin, want: page(func(r azRole) azWant {
		switch r {
		case rAnon:
			return noIdentity
		case rHRRegion, rHRScoped, rPenilai, rAtasan:
			return ok(200)
		}
		return hidden
	})})
	req, twin = inUnitPage("POST", "/kurva/predikat", url.Values{"predikat": {"baik"}})
	add(azCase{route: "POST /siklus/:cycle/kurva/predikat", req: req, twin: twin, want: page(gate(redirect, rHRRegion, rAdmin, rAtasan))})
	req, twin = inUnitPage("POST", "/kurva/justifikasi", url.Values{"justification": {"Unit menangani program prioritas daerah tahun ini"}})
	add(azCase{route: "POST /siklus/:cycle/kurva/justifikasi", req: req, twin: twin, want: page(func(r azRole) azWant {
		switch r {
		case rHRRegion, rHRScoped:
			return redirect
		case rHROther:
			return hidden
		}
		return gate(pastAuthz)(r)
	})})
	add(azCase{route: "GET " + web.PathDelegations, req: get(web.PathDelegations), want: page(everyone(ok(200)))})
	add(azCase{route: "POST " + web.PathDelegations, req: func(e *azEnv, r azRole) azReq {
		e.n++
		from := e.now.Add(time.Duration(100+10*e.n) * 24 * time.Hour).In(time.FixedZone("WIB", 7*3600))
		return azReq{method: "POST", path: web.PathDelegations, role: r, form: url.Values{
			"principal_nip": {azPenilai}, "delegate_nip": {azStranger}, "kind": {"plh"},
			"starts_at": {from.Format("2006-01-02T15:04")}, "ends_at": {from.Add(5 * 24 * time.Hour).Format("2006-01-02T15:04")},
			"reason": {"Surat Perintah Plh Nomor 800/13/BKPSDM"}}}
	}, want: page(func(r azRole) azWant {
		if r == rHROther {
			return ok(422) // outside the scope reads like an unknown principal, next to its field
		}
		return gate(redirect, rHRRegion, rHRScoped, rAdmin)(r)
	})})
	revoke := func(missing bool) func(*azEnv, azRole) azReq {
		return func(e *azEnv, r azRole) azReq {
			id := int64(999_999)
			if !missing {
				e.n++
				from := e.now.Add(time.Duration(100+10*e.n) * 24 * time.Hour)
				id = e.delegation(azPenilai, azAtasan, "plh", from, from.Add(24*time.Hour))
			}
			return azReq{method: "POST", path: fmt.Sprintf("%s/%d/cabut", web.PathDelegations, id), role: r, form: url.Values{}}
		}
	}
	add(azCase{route: "POST " + web.PathDelegations + "/:id/cabut", req: revoke(false), twin: revoke(true), want: page(func(r azRole) azWant {
		if r == rHROther {
			return hidden
		}
		return gate(redirect, rHRRegion, rHRScoped, rAdmin)(r)
	})})
	hrBatchPageCases(add, page, redirect, inCyclePage)
	add(azCase{route: "GET " + web.PathAudit, req: get(web.PathAudit), want: page(gate(ok(200), rHRRegion, rAdmin))})
	add(azCase{route: "GET " + web.PathAudit + "/unduh", want: page(gate(ok(200), rHRRegion, rAdmin)), req: func(e *azEnv, r azRole) azReq {
		d := e.now.Format(time.DateOnly)
		return azReq{method: "GET", path: web.PathAudit + "/unduh?from=" + d + "&to=" + d, role: r}
	}})
}

// hrBatchPageCases are HR's import, launch and batch pages (web/hr_import.go, web/hr_launch.go):
// each answers as the JSON route whose function it calls.
func hrBatchPageCases(add func(azCase), page func(func(azRole) azWant) func(azRole) azWant, redirect azWant,
	inCyclePage func(method, suffix string, form func(e *azEnv) url.Values) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq)) {
	add(azCase{route: "GET " + web.PathOrgImport, req: get(web.PathOrgImport), want: page(gate(ok(200), rHRRegion, rAdmin))})
	// The dry run of an unchanged row: checked, nothing to fix, the apply offered.
	add(azCase{route: "POST " + web.PathOrgImport, want: page(gate(azWant{status: 200, check: func(t *testing.T, _ *azEnv, res azResp) {
		if !strings.Contains(string(res.body), `id="terapkan"`) {
			t.Errorf("the import page's check of a clean file offers no apply: %s", res.body)
		}
	}}, rHRRegion, rAdmin)), req: func(_ *azEnv, r azRole) azReq {
		body, ct := orgUpload("org.csv", "", "NIP,NAMA,EMAIL,STATUS,UNOR_ID,JABATAN_ID,NIP_ATASAN\n"+
			azAtasan+",Hadi,"+azAtasan+"@contoh.go.id,PNS,dinas-x,kadis,\n")
		return azReq{method: "POST", path: web.PathOrgImport, role: r, raw: body, rawType: ct}
	}})
	// A token nobody was given: past the gate, refused next to the form.
	add(azCase{route: "POST " + web.PathOrgImport + "/terapkan", want: page(gate(ok(422), rHRRegion, rAdmin)), req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: web.PathOrgImport + "/terapkan", role: r, form: url.Values{"token": {strings.Repeat("ab", 16)}}}
	}})
	hrOnly := func(allowed azWant) func(azRole) azWant { return gate(allowed, rHRRegion, rHROther, rHRScoped) }
	req, twin := inCyclePage("GET", "/atasan-berubah", nil)
	add(azCase{route: "GET /siklus/:cycle/atasan-berubah", req: req, twin: twin, want: page(hrOnly(ok(200)))})
	req, twin = inCyclePage("POST", "/atasan-berubah", func(*azEnv) url.Values { return url.Values{} })
	add(azCase{route: "POST /siklus/:cycle/atasan-berubah", req: req, twin: twin, want: page(hrOnly(redirect))})
	// A launch of dinas-y, as the JSON row: outside a scoped HR's dinas-x, refused next to the field.
	req, twin = inCyclePage("POST", "/luncurkan", func(*azEnv) url.Values { return url.Values{"unit": {"dinas-y"}} })
	add(azCase{route: "POST /siklus/:cycle/luncurkan", req: req, twin: twin, want: page(func(r azRole) azWant {
		if r == rHRScoped {
			return ok(422)
		}
		return gate(redirect, rHRRegion, rHROther)(r)
	})})
	inBatchPage := func(method, suffix string, state string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				id := e.newBatch(state)
				if missing {
					id += 999_999
				}
				q := azReq{method: method, path: fmt.Sprintf("%s/%d%s", web.PathBatches, id, suffix), role: r}
				if method == "POST" {
					q.form = url.Values{}
				}
				return q
			}
		}
		return mk(false), mk(true)
	}
	ofBatch := func(allowed azWant) func(azRole) azWant {
		return page(func(r azRole) azWant {
			if r == rHROther {
				return hidden
			}
			return gate(allowed, rHRRegion, rHRScoped, rAdmin)(r)
		})
	}
	req, twin = inBatchPage("GET", "", store.BatchRunning)
	add(azCase{route: "GET " + web.PathBatches + "/:batch", req: req, twin: twin, want: ofBatch(ok(200))})
	for suffix, from := range map[string]string{"/jeda": store.BatchRunning, "/lanjutkan": store.BatchPaused, "/batalkan": store.BatchRunning} {
		req, twin = inBatchPage("POST", suffix, from)
		add(azCase{route: "POST " + web.PathBatches + "/:batch" + suffix, req: req, twin: twin, want: ofBatch(redirect)})
	}
}

// pagePath turns /api/cycles/1/employees/X into the page /siklus/1/pegawai/X.
func pagePath(apiPath string) string {
	p := strings.Replace(apiPath, "/api/cycles/", "/siklus/", 1)
	return strings.Replace(p, "/employees/", "/pegawai/", 1)
}

// TestAuthz runs the authorisation table against real PostgreSQL and a real Temporal server with
// the worker running, then follows a Plt through a step and a delegation through its end.
func TestAuthz(t *testing.T) {
	e := newAzEnv(t)
	cases := azCases()

	// Every route is in the table, and every row is a route.
	inTable := map[string]bool{}
	for _, c := range cases {
		inTable[c.route] = true
	}
	routes := map[string]bool{}
	for _, r := range e.h.Routes() {
		key := r.Method + " " + r.Path
		routes[key] = true
		if !inTable[key] {
			t.Errorf("route %s is not in the authorisation table (api/authz_test.go): add a row with every role's expected answer", key)
		}
	}
	for key := range inTable {
		if !routes[key] {
			t.Errorf("the authorisation table has a row for %s, which is no route", key)
		}
	}
	for _, u := range []string{workflows.UpdateSubmitPlan, workflows.UpdateApprovePlan, workflows.UpdateReturnPlan,
		workflows.UpdateReportRealisasi, workflows.UpdateGiveFeedback, workflows.UpdateRate, workflows.UpdateScheduleDialog,
		workflows.UpdateRecordDialog, workflows.UpdateAcknowledge, workflows.UpdateFileAppeal, workflows.UpdateDecideAppeal,
		workflows.UpdateConfirmFollowUp, workflows.UpdateReassign, workflows.UpdateSetPlan, workflows.UpdateCloseYear,
		workflows.UpdateResume, workflows.UpdateMutasi} {
		if _, ok := stepOwners[u]; !ok {
			t.Errorf("step %s is not in the authorisation table", u)
		}
	}

	checked := 0
	var grid strings.Builder
	for _, c := range cases {
		name := c.route
		if c.name != "" {
			name += " " + c.name
		}
		fmt.Fprintf(&grid, "%-64s", name)
		var first *azResp
		for _, r := range azRoles {
			res := e.do(c.req(e, r))
			checked++
			fmt.Fprintf(&grid, " %4d", res.status)
			what := fmt.Sprintf("%s as %s", name, r.name)
			if c.sameForAll {
				if res.status == 401 || res.status == 403 {
					t.Errorf("%s: %d on a public route: %s", what, res.status, res.body)
				}
				if first == nil {
					first = &res
				} else if res.status != first.status || !bytes.Equal(res.body, first.body) {
					t.Errorf("%s: answer depends on who asks: %d %s, first %d %s", what, res.status, res.body, first.status, first.body)
				}
				continue
			}
			w := c.want(r)
			switch {
			case w.status == 0:
				if (res.status != 409 || res.code() != workflows.ErrWrongPhase) && (res.status != 422 || res.code() != workflows.ErrInvalid) {
					t.Errorf("%s: %d %s, want the workflow's answer past authorisation (409 wrong_phase or 422 invalid)", what, res.status, res.body)
				}
			case res.status != w.status:
				t.Errorf("%s: %d, want %d: %s", what, res.status, w.status, res.body)
				continue
			}
			if code, deny := map[int]string{401: "unauthenticated", 403: "forbidden", 404: "not_found"}[w.status]; deny {
				if res.code() != code {
					t.Errorf("%s: code %q, want %q: %s", what, res.code(), code, res.body)
				}
				if c.twin != nil && !w.stepRefusal {
					tw := e.do(c.twin(e, r))
					if tw.status != res.status || !bytes.Equal(tw.body, res.body) {
						t.Errorf("%s: the refusal tells the record exists: %d %s; for a missing one %d %s", what, res.status, res.body, tw.status, tw.body)
					}
				}
			}
			if w.check != nil {
				w.check(t, e, res)
			}
		}
		grid.WriteByte('\n')
	}
	header := fmt.Sprintf("%-64s", "")
	for _, r := range azRoles {
		header += fmt.Sprintf(" %4s", r.short)
	}
	t.Logf("authorisation table: %d rows (%d routes) × %d roles = %d answers\n%s\n%s", len(cases), len(routes), len(azRoles), checked, header, grid.String())

	t.Run("Plt acts on behalf of the penilai", func(t *testing.T) { testPltActs(t, e) })
	t.Run("expired and revoked delegations grant nothing", func(t *testing.T) { testDelegationEnds(t, e) })
}

func testPltActs(t *testing.T, e *azEnv) {
	e.t = t
	yearPath := e.cyclePath(false) + "/employees/" + azPegawai
	plan := map[string]any{"approach": "kuantitatif", "items": []map[string]any{
		{"kind": "utama", "rhk": "Tersedianya layanan aplikasi perizinan", "aspect": "kuantitas",
			"iki": "Jumlah modul aplikasi yang dirilis", "target": "4", "unit": "modul"}},
		"behaviours": []map[string]any{{"value": "akuntabel", "expectation": "Melaporkan progres tiap bulan"}}}
	e.must(azReq{method: "POST", path: yearPath + "/submit-plan", role: rPegawai, body: map[string]any{"plan": plan}}, 200)

	// The Plt's inbox holds the penilai's approval, marked as theirs through the delegation; the
	// expired Plh's does not.
	inbox := func(r azRole) []map[string]any {
		var out []map[string]any
		for _, x := range e.must(azReq{method: "GET", path: "/api/me/tasks", role: r}, 200).json(t)["tasks"].([]any) {
			out = append(out, x.(map[string]any))
		}
		return out
	}
	var pltTask map[string]any
	for _, task := range inbox(rPlt) {
		if task["subject_nip"] == azPegawai && task["role"] == "penilai" {
			pltTask = task
		}
	}
	if pltTask == nil || pltTask["acting_for"] != azPenilai {
		t.Errorf("the Plt's inbox holds no penilai task for the pegawai acting for the penilai: %v", inbox(rPlt))
	}
	if tasks := inbox(rPlh); len(tasks) != 0 {
		t.Errorf("the expired Plh's inbox: %v", tasks)
	}

	e.must(azReq{method: "POST", path: yearPath + "/approve-plan", role: rPlt}, 200)
	var actor, onBehalf, decidedBy string
	if err := e.pool.QueryRow(context.Background(), `SELECT actor_nip, coalesce(on_behalf_of, '') FROM audit_log
		WHERE cycle_id = $1 AND subject_nip = $2 AND action = 'plan.approved'`, e.cycle, azPegawai).Scan(&actor, &onBehalf); err != nil {
		t.Fatal(err)
	}
	if actor != azPenilai || onBehalf != azPlt {
		t.Errorf("audit row of the approval: actor %s on behalf of %q, want %s on behalf of %s", actor, onBehalf, azPenilai, azPlt)
	}
	if err := e.pool.QueryRow(context.Background(), `SELECT coalesce(decided_by, '') FROM skp WHERE cycle_id = $1 AND nip = $2`,
		e.cycle, azPegawai).Scan(&decidedBy); err != nil || decidedBy != azPenilai {
		t.Errorf("plan decided by %q (%v), want the penilai", decidedBy, err)
	}
	trail := e.must(azReq{method: "GET", path: yearPath + "/audit", role: rPegawai}, 200).json(t)["audit"].([]any)
	if last := trail[len(trail)-1].(map[string]any); last["on_behalf_of"] != azPlt {
		t.Errorf("the pegawai's audit trail does not show the Plt: %v", last)
	}
}

func testDelegationEnds(t *testing.T, e *azEnv) {
	e.t = t
	yearPath := e.cyclePath(false) + "/employees/" + azPegawai
	start := e.now
	defer func() { e.now = start }()

	// At its end (exclusive) the Plt is a stranger again: the year is missing to them.
	e.now = e.pltEnds.Add(-time.Second)
	e.must(azReq{method: "GET", path: yearPath, role: rPlt}, 200)
	e.now = e.pltEnds
	gone := e.must(azReq{method: "GET", path: yearPath, role: rPlt}, 404)
	missing := e.must(azReq{method: "GET", path: e.cyclePath(true) + "/employees/" + azPegawai, role: rPlt}, 404)
	if !bytes.Equal(gone.body, missing.body) {
		t.Errorf("after the delegation: %s; a missing year: %s", gone.body, missing.body)
	}
	e.must(azReq{method: "POST", path: yearPath + "/return-plan", role: rPlt, body: map[string]any{"notes": "x"}}, 404)

	// Revoked: nothing either, from that moment on, though its period runs on.
	e.now = start
	e.must(azReq{method: "GET", path: yearPath, role: rPlt}, 200)
	res := e.must(azReq{method: "DELETE", path: fmt.Sprintf("/api/delegations/%d", e.pltID), role: rHRScoped}, 200).json(t)
	if res["active"] != false || res["revoked_by"] != azHRScoped {
		t.Errorf("revoked delegation: %v", res)
	}
	e.must(azReq{method: "GET", path: yearPath, role: rPlt}, 404)
	e.must(azReq{method: "POST", path: yearPath + "/give-feedback", role: rPlt, body: map[string]any{"feedback": "x"}}, 404)
	if ds := e.must(azReq{method: "GET", path: "/api/delegations?active=true", role: rPlt}, 200).json(t)["delegations"].([]any); len(ds) != 0 {
		t.Errorf("active delegations of the Plt after revocation: %v", ds)
	}
	var actions []string
	rows, err := e.pool.Query(context.Background(), `SELECT action FROM audit_log WHERE subject_nip = $1 AND cycle_id IS NULL
		AND after->>'id' = $2 ORDER BY id`, azPenilai, fmt.Sprint(e.pltID))
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var a string
		_ = rows.Scan(&a)
		actions = append(actions, a)
	}
	if fmt.Sprint(actions) != "[delegation.created delegation.revoked]" {
		t.Errorf("audit rows of the delegation: %v", actions)
	}
}
