// Package devenv starts the local pieces the platform needs on a developer machine or in tests:
// a PostgreSQL server (the one already running, or a private cluster under .data/) and the
// embedded Temporal dev server built from cmd/temporal-dev.
package devenv

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// LocalPostgresURL is where a machine-wide PostgreSQL usually answers (trust auth, user postgres).
	LocalPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	// PrivatePostgresPort is the port of the private cluster started under the data directory.
	PrivatePostgresPort = 55432
	// DatabaseName is the database the platform uses on a local server.
	DatabaseName = "kinerja"

	noPostgresHint = "install PostgreSQL (apt-get install postgresql) or set DATABASE_URL"
)

// pgOptions exist so tests can exercise the private-cluster path without seeing the machine's server.
type pgOptions struct {
	ignoreEnv bool   // do not look at DATABASE_URL
	probeURL  string // server to try before starting a private cluster
	port      int    // port of the private cluster
}

var defaultPGOptions = pgOptions{probeURL: LocalPostgresURL, port: PrivatePostgresPort}

// Postgres finds or starts a PostgreSQL server and returns the URL of the platform's database.
//
//  1. DATABASE_URL, if set, is returned as is; stop does nothing.
//  2. A server answering on 127.0.0.1:5432 (user postgres, trust auth) is used: database "kinerja"
//     is created when missing; stop does nothing.
//  3. Otherwise a private cluster is started under dataDir/pg with the machine's PostgreSQL
//     binaries (initdb on first use), listening on 127.0.0.1:55432; stop runs `pg_ctl stop -m fast`.
//
// When running as root, the private cluster runs as the "postgres" OS user, which must be able
// to reach dataDir (every parent directory needs the x bit for others).
func Postgres(ctx context.Context, dataDir string, log *slog.Logger) (dbURL string, stop func(), err error) {
	return postgres(ctx, dataDir, log, defaultPGOptions)
}

func postgres(ctx context.Context, dataDir string, log *slog.Logger, opt pgOptions) (string, func(), error) {
	if log == nil {
		log = slog.Default()
	}
	noop := func() {}
	if !opt.ignoreEnv {
		if u := os.Getenv("DATABASE_URL"); u != "" {
			log.Info("postgres: using DATABASE_URL")
			return u, noop, nil
		}
	}

	if opt.probeURL != "" {
		admin, err := connect(ctx, opt.probeURL)
		if err == nil {
			defer admin.Close(context.WithoutCancel(ctx))
			if err := ensureDatabase(ctx, admin, DatabaseName); err != nil {
				return "", nil, err
			}
			u := withDatabase(opt.probeURL, DatabaseName)
			log.Info("postgres: using the server already running", "url", redact(u))
			return u, noop, nil
		}
		if answers(opt.probeURL) {
			// Something listens there but will not let us in as postgres without a password:
			// do not guess credentials, run our own cluster next to it.
			log.Warn("postgres: a server answers but refused the connection; starting a private cluster (set DATABASE_URL to use that server)",
				"url", redact(opt.probeURL), "err", err)
		}
	}

	return startPrivate(ctx, dataDir, log, opt.port)
}

// startPrivate runs (initialising on first use) a cluster under dataDir/pg.
func startPrivate(ctx context.Context, dataDir string, log *slog.Logger, port int) (string, func(), error) {
	bin, err := postgresBinDir()
	if err != nil {
		return "", nil, err
	}
	dataDir, err = filepath.Abs(dataDir)
	if err != nil {
		return "", nil, err
	}
	base := filepath.Join(dataDir, "pg")
	pgdata := filepath.Join(base, "data")
	logFile := filepath.Join(base, "postgres.log")
	if err := os.MkdirAll(base, 0o700); err != nil {
		return "", nil, fmt.Errorf("postgres: create %s: %w", base, err)
	}
	cred, err := postgresCredential()
	if err != nil {
		return "", nil, err
	}
	if cred != nil {
		if err := os.Chown(base, int(cred.Uid), int(cred.Gid)); err != nil {
			return "", nil, fmt.Errorf("postgres: chown %s: %w", base, err)
		}
		if err := checkReachable(base); err != nil {
			return "", nil, err
		}
	}
	run := func(name string, args ...string) error {
		cmd := exec.CommandContext(ctx, filepath.Join(bin, name), args...)
		cmd.Dir = base
		cmd.Env = append(os.Environ(), "LC_ALL=C.UTF-8", "LANG=C.UTF-8", "PGTZ=UTC")
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("postgres: %s %s: %w\n%s", name, strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
		return nil
	}

	if _, err := os.Stat(filepath.Join(pgdata, "PG_VERSION")); errors.Is(err, os.ErrNotExist) {
		log.Info("postgres: initialising a private cluster", "dir", pgdata, "bin", bin)
		// A half-made directory from an interrupted initdb would make initdb refuse to run.
		if err := os.RemoveAll(pgdata); err != nil {
			return "", nil, err
		}
		if err := run("initdb", "-D", pgdata, "--auth=trust", "-U", "postgres", "--encoding=UTF8", "--no-instructions"); err != nil {
			// --no-instructions is PostgreSQL ≥ 14; retry without it on older servers.
			_ = os.RemoveAll(pgdata)
			if err2 := run("initdb", "-D", pgdata, "--auth=trust", "-U", "postgres", "--encoding=UTF8"); err2 != nil {
				return "", nil, err2
			}
		}
		conf, err := os.OpenFile(filepath.Join(pgdata, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			return "", nil, err
		}
		_, err = fmt.Fprintln(conf, "\n# Written by kinerja devenv on every start.\ninclude_if_exists = 'kinerja.conf'")
		if cerr := conf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return "", nil, err
		}
	} else if err != nil {
		return "", nil, err
	}

	// Settings that may change between starts (port, socket directory) live in kinerja.conf.
	socketDir := base
	if len(filepath.Join(socketDir, ".s.PGSQL."+strconv.Itoa(port))) > 100 {
		socketDir = "" // too long for a unix socket path: TCP only
	}
	settings := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nfsync = off\nsynchronous_commit = off\nmax_connections = 200\n",
		port, strings.ReplaceAll(socketDir, "'", "''"))
	confPath := filepath.Join(pgdata, "kinerja.conf")
	if err := os.WriteFile(confPath, []byte(settings), 0o600); err != nil {
		return "", nil, err
	}
	if cred != nil {
		if err := os.Chown(confPath, int(cred.Uid), int(cred.Gid)); err != nil {
			return "", nil, err
		}
	}

	adminURL := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port)
	if st := exec.CommandContext(ctx, filepath.Join(bin, "pg_ctl"), "status", "-D", pgdata); statusRunning(st, cred) {
		log.Info("postgres: private cluster already running", "dir", pgdata)
	} else {
		log.Info("postgres: starting private cluster", "dir", pgdata, "port", port)
		if err := run("pg_ctl", "start", "-D", pgdata, "-l", logFile, "-w", "-t", "60"); err != nil {
			return "", nil, fmt.Errorf("%w\n%s", err, tail(logFile, 20))
		}
	}
	stop := func() {
		cmd := exec.Command(filepath.Join(bin, "pg_ctl"), "stop", "-D", pgdata, "-m", "fast", "-w", "-t", "30")
		cmd.Dir = base
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
		if out, err := cmd.CombinedOutput(); err != nil {
			log.Error("postgres: stop private cluster", "err", err, "out", strings.TrimSpace(string(out)))
			return
		}
		log.Info("postgres: private cluster stopped", "dir", pgdata)
	}

	admin, err := connectRetry(ctx, adminURL, 30*time.Second)
	if err != nil {
		stop()
		return "", nil, fmt.Errorf("postgres: connect to private cluster: %w\n%s", err, tail(logFile, 20))
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if err := ensureDatabase(ctx, admin, DatabaseName); err != nil {
		stop()
		return "", nil, err
	}
	return withDatabase(adminURL, DatabaseName), stop, nil
}

