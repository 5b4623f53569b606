package devenv_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
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
	ctx := context.Background()
	opt := devenv.TemporalOptions{PostgresURL: temporalDB(t), Shards: 4, MaxConns: 2}
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

	// The state lives in PostgreSQL, in the two databases the server made.
	conn, err := pgx.Connect(ctx, opt.PostgresURL)
	if err != nil {
		t.Fatal(err)
	}
	var executions, shards int
	err = conn.QueryRow(ctx, `SELECT (SELECT count(*) FROM current_executions WHERE workflow_id = 'kept-across-restart'),
		(SELECT count(*) FROM shards)`).Scan(&executions, &shards)
	conn.Close(ctx)
	if err != nil || executions != 1 || shards != 4 {
		t.Fatalf("current_executions rows = %d, shards = %d, %v; want 1 and 4", executions, shards, err)
	}
	vis, _ := url.Parse(opt.PostgresURL)
	vis.Path += "_visibility"
	conn, err = pgx.Connect(ctx, vis.String())
	if err != nil {
		t.Fatalf("visibility database: %v", err)
	}
	var visible int
	err = conn.QueryRow(ctx, `SELECT count(*) FROM executions_visibility WHERE workflow_id = 'kept-across-restart'`).Scan(&visible)
	conn.Close(ctx)
	if err != nil || visible != 1 {
		t.Fatalf("visibility rows = %d, %v; want 1", visible, err)
	}

	opt.Shards = 1
	hostPort, stop = startServer(t, opt)
	defer stop()
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
