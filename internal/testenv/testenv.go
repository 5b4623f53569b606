// Package testenv gives tests real infrastructure: a fresh, migrated PostgreSQL database per call
// and a Temporal dev server shared by the whole test binary.
//
// Packages that use Temporal should stop the shared server when their tests end:
//
//	func TestMain(m *testing.M) { testenv.Main(m) }
package testenv

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"

	"github.com/kinerja/platform/internal/devenv"
	"github.com/kinerja/platform/internal/payloadcrypt"
	"github.com/kinerja/platform/migrations"
	"github.com/kinerja/platform/store"
)

// Namespace is the Temporal namespace the shared dev server creates.
const Namespace = "default"

// AdminURL is the server-level URL tests create their databases with: TEST_DATABASE_URL, else
// DATABASE_URL, else the local server on 127.0.0.1:5432.
func AdminURL() string {
	for _, k := range []string{"TEST_DATABASE_URL", "DATABASE_URL"} {
		if u := os.Getenv(k); u != "" {
			return u
		}
	}
	return devenv.LocalPostgresURL
}

// DB returns a pool on a new database with every migration applied. The database is dropped
// (WITH (FORCE)) and the pool closed when the test ends. Tests fail, never skip, when PostgreSQL
// cannot be reached.
func DB(t testing.TB) *pgxpool.Pool {
	t.Helper()
	pool, err := store.Open(context.Background(), DBURL(t))
	if err != nil {
		t.Fatalf("testenv: connect: %v", err)
	}
	t.Cleanup(pool.Close) // runs before the drop registered by DBURL
	return pool
}

// DBURL creates a new, migrated database dropped when the test ends, and returns its URL:
// for code under test that opens its own pool.
func DBURL(t testing.TB) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	adminURL := AdminURL()
	cfg, err := pgxpool.ParseConfig(adminURL)
	if err != nil {
		t.Fatalf("testenv: parse PostgreSQL URL: %v", err)
	}
	admin, err := adminConn(ctx, adminURL)
	if err != nil {
		t.Fatalf("testenv: PostgreSQL is not reachable at %s:%d: %v\n"+
			"Run the tests with `go tool task test` on a machine with PostgreSQL running, start PostgreSQL "+
			"(listening on 127.0.0.1:5432, trust auth for user postgres), or set TEST_DATABASE_URL.",
			cfg.ConnConfig.Host, cfg.ConnConfig.Port, err)
	}
	defer admin.Close(context.Background())

	name := "kinerja_test_" + randomHex(6)
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		t.Fatalf("testenv: create database %s: %v", name, err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		admin, err := adminConn(ctx, adminURL)
		if err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
			return
		}
		defer admin.Close(context.Background())
		if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)"); err != nil {
			t.Errorf("testenv: drop database %s: %v", name, err)
		}
	})

	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("testenv: parse PostgreSQL URL: %v", err)
	}
	u.Path = "/" + name
	dbURL := u.String()
	pool, err := pgxpool.New(ctx, dbURL)
	if err != nil {
		t.Fatalf("testenv: connect to %s: %v", name, err)
	}
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		t.Fatalf("testenv: migrate %s: %v", name, err)
	}
	return dbURL
}

func adminConn(ctx context.Context, url string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return pgx.Connect(ctx, url)
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

var temporal struct {
	once     sync.Once
	hostPort string
	stop     func() error
	err      error
}

// Temporal returns host:port of a Temporal dev server (namespace "default", in-memory state)
// shared by every test in the binary, starting it on first use. TEST_TEMPORAL_ADDRESS, when set,
// points at an already running server instead.
func Temporal(t testing.TB) string {
	t.Helper()
	if addr := os.Getenv("TEST_TEMPORAL_ADDRESS"); addr != "" {
		return addr
	}
	temporal.once.Do(func() {
		bin, err := devenv.TemporalBinary()
		if err != nil {
			temporal.err = err
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		temporal.hostPort, temporal.stop, temporal.err = devenv.StartTemporal(ctx, bin, "", 0, Logger())
	})
	if temporal.err != nil {
		t.Fatalf("testenv: start Temporal dev server: %v\n(`go tool task test` builds it first with build-temporal)", temporal.err)
	}
	return temporal.hostPort
}

var payloadKeys = sync.OnceValue(func() string {
	if spec := os.Getenv(payloadcrypt.EnvKeys); spec != "" {
		return spec // a worker process a test started: the parent's key
	}
	return payloadcrypt.NewKeySpec("test")
})

// PayloadKeys is the test binary's payload key in the KINERJA_PAYLOAD_KEYS form, generated
// once per binary: hand it to processes a test starts.
func PayloadKeys() string { return payloadKeys() }

// Payloads is the codec every Temporal client of the test binary encrypts with.
func Payloads(t testing.TB) *payloadcrypt.Codec {
	t.Helper()
	c, err := payloadcrypt.Parse(PayloadKeys())
	if err != nil {
		t.Fatalf("testenv: %v", err)
	}
	return c
}

// TemporalClient dials the shared dev server (namespace "default") with the test payload codec,
// as the platform does, and closes the client when the test ends.
func TemporalClient(t testing.TB) client.Client {
	t.Helper()
	codec := Payloads(t)
	c, err := client.Dial(client.Options{
		HostPort:         Temporal(t),
		Namespace:        Namespace,
		Logger:           sdklog.NewStructuredLogger(Logger()),
		DataConverter:    codec.DataConverter(),
		FailureConverter: codec.FailureConverter(),
	})
	if err != nil {
		t.Fatalf("testenv: dial Temporal: %v", err)
	}
	t.Cleanup(c.Close)
	return c
}

// Main runs the tests and then stops the shared Temporal server, if one was started:
// call it from TestMain.
func Main(m *testing.M) {
	code := m.Run()
	if temporal.stop != nil {
		if err := temporal.stop(); err != nil {
			fmt.Fprintln(os.Stderr, "testenv: stop Temporal dev server:", err)
		}
	}
	os.Exit(code)
}

// Logger writes warnings and errors to stderr (shown by `go test` for failing packages or with -v);
// TESTENV_LOG=debug or info shows more.
func Logger() *slog.Logger {
	level := slog.LevelWarn
	if v := os.Getenv("TESTENV_LOG"); v != "" {
		_ = level.UnmarshalText([]byte(v))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
}
