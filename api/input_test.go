package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/api"
)

// TestTextInputIsChecked: a NUL byte or invalid UTF-8 anywhere text enters (a body field, nested
// or not, a key, a path segment, the query, a header that reaches the database) is a 400 naming
// where, never the 500 PostgreSQL's refusal used to cause.
func TestTextInputIsChecked(t *testing.T) {
	e := newAzServer(t, nil)
	raw := func(method, path, body string, header map[string]string) (int, string) {
		t.Helper()
		r := httptest.NewRequest(method, "/", strings.NewReader(body))
		r.URL.Path, r.URL.RawQuery, _ = strings.Cut(path, "?")
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set(api.DevNIPHeader, azHRRegion)
		for k, v := range header {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, r)
		return w.Code, w.Body.String()
	}
	from := e.now.Add(24 * time.Hour)
	delegation := func(reason string) string {
		return `{"principal_nip":"` + azPenilai + `","delegate_nip":"` + azPlt + `","kind":"plt",` +
			`"starts_at":"` + from.Format(time.RFC3339) + `","ends_at":"` + from.Add(30*24*time.Hour).Format(time.RFC3339) +
			`","reason":"` + reason + `"}`
	}
	employee := func(name string) string {
		return `{"employees":[{"nip":"` + azPlt + `","name":"` + name + `","email":"t@contoh.go.id","status":"PNS","unit_id":"dinas-y","position_id":"kabid"}]}`
	}
	for _, tc := range []struct {
		name, method, path, body string
		header                   map[string]string
		want                     string // the start of the message
	}{
		{"NUL escaped in a field", "POST", "/api/delegations", delegation(`Surat\u0000Perintah`), nil, "reason: mengandung karakter NUL"},
		{"invalid UTF-8 in a field", "POST", "/api/delegations", delegation("Surat \xff\xfe Perintah"), nil, "reason: bukan teks UTF-8 yang valid"},
		{"NUL in a nested field", "POST", "/api/org/import", employee(`To\u0000no`), nil, "employees[0].name: mengandung karakter NUL"},
		{"invalid UTF-8 in a nested field", "POST", "/api/org/import", employee("To\xc3no"), nil, "employees[0].name: bukan teks UTF-8"},
		{"NUL in a map key", "POST", "/api/cycles", `{"year":2027,"deadlines":{"plan_due\u0000":"2027-01-31T00:00:00Z"}}`, nil, "deadlines (nama kolom): mengandung karakter NUL"},
		{"invalid UTF-8 in a time", "POST", "/api/cycles", "{\"year\":2027,\"deadlines\":{\"plan_due\":\"2027-01-31\xffT00:00:00Z\"}}", nil, "deadlines.plan_due: bukan teks UTF-8"},
		{"NUL in a path segment", "GET", "/api/cycles/1/employees/19920315\x002018011103", "", nil, "nip (bagian alamat): mengandung karakter NUL"},
		{"invalid UTF-8 in a path segment", "GET", "/api/cycles/\xff/employees/" + azPegawai, "", nil, "cycle (bagian alamat): bukan teks UTF-8"},
		{"NUL in the query", "GET", "/api/delegations?active=%00", "", nil, "query active: mengandung karakter NUL"},
		{"invalid UTF-8 in a query name", "GET", "/api/delegations?%FF=1", "", nil, "query (nama parameter): bukan teks UTF-8"},
		{"malformed query", "GET", "/api/delegations?active=%zz", "", nil, "query: tidak terbaca"},
		{"invalid UTF-8 in the dev header", "GET", "/api/me", "", map[string]string{api.DevNIPHeader: "1992\xff"}, "header X-Dev-NIP: bukan teks UTF-8"},
		{"NUL in the idempotency key", "POST", "/api/cycles/1/employees/" + azPegawai + "/acknowledge", "", map[string]string{"Idempotency-Key": "a\x00b"}, "header Idempotency-Key: mengandung karakter NUL"},
	} {
		code, body := raw(tc.method, tc.path, tc.body, tc.header)
		if code != http.StatusBadRequest || !strings.Contains(body, `"code":"bad_request"`) || !strings.Contains(body, `"message":"`+tc.want) {
			t.Errorf("%s: %d %s, want 400 %q", tc.name, code, body, tc.want)
		}
	}
	// Text that is merely unusual passes the check (and meets the handler's own rules).
	if code, body := raw("POST", "/api/delegations", delegation(`Surat Perintah Plt \u00e9 \u2603 Nomor 800/7`), nil); code != http.StatusCreated {
		t.Errorf("valid Unicode refused: %d %s", code, body)
	}
}

// TestTrailingSlashAnswersWithHeaders: gin's redirect for a stray slash skipped every middleware;
// the address now answers like any unknown one, security headers included.
func TestTrailingSlashAnswersWithHeaders(t *testing.T) {
	h := (&api.Server{}).Handler()
	for _, path := range []string{"/healthz/", "/api/me/", "/api/cycles/1/"} {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, httptest.NewRequest(http.MethodGet, path, bytes.NewReader(nil)))
		if w.Code != http.StatusNotFound || w.Header().Get("Location") != "" {
			t.Errorf("%s: %d Location=%q, want 404 without a redirect", path, w.Code, w.Header().Get("Location"))
		}
		if w.Header().Get("X-Frame-Options") != "DENY" || w.Header().Get("Content-Security-Policy") == "" {
			t.Errorf("%s: security headers missing: %v", path, w.Header())
		}
	}
}
