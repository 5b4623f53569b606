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
// server with each store and shard count, each on a fresh store, and reports workflows/s; on
// PostgreSQL also the server's connections (pg_stat_activity on its two databases) when idle and
// the most seen under load. Compare the figures within one run (machine load moves them all):
//
//	go test -run '^$' -bench DevServerStores -benchtime 1000x ./internal/devenv/
func BenchmarkDevServerStores(b *testing.B) {
	type server struct {
		c       client.Client
		queue   string
		pgURL   string
		idleCon int
	}
	servers := map[string]*server{} // one per case across the benchmark's rounds
	cases := []struct {
		name string
		opt  func() devenv.TemporalOptions
	}{
		{"sqlite-file/shards=1", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{SQLitePath: filepath.Join(b.TempDir(), "t.sqlite"), Shards: 1}
		}},
		{"sqlite-file/shards=4", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{SQLitePath: filepath.Join(b.TempDir(), "t.sqlite"), Shards: 4}
		}},
		{"postgres/shards=1/conns=2", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 1, MaxConns: 2}
		}},
		{"postgres/shards=1/conns=4", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 1, MaxConns: 4}
		}},
		{"postgres/shards=4/conns=4", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 4, MaxConns: 4}
		}},
		{"postgres/shards=1/conns=16", func() devenv.TemporalOptions {
			return devenv.TemporalOptions{PostgresURL: temporalDB(b), Shards: 1, MaxConns: 16}
		}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(sb *testing.B) {
			s := servers[tc.name]
			if s == nil {
				opt := tc.opt()
				hostPort, stop := startServer(b, opt)
				b.Cleanup(func() { _ = stop() })
				c := dial(b, hostPort)
				b.Cleanup(c.Close)
				s = &server{c: c, queue: "bench-" + strings.NewReplacer("/", "-", "=", "").Replace(tc.name), pgURL: opt.PostgresURL}
				w := worker.New(c, s.queue, worker.Options{})
				w.RegisterWorkflow(noop)
				if err := w.Start(); err != nil {
					sb.Fatal(err)
				}
				b.Cleanup(w.Stop)
				if s.pgURL != "" {
					s.idleCon = pgConnections(sb, s.pgURL)
				}
				servers[tc.name] = s
			}

			var peak atomic.Int64
			stopSampling := func() {}
			if s.pgURL != "" {
				stopSampling = samplePGConnections(sb, s.pgURL, &peak)
			}
			sb.ResetTimer()
			runNoops(sb, s.c, s.queue, sb.N)
			sb.StopTimer()
			stopSampling()
			sb.ReportMetric(float64(sb.N)/sb.Elapsed().Seconds(), "workflows/s")
			if s.pgURL != "" {
				sb.ReportMetric(float64(s.idleCon), "pg-conns-idle")
				sb.ReportMetric(float64(peak.Load()), "pg-conns-peak")
			}
		})
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
