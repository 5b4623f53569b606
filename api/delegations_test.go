package api_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/store"
)

// TestDelegationValidation: every field is checked, and each message names its field.
func TestDelegationValidation(t *testing.T) {
	e := newAzServer(t, nil)
	from := e.now.Add(24 * time.Hour)
	valid := func() map[string]any {
		return map[string]any{"principal_nip": azPenilai, "delegate_nip": azPlt, "kind": "plt",
			"starts_at": from.Format(time.RFC3339), "ends_at": from.Add(30 * 24 * time.Hour).Format(time.RFC3339),
			"reason": "Surat Perintah Plt Nomor 800/7/BKPSDM"}
	}
	with := func(k string, v any) map[string]any { b := valid(); b[k] = v; return b }
	for _, tc := range []struct {
		name string
		body map[string]any
		want []string // each must appear in the message
	}{
		{"no principal", with("principal_nip", ""), []string{"principal_nip: wajib diisi"}},
		{"malformed principal", with("principal_nip", "123"), []string{"principal_nip: NIP harus 18 digit"}},
		{"unknown principal", with("principal_nip", azNobody), []string{"principal_nip: pegawai " + azNobody + " tidak ditemukan"}},
		{"no delegate", with("delegate_nip", " "), []string{"delegate_nip: wajib diisi"}},
		{"unknown delegate", with("delegate_nip", azNobody), []string{"delegate_nip: pegawai " + azNobody + " tidak terdaftar"}},
		{"self", with("delegate_nip", azPenilai), []string{"delegate_nip: tidak boleh sama dengan principal_nip"}},
		{"kind", with("kind", "pj"), []string{"kind: harus plt"}},
		{"no start", with("starts_at", ""), []string{"starts_at: wajib diisi"}},
		{"bad start", with("starts_at", "besok"), []string{"starts_at: bukan waktu yang valid"}},
		{"end before start", with("ends_at", from.Add(-time.Hour).Format(time.RFC3339)), []string{"ends_at: harus setelah starts_at"}},
		{"too long", with("ends_at", from.Add(400*24*time.Hour).Format(time.RFC3339)), []string{"ends_at: paling lama 366 hari"}},
		{"over already", func() map[string]any {
			b := valid()
			b["starts_at"], b["ends_at"] = e.now.Add(-48*time.Hour).Format(time.RFC3339), e.now.Add(-24*time.Hour).Format(time.RFC3339)
			return b
		}(), []string{"ends_at: sudah lewat"}},
		{"no reason", with("reason", "  "), []string{"reason: wajib diisi"}},
		{"long reason", with("reason", strings.Repeat("a", 1001)), []string{"reason: paling banyak 1000 karakter"}},
		{"everything wrong at once", map[string]any{"kind": "x"}, []string{"principal_nip:", "delegate_nip:", "kind:", "starts_at:", "ends_at:", "reason:"}},
	} {
		res := e.must(azReq{method: "POST", path: "/api/delegations", role: rHRRegion, body: tc.body}, 422)
		if res.code() != "invalid" {
			t.Errorf("%s: code %q", tc.name, res.code())
		}
		msg := res.json(t)["error"].(map[string]any)["message"].(string)
		for _, w := range tc.want {
			if !strings.Contains(msg, w) {
				t.Errorf("%s: message %q lacks %q", tc.name, msg, w)
			}
		}
	}
	// Unknown keys and the wrong types are bind's (strict decoding).
	e.must(azReq{method: "POST", path: "/api/delegations", role: rHRRegion, body: with("surprise", 1)}, 400)

	created := e.must(azReq{method: "POST", path: "/api/delegations", role: rHRScoped, body: valid()}, 201).json(t)
	if created["active"] != false || created["created_by"] != azHRScoped || created["principal_name"] != "Sri" {
		t.Errorf("created: %v", created)
	}
	// The same principal and delegate over an overlapping period: refused.
	if res := e.must(azReq{method: "POST", path: "/api/delegations", role: rAdmin, body: valid()}, 409); res.code() != "overlap" {
		t.Errorf("overlap: %s", res.body)
	}
	e.must(azReq{method: "GET", path: "/api/delegations?active=ya", role: rHRRegion}, 422)
	e.must(azReq{method: "DELETE", path: "/api/delegations/abc", role: rHRRegion}, 404)

	// Revoking twice changes nothing the second time.
	path := fmt.Sprintf("/api/delegations/%d", int64(created["id"].(float64)))
	first := e.must(azReq{method: "DELETE", path: path, role: rHRRegion}, 200).json(t)
	e.now = e.now.Add(time.Hour)
	second := e.must(azReq{method: "DELETE", path: path, role: rAdmin}, 200).json(t)
	if first["revoked_at"] != second["revoked_at"] || second["revoked_by"] != azHRRegion {
		t.Errorf("revoked twice: %v then %v", first, second)
	}
}

