package devenv_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/internal/devenv"
	"github.com/kinerja/platform/internal/testenv"
)

// temporalDB returns the URL of a database name for the dev server on the test PostgreSQL server,
// not yet created (the server creates it and <name>_visibility); both are dropped when the test ends.
func temporalDB(t testing.TB) string {
	t.Helper()
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "kinerja_test_" + hex.EncodeToString(b) + "_temporal"
	u, err := url.Parse(testenv.AdminURL())
	if err != nil {
		t.Fatal(err)
	}
	admin := u.String()
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop %s: %v", name, err)
			return
		}
		defer conn.Close(ctx)
		for _, db := range []string{name, name + "_visibility"} {
			if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{db}.Sanitize()+" WITH (FORCE)"); err != nil {
				t.Errorf("drop %s: %v", db, err)
			}
		}
	})
	u.Path = "/" + name
	return u.String()
}

func startServer(t testing.TB, opt devenv.TemporalOptions) (hostPort string, stop func() error) {
	t.Helper()
	bin, err := devenv.TemporalBinary()
	if err != nil {
		t.Fatal(err)
	}
	hostPort, stop, err = devenv.StartTemporalWith(context.Background(), bin, opt, testenv.Logger())
	if err != nil {
		t.Fatal(err)
	}
	return hostPort, stop
}

func dial(t testing.TB, hostPort string) client.Client {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: hostPort, Logger: sdklog.NewStructuredLogger(testenv.Logger())})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitForSignal is a workflow that finishes with the first "go" signal's value.
func waitForSignal(ctx workflow.Context) (string, error) {
	var v string
	workflow.GetSignalChannel(ctx, "go").Receive(ctx, &v)
	return "got " + v, nil
}

// TestTemporalOnPostgresKeepsRunningWorkflows starts the real dev server on PostgreSQL (creating
// both databases) with 4 history shards, starts a workflow that waits, stops the server, starts it
// again on the same databases asking for 1 shard (the stored count wins) and finishes the workflow.
func TestTemporalOnPostgresKeepsRunningWorkflows(t *testing.T) {
	opt := devenv.TemporalOptions{PostgresURL: temporalDB(t), Shards: 4, MaxConns: 2}
	restartKeepsWorkflow(t, opt, func() {
		// The state lives in PostgreSQL, in the two databases the server made.
		var executions, shards int
		queryPG(t, opt.PostgresURL, `SELECT (SELECT count(*) FROM current_executions WHERE workflow_id = 'kept-across-restart'),
			(SELECT count(*) FROM shards)`, &executions, &shards)
		if executions != 1 || shards != 4 {
			t.Fatalf("current_executions rows = %d, shards = %d; want 1 and 4", executions, shards)
		}
		vis, _ := url.Parse(opt.PostgresURL)
		vis.Path += "_visibility"
		var visible int
		queryPG(t, vis.String(), `SELECT count(*) FROM executions_visibility WHERE workflow_id = 'kept-across-restart'`, &visible)
		if visible != 1 {
			t.Fatalf("visibility rows = %d; want 1", visible)
		}
	}, func() {
		opt.Shards = 1
	}, func() {
		// The restarted server forgot the members the first run left behind: one row per service.
		var rows, roles int
		queryPG(t, opt.PostgresURL, `SELECT count(*), count(DISTINCT role) FROM cluster_membership`, &rows, &roles)
		if rows != roles || rows == 0 {
			t.Fatalf("cluster_membership: %d rows for %d roles; stale members left", rows, roles)
		}
	})
}

// TestTemporalOnSQLiteKeepsRunningWorkflows is the same on a SQLite file (KINERJA_TEMPORAL_STORE=sqlite).
func TestTemporalOnSQLiteKeepsRunningWorkflows(t *testing.T) {
	opt := devenv.TemporalOptions{SQLitePath: filepath.Join(t.TempDir(), "temporal.sqlite")}
	restartKeepsWorkflow(t, opt, func() {
		if fi, err := os.Stat(opt.SQLitePath); err != nil || fi.Size() == 0 {
			t.Fatalf("state file: %v", err)
		}
	}, func() {}, func() {})
}

// restartKeepsWorkflow starts a server with opt and a workflow that waits for a signal, stops the
// server, calls stopped, lets change alter opt, starts the server again, calls restarted, and
// finishes the workflow on the restarted server.
func restartKeepsWorkflow(t *testing.T, opt devenv.TemporalOptions, stopped, change, restarted func()) {
	ctx := context.Background()
	queue := "devenv-restart"
	hostPort, stop := startServer(t, opt)
	c := dial(t, hostPort)
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: "kept-across-restart", TaskQueue: queue}, waitForSignal)
	if err != nil {
		t.Fatal(err)
	}
	c.Close()
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	stopped()

	change()
	hostPort, stop = startServer(t, opt)
	defer stop()
	restarted()
	c = dial(t, hostPort)
	defer c.Close()
	w := worker.New(c, queue, worker.Options{})
	w.RegisterWorkflow(waitForSignal)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	if err := c.SignalWorkflow(ctx, "kept-across-restart", run.GetRunID(), "go", "after restart"); err != nil {
		t.Fatalf("signal after restart: %v", err)
	}
	var got string
	if err := c.GetWorkflow(ctx, "kept-across-restart", run.GetRunID()).Get(ctx, &got); err != nil {
		t.Fatal(err)
	}
	if got != "got after restart" {
		t.Fatalf("result = %q", got)
	}
}

func queryPG(t *testing.T, dbURL, sql string, dest ...any) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if err := conn.QueryRow(ctx, sql).Scan(dest...); err != nil {
		t.Fatalf("%s: %v", sql, err)
	}
}
