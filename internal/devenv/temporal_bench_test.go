package devenv_test

import (
	"context"
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/internal/devenv"
	"github.com/kinerja/platform/internal/testenv"
)

func noop(workflow.Context) error { return nil }

// BenchmarkDevServerStores starts and finishes no-op workflows, 32 starters at once, on the dev
// server with each store, shard count and PostgreSQL pool size, each on a fresh store. All servers
// run side by side and take turns in rounds of 50 workflows, so load from the rest of the machine
// falls on every case alike; compare the figures within one run, as ratios. It reports workflows/s
// per case and, on PostgreSQL, the server's connections (pg_stat_activity on its two databases)
// when idle and the most seen under load. b.N workflows per case:
//
//	go test -run '^$' -bench DevServerStores -benchtime 1000x ./internal/devenv/
func BenchmarkDevServerStores(b *testing.B) {
	cases := []struct {
		name string
		opt  func() devenv.TemporalOptions
	}{
		{"sqlite-s1", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{SQLitePath: filepath.Join(b.TempDir(), "t.sqlite"), Shards: 1}
		}},
		{"sqlite-s4", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{SQLitePath: filepath.Join(b.TempDir(), "t.sqlite"), Shards: 4}
		}},
		{"pg-s1-c4", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 1, MaxConns: 4}
		}},
		{"pg-s4-c2", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 4, MaxConns: 2}
		}},
		{"pg-s4-c4", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 4, MaxConns: 4}
		}},
		{"pg-s4-c16", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 4, MaxConns: 16}
		}},
	}
	type server struct {
		name    string
		c       client.Client
		queue   string
		pgURL   string
		idle    int
		peak    atomic.Int64
		elapsed time.Duration
		done    int
	}
	var servers []*server
	for _, tc := range cases {
		opt := tc.opt()
		hostPort, stop := startServer(b, opt)
		b.Cleanup(func() { _ = stop() })
		c := dial(b, hostPort)
		b.Cleanup(c.Close)
		s := &server{name: tc.name, c: c, queue: "bench-" + tc.name, pgURL: opt.PostgresURL}
		w := worker.New(c, s.queue, worker.Options{})
		w.RegisterWorkflow(noop)
		if err := w.Start(); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(w.Stop)
		runNoops(b, c, s.queue, 32) // warm up: first workflow task, caches, pools
		if s.pgURL != "" {
			s.idle = pgConnections(b, s.pgURL)
			b.Cleanup(samplePGConnections(b, s.pgURL, &s.peak))
		}
		servers = append(servers, s)
	}

	b.ResetTimer()
	for left := true; left; {
		left = false
		for _, s := range servers {
			n := min(50, b.N-s.done)
			if n == 0 {
				continue
			}
			start := time.Now()
			runNoops(b, s.c, s.queue, n)
			s.elapsed += time.Since(start)
			s.done += n
			left = left || s.done < b.N
		}
	}
	b.StopTimer()
	for _, s := range servers {
		b.ReportMetric(float64(s.done)/s.elapsed.Seconds(), s.name+"-wf/s")
		if s.pgURL != "" {
			b.ReportMetric(float64(s.idle), s.name+"-conns-idle")
			b.ReportMetric(float64(s.peak.Load()), s.name+"-conns-peak")
		}
	}
}

// runNoops starts n no-op workflows from 32 goroutines and waits for each to finish.
func runNoops(b *testing.B, c client.Client, queue string, n int) {
	ctx := context.Background()
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for next.Add(1) <= int64(n) {
				run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{TaskQueue: queue}, noop)
				if err == nil {
					err = run.Get(ctx, nil)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// pgConnections counts the sessions on the dev server's two databases.
func pgConnections(b *testing.B, pgURL string) int {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.AdminURL())
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	return countPG(b, conn, pgURL)
}

func countPG(b *testing.B, conn *pgx.Conn, pgURL string) int {
	u, err := url.Parse(pgURL)
	if err != nil {
		b.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	var n int
	if err := conn.QueryRow(context.Background(), `SELECT count(*) FROM pg_stat_activity WHERE datname IN ($1, $2)`,
		db, db+"_visibility").Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// samplePGConnections records the highest connection count seen every 50 ms until stopped.
func samplePGConnections(b *testing.B, pgURL string, peak *atomic.Int64) (stop func()) {
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, testenv.AdminURL())
	if err != nil {
		b.Fatal(err)
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			if n := int64(countPG(b, conn, pgURL)); n > peak.Load() {
				peak.Store(n)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() {
		close(done)
		<-finished
		conn.Close(ctx)
		if peak.Load() == 0 {
			b.Error(fmt.Sprintf("no connection to %s seen under load", pgURL))
		}
	}
}
