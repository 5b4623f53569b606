package devenv

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// testLogger logs through t until the test ends (output goroutines may outlive it), then drops.
func testLogger(t *testing.T) *slog.Logger {
	w := &tWriter{t: t}
	t.Cleanup(func() { w.mu.Lock(); w.done = true; w.mu.Unlock() })
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct {
	t    *testing.T
	mu   sync.Mutex
	done bool
}

func (w *tWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if !w.done {
		w.t.Log(strings.TrimRight(string(p), "\n"))
	}
	return len(p), nil
}

func TestPostgresUsesDatabaseURL(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://someone@db.example:5432/kinerja")
	u, stop, err := Postgres(context.Background(), t.TempDir(), testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	if u != "postgres://someone@db.example:5432/kinerja" {
		t.Fatalf("url = %q", u)
	}
}

// TestPostgresPrivateCluster starts a real private cluster (initdb, pg_ctl) in a temporary
// directory on a free port, as the postgres OS user when running as root, then checks that a
// second call finds it through the probe path and that stop shuts it down.
func TestPostgresPrivateCluster(t *testing.T) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "kinerja-devenv-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil { // the postgres user must be able to enter it
		t.Fatal(err)
	}
	port, err := FreePort()
	if err != nil {
		t.Fatal(err)
	}
	log := testLogger(t)
	opt := pgOptions{ignoreEnv: true, probeURL: "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable", port: port}

	start := time.Now()
	u, stop, err := postgres(ctx, dir, log, opt)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	t.Cleanup(func() {
		if !stopped {
			stop()
		}
	})
	t.Logf("private cluster up in %s: %s", time.Since(start).Round(time.Millisecond), u)
	if !strings.Contains(u, "/kinerja") || !strings.Contains(u, ":"+strconv.Itoa(port)) {
		t.Fatalf("url = %q", u)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	var db, enc string
	if err := conn.QueryRow(ctx, `SELECT current_database(), pg_encoding_to_char(encoding) FROM pg_database WHERE datname = current_database()`).Scan(&db, &enc); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)
	if db != DatabaseName || enc != "UTF8" {
		t.Fatalf("database %s encoding %s", db, enc)
	}
	if _, err := os.Stat(filepath.Join(dir, "pg", ".s.PGSQL."+strconv.Itoa(port))); err != nil {
		t.Errorf("unix socket not in the data directory: %v", err)
	}

	// A running server on the probe address is used as is, without a second cluster.
	probe := strings.Replace(u, "/kinerja", "/postgres", 1)
	u2, stop2, err := postgres(ctx, t.TempDir(), log, pgOptions{ignoreEnv: true, probeURL: probe, port: 1})
	if err != nil {
		t.Fatal(err)
	}
	stop2()
	if u2 != u {
		t.Fatalf("probe path returned %q, want %q", u2, u)
	}

	stop()
	stopped = true
	if _, err := os.Stat(filepath.Join(dir, "pg", "data", "postmaster.pid")); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid still there after stop: %v", err)
	}

	// Second start reuses the initialised cluster.
	u3, stop3, err := postgres(ctx, dir, log, opt)
	if err != nil {
		t.Fatal(err)
	}
	stop3()
	if u3 != u {
		t.Fatalf("restart url = %q", u3)
	}
}

func TestPostgresBinDir(t *testing.T) {
	dir, err := postgresBinDir()
	if err != nil {
		t.Fatal(err)
	}
	t.Log(dir)
}

// fakeServer writes a shell script standing in for temporal-dev.
func fakeServer(t *testing.T, body string) string {
	p := filepath.Join(t.TempDir(), "temporal-dev")
	script := "#!/bin/sh\nwhile [ $# -gt 0 ]; do case $1 in -port) port=$2;; esac; shift; done\n" + body + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestStartTemporalReadyAndStop(t *testing.T) {
	bin := fakeServer(t, `echo starting; echo "temporal-dev ready on 127.0.0.1:$port namespace=default"; exec sleep 60`)
	hostPort, stop, err := StartTemporal(context.Background(), bin, "", 0, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(hostPort, "127.0.0.1:") || strings.HasSuffix(hostPort, ":0") {
		t.Fatalf("hostPort = %q", hostPort)
	}
	start := time.Now()
	if err := stop(); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Fatalf("stop took %s", time.Since(start))
	}
	if err := stop(); err != nil {
		t.Fatalf("second stop: %v", err)
	}
}

func TestStartTemporalEarlyExit(t *testing.T) {
	bin := fakeServer(t, `echo "temporal-dev: create namespace: boom" >&2; exit 3`)
	_, _, err := StartTemporal(context.Background(), bin, "", 0, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "boom") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("err = %v", err)
	}
}

