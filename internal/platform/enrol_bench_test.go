package platform_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
)

// The benchmarks compare launching a cycle (enrolment through the API until every employee's
// first task is in the inbox) with the dev server's raw rate for no-op workflows, measured in
// the same run. Report the ratio of the two ns/op figures, not the absolute numbers.

func noop(workflow.Context) error { return nil }

// BenchmarkNoopWorkflowBaseline starts and completes b.N no-op workflows.
func BenchmarkNoopWorkflowBaseline(b *testing.B) {
	c := testenv.TemporalClient(b) // with the payload codec, as the platform's client
	queue := fmt.Sprintf("bench-noop-%d", time.Now().UnixNano())
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflow(noop)
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	b.ResetTimer()
	runs := make([]client.WorkflowRun, b.N)
	for i := range runs {
		var err error
		if runs[i], err = c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, noop); err != nil {
			b.Fatal(err)
		}
	}
	for _, r := range runs {
		if err := r.Get(ctx, nil); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEnrolment enrols b.N employees in one request and waits for every drafting task.
func BenchmarkEnrolment(b *testing.B) {
	p := startPlatform(b, platform.Config{DevAuth: true})
	e := &e2e{t: b, base: "http://" + p.Addr, pool: p.Pool, p: p}
	org := orgImport()
	staff := org["employees"].([]map[string]any)
	// Workflow IDs hold cycle id and NIP, and every run starts a new database on the same
	// Temporal server: NIPs differ per run so no run meets another's workflows.
	nips := make([]string, b.N)
	run := time.Now().UnixNano() / 1000 % 1_000_000
	for i := range nips {
		nips[i] = fmt.Sprintf("19950101%06d%04d", run, i) // 18 digits
		staff = append(staff, map[string]any{"nip": nips[i], "name": fmt.Sprintf("Pegawai %d", i),
			"email": fmt.Sprintf("p%d@contoh.go.id", i), "status": "PNS", "unit_id": "diskominfo",
			"position_id": "pranata", "superior_nip": nipPenilai})
	}
	org["employees"] = staff
	e.call("POST", "/api/org/import", asBootstrap, org, 200)
	dl := hourlyDeadlines()
	cy := e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": dl}, 201)
	cycle := int64(cy["id"].(float64))

	b.ResetTimer()
	e.call("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": nips}, 202)
	for {
		var n int
		if err := p.Pool.QueryRow(context.Background(), `SELECT count(*) FROM tasks WHERE cycle_id = $1 AND kind = 'draft_plan'`, cycle).Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n == b.N {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
}
