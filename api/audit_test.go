package api_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/audit"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const (
	exportHRNIP    = "198501012010012001"
	exportStaffNIP = "199203152018011003"
)

func TestAuditExport(t *testing.T) {
	pool := testenv.DB(t)
	ctx := context.Background()
	st := &store.Store{Pool: pool}
	err := st.ImportOrg(ctx, store.OrgImport{
		Units:     []store.Unit{{ID: "dinas", Name: "Dinas"}},
		Positions: []store.Position{{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8}},
		Employees: []store.Employee{
			{NIP: exportHRNIP, Name: "Rina", Email: "rina@contoh.go.id", Status: "PNS", UnitID: "dinas", PositionID: "staf", IsHR: true},
			{NIP: exportStaffNIP, Name: "Budi", Email: "budi@contoh.go.id", Status: "PNS", UnitID: "dinas", PositionID: "staf", SuperiorNIP: exportHRNIP},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	// Days are WIB: 2026-01-01 starts at 2025-12-31 17:00 UTC and 2026-01-31 ends at 2026-01-31 17:00 UTC.
	_, err = pool.Exec(ctx, `INSERT INTO audit_log (at, actor_nip, action, after) VALUES
		('2025-12-31 16:59:59+00', 'system', 'sebelum', NULL),
		('2025-12-31 17:00:00+00', 'system', 'awal', '{"phase": "perencanaan"}'),
		('2026-01-31 16:59:59+00', 'system', 'akhir', NULL),
		('2026-01-31 17:00:00+00', 'system', 'sesudah', NULL)`)
	if err != nil {
		t.Fatal(err)
	}
	h := (&api.Server{Store: st, DevAuth: true}).Handler()
	get := func(nip, query string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodGet, "/api/audit/export"+query, nil)
		req.Header.Set(api.DevNIPHeader, nip)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}

	rec := get(exportHRNIP, "?from=2026-01-01&to=2026-01-31")
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d: %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/x-ndjson") {
		t.Errorf("Content-Type = %q", ct)
	}
	if cd := rec.Header().Get("Content-Disposition"); cd != `attachment; filename="audit-log_2026-01-01_2026-01-31.jsonl"` {
		t.Errorf("Content-Disposition = %q", cd)
	}
	var actions []string
	sc := bufio.NewScanner(rec.Body)
	for sc.Scan() {
		var l audit.Line
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		if len(l.Hash) != 64 {
			t.Errorf("hash %q", l.Hash)
		}
		actions = append(actions, l.Action)
	}
	if strings.Join(actions, ",") != "awal,akhir" {
		t.Errorf("exported %v, want the rows of 1–31 January 2026 WIB", actions)
	}

	// An empty range is still a download.
	if rec := get(exportHRNIP, "?from=2027-01-01&to=2027-01-01"); rec.Code != http.StatusOK || rec.Body.Len() != 0 ||
		rec.Header().Get("Content-Disposition") == "" {
		t.Errorf("empty export: %d %q %q", rec.Code, rec.Header().Get("Content-Disposition"), rec.Body)
	}

	for _, tc := range []struct{ nip, query, field string }{
		{exportHRNIP, "?to=2026-01-31", "from"},
		{exportHRNIP, "?from=2026-01-01", "to"},
		{exportHRNIP, "?from=01-01-2026&to=2026-01-31", "from"},
		{exportHRNIP, "?from=2026-01-01&to=2026-02-30", "to"},
		{exportHRNIP, "?from=2026-02-01&to=2026-01-31", "to"},
	} {
		rec := get(tc.nip, tc.query)
		var body struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &body)
		if rec.Code != http.StatusUnprocessableEntity || !strings.Contains(body.Error.Message, "parameter "+tc.field) {
			t.Errorf("%s: %d %s, want 422 naming %s", tc.query, rec.Code, rec.Body, tc.field)
		}
		if rec.Header().Get("Content-Disposition") != "" {
			t.Errorf("%s: an error is no download", tc.query)
		}
	}

	if rec := get(exportStaffNIP, "?from=2026-01-01&to=2026-01-31"); rec.Code != http.StatusForbidden {
		t.Errorf("non-HR caller: %d %s, want 403", rec.Code, rec.Body)
	}
}
