package platform_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kinerja/platform/internal/platform"
)

// TestMutasiMovesTheRunningYear: the org data gives the employee a new superior mid-plan; HR
// reassigns the running year as the org data now says, and the open task follows the new penilai.
func TestMutasiMovesTheRunningYear(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	const nipWati = "198702142012012007" // the new kepala bidang

	cycle := e.planSubmitted()

	// Mutasi: Wati becomes Budi's superior in the org data.
	e.call("POST", "/api/org/import", nipHR, map[string]any{"employees": []map[string]any{
		{"nip": nipWati, "name": "Wati Susanti", "email": "wati@contoh.go.id", "status": "PNS", "unit_id": "diskominfo",
			"position_id": "kabid", "superior_nip": nipHead},
		{"nip": nipEmployee, "name": "Budi Santoso", "email": "budi@contoh.go.id", "status": "PNS", "unit_id": "diskominfo",
			"position_id": "pranata", "superior_nip": nipWati},
	}}, 200)
	e.act(cycle, "reassign-supervisors", nipPenilai, nil, 403)
	// One employee at a time, as the org data says today...
	res := e.act(cycle, "reassign-supervisors", nipHR, map[string]any{"penilai_nip": nipWati}, 200)
	if res["status"].(map[string]any)["plan_state"] != "submitted" {
		t.Errorf("status after reassignment: %v", res["status"])
	}
	e.act(cycle, "reassign-supervisors", nipHR, nil, 422) // nothing left to change
	// ...or the whole cycle: only years that differ from the org data move.
	e.act(cycle, "reassign-supervisors", nipHR, map[string]any{"penilai_nip": nipPenilai}, 200)
	if bulk, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil); bulk["done"] != 1.0 ||
		items[nipEmployee]["status"] != "done" || bulk["failed"] != 0.0 {
		t.Fatalf("bulk reassignment: %v %v", bulk, items)
	}
	if again, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil); again["done"] != 0.0 ||
		items[nipEmployee]["message"] != "pejabat penilai dan atasannya sudah sesuai data organisasi" {
		t.Errorf("second bulk reassignment: %v %v", again, items)
	}

	tasks := e.call("GET", "/api/me/tasks", nipWati, nil, 200)["tasks"].([]any)
	if len(tasks) != 1 || tasks[0].(map[string]any)["kind"] != "review_plan" {
		t.Fatalf("the new penilai's inbox: %v", tasks)
	}
	if n := e.count(`SELECT count(*) FROM tasks WHERE assignee_nip = $1 AND done_at IS NULL`, nipPenilai); n != 0 {
		t.Errorf("the former penilai keeps %d open tasks", n)
	}
	if n := e.count(`SELECT count(*) FROM notification_outbox WHERE to_email = 'wati@contoh.go.id' AND subject LIKE '%Setujui atau kembalikan SKP%'`); n != 2 {
		t.Errorf("%d task emails to the new penilai, want one each time the task came to her", n)
	}
	e.call("GET", fmt.Sprintf("/api/cycles/%d/employees/%s", cycle, nipEmployee), nipPenilai, nil, 404)
	e.act(cycle, "approve-plan", nipWati, nil, 200)
	var actor, from string
	if err := p.Pool.QueryRow(context.Background(), `SELECT actor_nip, after->'record'->'reassigned'->>'from_penilai' FROM audit_log
		WHERE action = 'supervisors.reassigned' ORDER BY id DESC LIMIT 1`).Scan(&actor, &from); err != nil || actor != nipHR || from != nipPenilai {
		t.Errorf("audit of the reassignment: %s %s %v", actor, from, err)
	}
}
