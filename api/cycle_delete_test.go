package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestDeleteCycle: a cycle nothing refers to is deleted by region-wide HR (scoped HR refused),
// audited with what it held, and gone; a cycle with an enrolled year, or a unit goal recorded
// for it, is kept and the refusal says what uses it.
func TestDeleteCycle(t *testing.T) {
	e := newAzEnv(t)
	at := func(m time.Month, d int) string {
		return time.Date(2027, m, d, 0, 0, 0, 0, time.UTC).Format(time.RFC3339)
	}
	body := map[string]any{"year": 2027, "deadlines": map[string]any{"plan_due": at(1, 31), "monitoring_start": at(2, 1),
		"monitoring_due": at(7, 31), "evaluation_start": at(12, 1), "evaluation_due": at(12, 20), "dialog_due": at(12, 27), "followup_due": at(12, 31)}}
	id := int64(e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: body}, 201).json(t)["id"].(float64))
	path := fmt.Sprintf("/api/cycles/%d", id)

	e.must(azReq{method: "DELETE", path: path, role: rHRScoped}, 403)
	e.must(azReq{method: "DELETE", path: path, role: rHRRegion}, 200)
	e.must(azReq{method: "GET", path: path, role: rHRRegion}, 404)
	e.must(azReq{method: "DELETE", path: path, role: rHRRegion}, 404)
	var before string
	if err := e.pool.QueryRow(context.Background(), `SELECT before->>'name' FROM audit_log WHERE action = 'cycle.deleted' AND cycle_id = $1`,
		id).Scan(&before); err != nil || !strings.Contains(before, "2027") {
		t.Errorf("audit of the deletion: %q %v", before, err)
	}

	// The table's cycle has an enrolled year: kept, and the refusal says so.
	res := e.must(azReq{method: "DELETE", path: e.cyclePath(false), role: rHRRegion}, 409).json(t)
	if msg := res["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "pegawai sudah terdaftar") ||
		!strings.Contains(msg, "sebelum diluncurkan") {
		t.Errorf("deleting a cycle in use: %v", res)
	}
	e.must(azReq{method: "GET", path: e.cyclePath(false), role: rHRRegion}, 200)
	// A cycle with nothing but a unit goal: kept too.
	id = int64(e.must(azReq{method: "POST", path: "/api/cycles", role: rHRRegion, body: body}, 201).json(t)["id"].(float64))
	e.must(azReq{method: "POST", path: fmt.Sprintf("/api/cycles/%d/units/bidang-a/goals", id), role: rHRRegion,
		body: map[string]any{"goal": "Meningkatnya layanan perizinan daring"}}, 201)
	res = e.must(azReq{method: "DELETE", path: fmt.Sprintf("/api/cycles/%d", id), role: rHRRegion}, 409).json(t)
	if msg := res["error"].(map[string]any)["message"].(string); !strings.Contains(msg, "sasaran unit") {
		t.Errorf("deleting a cycle with a unit goal: %v", res)
	}
	e.must(azReq{method: "GET", path: fmt.Sprintf("/api/cycles/%d", id), role: rHRRegion}, 200)
}
