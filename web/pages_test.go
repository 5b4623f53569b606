package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// inbox is an App that answers only what the "Tugas saya" page reads. The whole stack (real
// PostgreSQL and Temporal) is in browser_test.go; this checks how the page orders and words tasks.
type inbox struct {
	App
	tasks []store.Task
}

func (a inbox) Identify(*gin.Context) (store.Employee, error) {
	return store.Employee{NIP: "198806062010011107", Name: "Tono"}, nil
}
func (a inbox) CSRFToken(*gin.Context) string            { return "token" }
func (a inbox) Tasks(*gin.Context) ([]store.Task, error) { return a.tasks, nil }
func (a inbox) Name(_ context.Context, nip string) string {
	return map[string]string{"198001012005011102": "Sri Rahayu"}[nip]
}
func (a inbox) MyCycles(*gin.Context) ([]store.Enrolment, error) { return nil, nil }

func TestTasksPageOverdueFirstAndActingFor(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	past, future := time.Date(2026, 1, 31, 16, 59, 0, 0, time.UTC), time.Now().Add(30*24*time.Hour)
	app := inbox{tasks: []store.Task{
		{CycleID: 7, SubjectNIP: "199203152018011103", SubjectName: "Budi", Kind: workflows.TaskReviewPlan, Title: "Tinjau SKP Budi", DueAt: &past, ActingFor: "198001012005011102"},
		{CycleID: 7, SubjectNIP: "199203152018011104", SubjectName: "Dewi", Kind: workflows.TaskRate, Title: "Nilai kinerja Dewi", DueAt: &future},
	}}
	r := gin.New()
	Routes(r, app)
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest("GET", PathTasks, nil))
	body := w.Body.String()
	if w.Code != http.StatusOK {
		t.Fatalf("status %d: %s", w.Code, body)
	}
	late, later := strings.Index(body, "Tinjau SKP Budi"), strings.Index(body, "Nilai kinerja Dewi")
	if late < 0 || later < 0 || late > later {
		t.Errorf("overdue task not first: %s", body)
	}
	for _, want := range []string{
		"<strong>Terlambat</strong> · Batas waktu: 31 Januari 2026 pukul 23.59 WIB",
		"Anda bertindak atas nama Sri Rahayu",
		`href="/siklus/7/pegawai/199203152018011103/skp"`,       // the review is done on the SKP page
		`href="/siklus/7/pegawai/199203152018011104/penilaian"`, // the rating is done on the rating page
		`<html lang="id">`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	if got := w.Header().Get("Content-Security-Policy"); got != contentPolicy {
		t.Errorf("CSP %q", got)
	}
}

func TestSafeNextStaysOnTheSite(t *testing.T) {
	for in, want := range map[string]string{"/tahun": "/tahun", "//evil.example": PathTasks, "https://evil.example": PathTasks,
		`/\evil.example`: PathTasks, "": PathTasks} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

// loginPage is an App that answers only what the login page reads.
type loginPage struct {
	App
	sso string
}

func (a loginPage) Identify(*gin.Context) (store.Employee, error) { return store.Employee{}, nil }
func (a loginPage) SSOLoginPath() string                          { return a.sso }

func TestLoginPageOffersSSOOnlyWhenItIsOn(t *testing.T) {
	gin.SetMode(gin.ReleaseMode)
	for _, sso := range []string{"", "/api/auth/oidc/login"} {
		r := gin.New()
		Routes(r, loginPage{sso: sso})
		w := httptest.NewRecorder()
		r.ServeHTTP(w, httptest.NewRequest("GET", PathLogin, nil))
		body := w.Body.String()
		offered := strings.Contains(body, `id="masuk-sso"`)
		if w.Code != http.StatusOK || offered != (sso != "") || (sso != "" && !strings.Contains(body, `href="`+sso+`"`)) {
			t.Errorf("SSO %q: status %d, button offered %v: %s", sso, w.Code, offered, body)
		}
	}
}