func statusRunning(cmd *exec.Cmd, cred *syscall.Credential) bool {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Credential: cred}
	cmd.Dir = "/"
	return cmd.Run() == nil // exit 0: running; 3: not running; 4: no data directory
}

// postgresBinDir finds the directory holding initdb, pg_ctl and postgres.
func postgresBinDir() (string, error) {
	ok := func(dir string) bool {
		for _, name := range []string{"initdb", "pg_ctl", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); ok(dir) {
			return dir, nil
		}
	}
	// Debian and Ubuntu keep server binaries out of PATH, one directory per major version.
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, dir := range dirs {
		if ok(dir) {
			return dir, nil
		}
	}
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil && ok(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		if ok(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	return "", fmt.Errorf("postgres: no PostgreSQL server installation found (looked at pg_config --bindir, /usr/lib/postgresql/*/bin, PATH): %s", noPostgresHint)
}

func pgVersion(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

// postgresCredential returns the postgres OS user's credential when running as root (PostgreSQL
// refuses to run as root), nil otherwise.
func postgresCredential() (*syscall.Credential, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("postgres: running as root, PostgreSQL must run as the \"postgres\" OS user, which is missing (%v): %s", err, noPostgresHint)
	}
	uid, err := strconv.ParseUint(u.Uid, 10, 32)
	if err != nil {
		return nil, err
	}
	gid, err := strconv.ParseUint(u.Gid, 10, 32)
	if err != nil {
		return nil, err
	}
	return &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid), Groups: []uint32{}}, nil
}

// checkReachable reports a clear error when a parent of dir keeps the postgres user out.
func checkReachable(dir string) error {
	for d := filepath.Dir(dir); ; d = filepath.Dir(d) {
		fi, err := os.Stat(d)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o001 == 0 {
			return fmt.Errorf("postgres: the postgres OS user cannot enter %s (mode %v); run `chmod o+x %s` or choose another data directory", d, fi.Mode().Perm(), d)
		}
		if d == filepath.Dir(d) {
			return nil
		}
	}
}

func connect(ctx context.Context, url string) (*pgx.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return pgx.Connect(ctx, url)
}

func connectRetry(ctx context.Context, url string, wait time.Duration) (*pgx.Conn, error) {
	deadline := time.Now().Add(wait)
	for {
		c, err := connect(ctx, url)
		if err == nil || time.Now().After(deadline) || ctx.Err() != nil {
			return c, err
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// answers reports whether anything accepts TCP connections at the URL's host and port.
func answers(rawURL string) bool {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return false
	}
	c, err := net.DialTimeout("tcp", net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), time.Second)
	if err != nil {
		return false
	}
	c.Close()
	return true
}

func ensureDatabase(ctx context.Context, admin *pgx.Conn, name string) error {
	var exists bool
	if err := admin.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)`, name).Scan(&exists); err != nil {
		return fmt.Errorf("postgres: look for database %s: %w", name, err)
	}
	if exists {
		return nil
	}
	_, err := admin.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.Code == "42P04" { // duplicate_database: created concurrently
		return nil
	}
	if err != nil {
		return fmt.Errorf("postgres: create database %s: %w", name, err)
	}
	return nil
}

// withDatabase returns rawURL pointing at database name instead.
func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + name
	return u.String()
}

func redact(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// tail returns the last n lines of a file, for error messages.
func tail(path string, n int) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return ""
	}
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