func TestStartTemporalContextEnds(t *testing.T) {
	bin := fakeServer(t, `echo never ready; exec sleep 60`)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	_, _, err := StartTemporal(ctx, bin, "", 0, testLogger(t))
	if err == nil || !strings.Contains(err.Error(), "never ready") {
		t.Fatalf("err = %v", err)
	}
}

func TestRepoRootAndTemporalBinaryFromEnv(t *testing.T) {
	root, err := RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "cmd", "temporal-dev", "main.go")); err != nil {
		t.Fatalf("root %s: %v", root, err)
	}
	bin := fakeServer(t, "exit 0")
	t.Setenv("TEMPORAL_DEV_BIN", bin)
	got, err := TemporalBinary()
	if err != nil || got != bin {
		t.Fatalf("TemporalBinary = %q, %v", got, err)
	}
	t.Setenv("TEMPORAL_DEV_BIN", filepath.Join(t.TempDir(), "missing"))
	if _, err := TemporalBinary(); err == nil {
		t.Fatal("missing TEMPORAL_DEV_BIN accepted")
	}
}

func TestTemporalPostgresURL(t *testing.T) {
	got, err := TemporalPostgresURL("postgres://app:s3cret@db.local:5433/kinerja?sslmode=disable")
	if err != nil || got != "postgres://app:s3cret@db.local:5433/kinerja_temporal?sslmode=disable" {
		t.Fatalf("TemporalPostgresURL = %q, %v", got, err)
	}
	if _, err := TemporalPostgresURL("postgres://app@db.local:5433"); err == nil || !strings.Contains(err.Error(), "names no database") {
		t.Fatalf("URL without a database: %v", err)
	}
}

func TestDevTemporalOptions(t *testing.T) {
	dbURL := "postgres://postgres@127.0.0.1:5432/kinerja?sslmode=disable"
	t.Setenv(TemporalStoreEnv, "")
	opt, where, err := DevTemporalOptions("/data", dbURL)
	if err != nil || opt.PostgresURL != "postgres://postgres@127.0.0.1:5432/kinerja_temporal?sslmode=disable" ||
		opt.SQLitePath != "" || opt.Port != 7233 || opt.Shards != 4 || opt.MaxConns != 4 || !strings.Contains(where, "kinerja_temporal_visibility") {
		t.Fatalf("default: %+v %q %v", opt, where, err)
	}
	t.Setenv(TemporalStoreEnv, "sqlite")
	opt, where, err = DevTemporalOptions("/data", dbURL)
	if err != nil || opt.PostgresURL != "" || opt.SQLitePath != "/data/temporal.sqlite" || where != "/data/temporal.sqlite" {
		t.Fatalf("sqlite: %+v %q %v", opt, where, err)
	}
	t.Setenv(TemporalStoreEnv, "mysql")
	if _, _, err = DevTemporalOptions("/data", dbURL); err == nil || !strings.Contains(err.Error(), TemporalStoreEnv) {
		t.Fatalf("unknown store: %v", err)
	}
}

// TestStartTemporalPassesOptions checks the command line and environment the child gets: the
// PostgreSQL URL travels in the environment (never in the process list), shards and pool size as flags.
func TestStartTemporalPassesOptions(t *testing.T) {
	out := filepath.Join(t.TempDir(), "seen")
	bin := fakeServer(t, `echo "args=$ARGS url=$TEMPORAL_DEV_POSTGRES_URL" > `+out+`; echo "temporal-dev ready on 127.0.0.1:$port namespace=default"; exec sleep 60`)
	// fakeServer's loop consumed "$@"; record it before by wrapping.
	wrapper := filepath.Join(t.TempDir(), "wrap")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nARGS=\"$*\" exec "+bin+" \"$@\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("TEMPORAL_DEV_POSTGRES_URL", "postgres://inherited@elsewhere/x")
	_, stop, err := StartTemporalWith(context.Background(), wrapper,
		TemporalOptions{PostgresURL: "postgres://u:pw@127.0.0.1:5432/k_temporal", Shards: 4, MaxConns: 3}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	seen, _ := os.ReadFile(out)
	got := strings.TrimSpace(string(seen))
	if !strings.Contains(got, "-shards 4") || !strings.Contains(got, "-max-conns 3") ||
		strings.Contains(got, "-db") || !strings.HasSuffix(got, "url=postgres://u:pw@127.0.0.1:5432/k_temporal") {
		t.Fatalf("child saw %q", got)
	}

	// SQLite: the file goes as -db and an inherited PostgreSQL URL does not reach the child.
	_, stop, err = StartTemporalWith(context.Background(), wrapper, TemporalOptions{SQLitePath: "state.sqlite"}, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	stop()
	seen, _ = os.ReadFile(out)
	got = strings.TrimSpace(string(seen))
	abs, _ := filepath.Abs("state.sqlite")
	if !strings.Contains(got, "-db "+abs) || strings.Contains(got, "-shards") || !strings.HasSuffix(got, "url=") {
		t.Fatalf("child saw %q", got)
	}
}
