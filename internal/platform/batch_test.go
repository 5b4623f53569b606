package platform_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
)

// withStaff adds n staff under the penilai to the organisation, with NIPs unique to this run
// (every test database meets the same Temporal server), and returns their NIPs.
func withStaff(org map[string]any, n int) []string {
	staff := org["employees"].([]map[string]any)
	nips := make([]string, n)
	run := time.Now().UnixNano() / 1000 % 1_000_000
	for i := range nips {
		nips[i] = fmt.Sprintf("19950101%06d%04d", run, i) // 18 digits
		staff = append(staff, map[string]any{"nip": nips[i], "name": fmt.Sprintf("Pegawai %d", i),
			"email": fmt.Sprintf("p%d@contoh.go.id", i), "status": "PNS", "unit_id": "diskominfo",
			"position_id": "pranata", "superior_nip": nipPenilai})
	}
	org["employees"] = staff
	return nips
}

// TestLaunchSurvivesAKilledWorker launches a cycle of a few hundred employees, kills the worker
// process (SIGKILL) while the launch batch is midway, and starts another: the batch finishes with
// every employee enrolled exactly once (one row, one workflow, one drafting task each) and no
// item failed. Then a deadline move reaches every running year through its batch.
func TestLaunchSurvivesAKilledWorker(t *testing.T) {
	const staff = 300
	dbURL := testenv.DBURL(t)
	p := startPlatform(t, platform.Config{DatabaseURL: dbURL, DevAuth: true, NoWorker: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	org := orgImport()
	withStaff(org, staff)
	e.call("POST", "/api/org/import", asBootstrap, org, 200)
	cycle := int64(e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": hourlyDeadlines()}, 201)["id"].(float64))
	// The staff, the employee and the stranger have a penilai and an atasan; the head, the
	// penilai and HR (whose penilai is the head) lack one and are skipped.
	const enrollable, skipped = staff + 2, 3

	first := startWorkerProcess(t, dbURL)
	started := e.call("POST", fmt.Sprintf("/api/cycles/%d/launch", cycle), nipHR, map[string]any{}, 202)
	id := int64(started["batch_id"].(float64))
	if started["total"] != float64(enrollable+skipped) || started["kind"] != "launch" {
		t.Fatalf("launch answered %v", started)
	}
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM employee_cycles WHERE workflow_state = 'started'`) >= 40
	})
	first.kill(t)
	mid := e.call("GET", fmt.Sprintf("/api/batches/%d", id), nipHR, nil, 200)
	rows := e.count(`SELECT count(*) FROM employee_cycles`)
	t.Logf("killed the worker with %d enrolment rows written, batch %v", rows, mid)
	if mid["state"] != "running" || mid["pending"] == 0.0 || rows >= enrollable {
		t.Fatalf("the kill came too late to prove anything: %d rows, batch %v", rows, mid)
	}

	startWorkerProcess(t, dbURL)
	b, items := e.waitBatch(nipHR, id, 3*time.Minute)
	if b["state"] != "finished" || b["done"] != float64(enrollable) || b["skipped"] != float64(skipped) || b["failed"] != 0.0 ||
		b["pending"] != 0.0 || len(items) != enrollable+skipped {
		t.Fatalf("batch after the restart: %v", b)
	}
	if items[nipHR]["message"] != "pejabat penilai Hadi Prasetyo belum punya atasan; keberatan tidak akan ada yang memutus" {
		t.Errorf("HR's item: %v", items[nipHR])
	}
	// Exactly once: one row per employee, every row started with a workflow of its own, and one
	// drafting task each once the years have run their first step.
	if n := e.count(`SELECT count(*) FROM employee_cycles WHERE cycle_id = $1 AND workflow_state = 'started'`, cycle); n != enrollable {
		t.Errorf("%d started enrolments, want %d", n, enrollable)
	}
	if n := e.count(`SELECT count(DISTINCT workflow_id) FROM employee_cycles WHERE cycle_id = $1`, cycle); n != enrollable {
		t.Errorf("%d distinct workflow ids, want %d", n, enrollable)
	}
	rowsIDs, err := p.Pool.Query(context.Background(), `SELECT workflow_id FROM employee_cycles WHERE cycle_id = $1`, cycle)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for rowsIDs.Next() {
		var id string
		_ = rowsIDs.Scan(&id)
		ids = append(ids, id)
	}
	for _, id := range ids {
		if runID(t, p, id) == "" {
			t.Errorf("enrolment with workflow %s has no workflow", id)
		}
	}
	waitLong(t, 2*time.Minute, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE cycle_id = $1 AND kind = 'draft_plan'`, cycle) >= enrollable
	})
	if n := e.count(`SELECT count(*) FROM (SELECT 1 FROM tasks WHERE cycle_id = $1 AND kind = 'draft_plan'
		GROUP BY subject_nip HAVING count(*) > 1) d`, cycle); n != 0 {
		t.Errorf("%d employees have more than one drafting task", n)
	}

	// Launching again finds everyone enrolled: nothing to do.
	if again, _ := e.batch("POST", fmt.Sprintf("/api/cycles/%d/launch", cycle), nipHR, map[string]any{}); again["total"] != float64(skipped) || again["done"] != 0.0 {
		t.Errorf("second launch: %v", again)
	}

	// A deadline move reaches every running year through its batch: each drafting task takes the new date.
	newDue := time.Now().Add(30 * time.Minute).UTC().Truncate(time.Second)
	mv, _ := e.batch("PUT", fmt.Sprintf("/api/cycles/%d/deadlines/plan_due", cycle), nipHR, map[string]any{"at": newDue})
	if mv["done"] != float64(enrollable) || mv["failed"] != 0.0 {
		t.Fatalf("deadline move batch: %v", mv)
	}
	waitLong(t, 2*time.Minute, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE cycle_id = $1 AND kind = 'draft_plan' AND done_at IS NULL AND due_at = $2`,
			cycle, newDue) == enrollable
	})
}
