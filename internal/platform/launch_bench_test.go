package platform_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/kinerja/platform/batch"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/worker"
)

// launchBenchN is how many employees BenchmarkLaunchVsNoop launches (KINERJA_BENCH_LAUNCH_N).
func launchBenchN(b *testing.B) int { return benchN(b, "KINERJA_BENCH_LAUNCH_N", 10_000) }

// benchN is a benchmark's size from the environment variable, def when unset.
func benchN(b *testing.B, env string, def int) int {
	if v := os.Getenv(env); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("%s=%q", env, v)
		}
		return n
	}
	return def
}

// BenchmarkLaunchVsNoop measures, in one run on the same Temporal server: the raw rate of
// starting and finishing N no-op workflows, batch.Concurrency at once, on a worker with the
// platform's worker options; then the launch of a cycle of N employees through the API (POST
// /launch until the batch has finished: every year started) and until every drafting task is in
// the inbox (every year has run its first step). It reports the rates and their ratios to the
// no-op rate: launch/noop is the target (at least 0.8).
func BenchmarkLaunchVsNoop(b *testing.B) {
	n := launchBenchN(b)
	for range b.N {
		noop := noopRate(b, n, batch.Concurrency)
		launched, inbox := launchRate(b, n)
		b.ReportMetric(noop, "noop/s")
		b.ReportMetric(launched, "launch/s")
		b.ReportMetric(inbox, "inbox/s")
		b.ReportMetric(launched/noop, "launch/noop")
		b.ReportMetric(inbox/noop, "inbox/noop")
	}
}

// noopRate starts and finishes n no-op workflows, conc at once, and returns workflows per second.
func noopRate(b *testing.B, n, conc int) float64 {
	c := testenv.TemporalClient(b)
	queue := fmt.Sprintf("bench-noop-%d", time.Now().UnixNano())
	w := sdkworker.New(c, queue, worker.Options())
	w.RegisterWorkflow(noop)
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				r, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, noop)
				if err == nil {
					err = r.Get(ctx, nil)
				}
				if err != nil {
					b.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	return float64(n) / time.Since(start).Seconds()
}

// launchRate launches a cycle of n staff and returns employees per second until the launch batch
// finished and until every drafting task was in the inbox.
func launchRate(b *testing.B, n int) (launched, inbox float64) {
	p := startPlatform(b, platform.Config{DevAuth: true})
	e := &e2e{t: b, base: "http://" + p.Addr, pool: p.Pool, p: p}
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	// n staff under the penilai, written directly: an import of 10,000 exceeds a request body.
	// NIPs differ per run so no run meets another's workflows on the same server.
	run := time.Now().UnixNano() / 1000 % 1_000_000
	if _, err := p.Pool.Exec(context.Background(), `INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
		SELECT '19950101' || lpad($1::text, 6, '0') || lpad(i::text, 4, '0'), 'Pegawai ' || i, 'p' || i || '@contoh.go.id',
			'PNS', 'diskominfo', 'pranata', $2
		FROM generate_series(0, $3 - 1) i`, strconv.FormatInt(run, 10), nipPenilai, n); err != nil {
		b.Fatal(err)
	}
	cycle := int64(e.call("POST", "/api/cycles", nipHR, map[string]any{"year": time.Now().Year(), "deadlines": hourlyDeadlines()}, 201)["id"].(float64))
	enrolled := n + 2 // the staff, the employee and the stranger; the rest lack a penilai or an atasan

	b.ResetTimer()
	start := time.Now()
	id := int64(e.call("POST", fmt.Sprintf("/api/cycles/%d/launch", cycle), nipHR, map[string]any{}, 202)["batch_id"].(float64))
	var res map[string]any
	for res = e.call("GET", fmt.Sprintf("/api/batches/%d", id), nipHR, nil, 200); res["state"] == "running"; {
		time.Sleep(50 * time.Millisecond)
		res = e.call("GET", fmt.Sprintf("/api/batches/%d", id), nipHR, nil, 200)
	}
	launchedIn := time.Since(start)
	if res["done"] != float64(enrolled) || res["failed"] != 0.0 {
		b.Fatalf("launch: %v", res)
	}
	for e.count(`SELECT count(*) FROM tasks WHERE cycle_id = $1 AND kind = 'draft_plan'`, cycle) < enrolled {
		time.Sleep(100 * time.Millisecond)
	}
	inboxIn := time.Since(start)
	b.StopTimer()
	return float64(enrolled) / launchedIn.Seconds(), float64(enrolled) / inboxIn.Seconds()
}