// TestImportAuthorityFields: HR scopes and admin flags come with the org import, which keeps
// taking files without them; only an admin changes who is admin.
func TestImportAuthorityFields(t *testing.T) {
	e := newAzServer(t, nil)
	staff := func(nip string) store.Employee {
		return store.Employee{NIP: nip, Name: "Tono", Email: nip + "@contoh.go.id", Status: "PNS", UnitID: "dinas-y", PositionID: "kabid"}
	}
	imp := func(emps ...store.Employee) map[string]any { return map[string]any{"employees": emps} }

	// An old file (no is_admin, no hr_scope_unit_id) still imports.
	e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: map[string]any{"employees": []map[string]any{{
		"nip": azPlt, "name": "Tono", "email": "tono@contoh.go.id", "status": "PNS", "unit_id": "dinas-y", "position_id": "kabid"}}}}, 200)

	// Scope needs is_hr, and a unit that exists.
	bad := staff(azPlt)
	bad.HRScopeUnitID = "dinas-y"
	if res := e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: imp(bad)}, 422); !strings.Contains(string(res.body), `"field":"hr_scope_unit_id"`) {
		t.Errorf("scope without is_hr: %s", res.body)
	}
	bad.IsHR, bad.HRScopeUnitID = true, "tidak-ada"
	if res := e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: imp(bad)}, 422); !strings.Contains(string(res.body), "unit tidak-ada tidak ada") {
		t.Errorf("scope of an unknown unit: %s", res.body)
	}

	// Region-wide HR scopes HR users; the scope then holds.
	scoped := staff(azPlt)
	scoped.IsHR, scoped.HRScopeUnitID = true, "dinas-y"
	e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: imp(scoped)}, 200)
	me := e.must(azReq{method: "GET", path: "/api/me", role: rPlt}, 200).json(t)
	if me["is_hr"] != true || me["hr_scope_unit_id"] != "dinas-y" {
		t.Errorf("me after the import: %v", me)
	}
	e.must(azReq{method: "POST", path: "/api/cycles", role: rPlt, body: map[string]any{"year": 2026}}, 403)

	// Only an admin makes or unmakes admins; a file that leaves an admin out is refused, not obeyed.
	promote := staff(azPlt)
	promote.IsAdmin = true
	if res := e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: imp(promote)}, 403); !strings.Contains(string(res.body), `"field":"is_admin"`) {
		t.Errorf("region-wide HR made an admin: %s", res.body)
	}
	var admin store.Employee
	for _, emp := range azOrg().Employees {
		if emp.NIP == azAdmin {
			admin = emp
		}
	}
	admin.IsAdmin = false
	e.must(azReq{method: "POST", path: "/api/org/import", role: rHRRegion, body: imp(admin)}, 403)
	e.must(azReq{method: "POST", path: "/api/org/import", role: rAdmin, body: imp(promote)}, 200)
	if me := e.must(azReq{method: "GET", path: "/api/me", role: rPlt}, 200).json(t); me["is_admin"] != true {
		t.Errorf("admin's import: %v", me)
	}
	// Scoped HR imports nothing.
	e.must(azReq{method: "POST", path: "/api/org/import", role: rHRScoped, body: imp(staff(azPlh))}, 403)
}
