package devenv

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	// ModulePath identifies the repository root's go.mod.
	ModulePath = "github.com/kinerja/platform"
	// TemporalToolchain is the Go toolchain go.temporal.io/server needs; it downloads through the module proxy.
	TemporalToolchain = "go1.26.10+auto"

	temporalReadyTimeout = 60 * time.Second
	temporalStopTimeout  = 15 * time.Second
)

var readyLine = regexp.MustCompile(`^temporal-dev ready on (\S+) namespace=(\S+)`)

// TemporalOptions say where the dev server keeps its state and how it listens.
type TemporalOptions struct {
	// PostgresURL, when set, is the database for Temporal's state; visibility goes to
	// <database>_visibility on the same server. Both are created when missing. See TemporalPostgresURL.
	PostgresURL string
	// SQLitePath is the state file when PostgresURL is empty; both empty keep state in memory.
	SQLitePath string
	// Port is the frontend port; 0 picks a free one.
	Port int
	// Shards is the number of history shards; 0 leaves the server's default (1). It is fixed
	// when a store is first created: the server refuses to start on a store made with another.
	Shards int
	// MaxConns is the PostgreSQL connections per pool; 0 leaves the server's default. The server
	// has eight pools (state and visibility for each of its four services).
	MaxConns int
}

// TemporalPostgresURL returns the URL of the dev server's database next to the platform's
// database at dbURL: same server and credentials, database <name>_temporal.
func TemporalPostgresURL(dbURL string) (string, error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return "", fmt.Errorf("devenv: database URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" {
		return "", fmt.Errorf("devenv: database URL %s names no database", redact(dbURL))
	}
	u.Path = "/" + name + "_temporal"
	return u.String(), nil
}

// StartTemporal runs the temporal-dev binary with state in the SQLite file dbPath ("" in memory).
// See StartTemporalWith.
func StartTemporal(ctx context.Context, bin, dbPath string, port int, log *slog.Logger) (hostPort string, stop func() error, err error) {
	return StartTemporalWith(ctx, bin, TemporalOptions{SQLitePath: dbPath, Port: port}, log)
}

// StartTemporalWith runs the temporal-dev binary as a child process in its own process group and
// waits (up to 60 s, or until ctx ends) for it to report ready. The child's output goes to log.
// ctx bounds the start only; the server runs until stop is called, which sends SIGTERM and waits,
// with SIGKILL after 15 s. Should this process die first, the kernel sends the child SIGTERM.
func StartTemporalWith(ctx context.Context, bin string, opt TemporalOptions, log *slog.Logger) (hostPort string, stop func() error, err error) {
	if log == nil {
		log = slog.Default()
	}
	if opt.SQLitePath != "" {
		if opt.SQLitePath, err = filepath.Abs(opt.SQLitePath); err != nil {
			return "", nil, err
		}
	}
	// A port picked here could be taken before the child binds it; try again then.
	for attempt := 1; ; attempt++ {
		o := opt
		if o.Port == 0 {
			if o.Port, err = FreePort(); err != nil {
				return "", nil, err
			}
		}
		hostPort, stop, err = startTemporal(ctx, bin, o, log)
		if err == nil || opt.Port != 0 || attempt == 3 || !strings.Contains(err.Error(), "address already in use") {
			return hostPort, stop, err
		}
		log.Warn("temporal-dev: port taken, retrying", "port", o.Port)
	}
}

// args are the child's command line; the PostgreSQL URL goes through the environment so that
// its password does not show in the process list.
func (o TemporalOptions) args() (args, env []string) {
	args = []string{"-port", strconv.Itoa(o.Port), "-namespace", "default"}
	if o.Shards > 0 {
		args = append(args, "-shards", strconv.Itoa(o.Shards))
	}
	if o.MaxConns > 0 {
		args = append(args, "-max-conns", strconv.Itoa(o.MaxConns))
	}
	if o.PostgresURL != "" {
		return args, []string{"TEMPORAL_DEV_POSTGRES_URL=" + o.PostgresURL}
	}
	return append(args, "-db", o.SQLitePath), []string{"TEMPORAL_DEV_POSTGRES_URL="}
}

type temporalProc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been waited for
	err    error         // from Wait, valid after exited

	mu    sync.Mutex
	lines []string // last output lines, for error messages

	stopOnce sync.Once
	stopErr  error
	stopping atomic.Bool // shutdown chatter is logged at debug level
}

func (p *temporalProc) remember(line string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.lines = append(p.lines, line)
	if len(p.lines) > 40 {
		p.lines = p.lines[len(p.lines)-40:]
	}
}

func (p *temporalProc) tail() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.lines) == 0 {
		return "(no output)"
	}
	return strings.Join(p.lines, "\n")
}

func startTemporal(ctx context.Context, bin string, opt TemporalOptions, log *slog.Logger) (string, func() error, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return "", nil, err
	}
	args, env := opt.args()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(withoutEnv(os.Environ(), "TEMPORAL_DEV_POSTGRES_URL"), env...)
	cmd.Stdout = w
	cmd.Stderr = w
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Setpgid:   true,            // Ctrl-C in a terminal reaches us, and we stop the server in order
		Pdeathsig: syscall.SIGTERM, // if we die first (sent when the starting thread exits, see below)
	}
	p := &temporalProc{cmd: cmd, exited: make(chan struct{})}

	// Pdeathsig fires when the OS thread that started the child exits, not the process. Start the
	// child from a goroutine locked to its thread that stays alive until the child is gone, so the
	// signal comes only when this whole process ends.
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return // the locked thread exits; no child to signal
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.exited)
	}()
	err = <-started
	w.Close()
	if err != nil {
		r.Close()
		return "", nil, fmt.Errorf("temporal-dev: start %s: %w", bin, err)
	}

	ready := make(chan string, 1)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		defer r.Close()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		sent := false
		for sc.Scan() {
			line := sc.Text()
			if m := readyLine.FindStringSubmatch(line); m != nil && !sent {
				sent = true
				ready <- m[1]
				log.Info("temporal-dev ready", "address", m[1], "namespace", m[2], "pid", cmd.Process.Pid)
				continue
			}
			p.remember(line)
			logLine(log, line, p.stopping.Load())
		}
	}()

	waitCtx, cancel := context.WithTimeout(ctx, temporalReadyTimeout)
	defer cancel()
	select {
	case hostPort := <-ready:
		return hostPort, p.stop, nil
	case <-p.exited:
		select { // let the reader drain what the child wrote last
		case <-readerDone:
		case <-time.After(2 * time.Second):
		}
		return "", nil, fmt.Errorf("temporal-dev exited before it was ready (%v); last output:\n%s", p.err, p.tail())
	case <-waitCtx.Done():
		_ = p.stop()
		why := "did not report ready within " + temporalReadyTimeout.String()
		if ctx.Err() != nil {
			why = ctx.Err().Error()
		}
		return "", nil, fmt.Errorf("temporal-dev %s; last output:\n%s", why, p.tail())
	}
}

// stop sends SIGTERM to the process group and waits; SIGKILL after temporalStopTimeout.
func (p *temporalProc) stop() error {
	p.stopOnce.Do(func() {
		pid := p.cmd.Process.Pid
		select {
		case <-p.exited:
			p.stopErr = exitError(p.err, false)
			return
		default:
		}
		p.stopping.Store(true)
		_ = syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-p.exited:
			p.stopErr = exitError(p.err, true)
		case <-time.After(temporalStopTimeout):
			_ = syscall.Kill(-pid, syscall.SIGKILL)
			<-p.exited
			p.stopErr = fmt.Errorf("temporal-dev did not stop within %s after SIGTERM; killed", temporalStopTimeout)
		}
	})
	return p.stopErr
}

// exitError maps the child's exit to stop's result: a clean exit, or death by the SIGTERM we sent, is nil.
func exitError(err error, sentTerm bool) error {
	if err == nil {
		return nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && sentTerm && ws.Signaled() && ws.Signal() == syscall.SIGTERM {
			return nil
		}
	}
	return fmt.Errorf("temporal-dev: %w", err)
}

// logLine forwards one line of the server's output, keeping its level when it is a zap JSON line.
// Once we asked the server to stop, everything goes to debug: shutdown logs many harmless errors.
func logLine(log *slog.Logger, line string, stopping bool) {
	if strings.TrimSpace(line) == "" {
		return
	}
	level := slog.LevelInfo
	switch {
	case stopping, strings.Contains(line, "context canceled"):
		// Shutdown, and pollers a stopping worker walks away from, log harmless errors.
		level = slog.LevelDebug
	case strings.Contains(line, `"level":"error"`), strings.Contains(line, `"level":"fatal"`):
		level = slog.LevelError
	case strings.Contains(line, `"level":"warn"`):
		level = slog.LevelWarn
	case strings.Contains(line, `"level":"debug"`):
		level = slog.LevelDebug
	}
	log.Log(context.Background(), level, "temporal-dev", "out", line)
}

// FreePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func FreePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// TemporalStoreEnv chooses where `kinerja dev` keeps Temporal's state: "postgres" (the default)
// or "sqlite" (the .data/temporal.sqlite file earlier versions used).
const TemporalStoreEnv = "KINERJA_TEMPORAL_STORE"

// DevTemporalOptions returns the dev server's options for `kinerja dev` on port 7233: state in
// PostgreSQL next to the platform's database dbURL, with 4 history shards, unless $KINERJA_TEMPORAL_STORE says sqlite, in
// which case it is the file dataDir/temporal.sqlite. where describes the choice for people.
func DevTemporalOptions(dataDir, dbURL string) (opt TemporalOptions, where string, err error) {
	opt.Port = 7233
	switch store := os.Getenv(TemporalStoreEnv); store {
	case "", "postgres":
		if opt.PostgresURL, err = TemporalPostgresURL(dbURL); err != nil {
			return opt, "", err
		}
		// Measured (BenchmarkDevServerStores, README): 4 shards run workflows 1.1-1.5x as fast as
		// 1; pools past 4 connections gain under 10% for twice the connections.
		opt.Shards, opt.MaxConns = 4, 4
		u, _ := url.Parse(opt.PostgresURL)
		db := strings.TrimPrefix(u.Path, "/")
		return opt, fmt.Sprintf("PostgreSQL databases %s and %s_visibility on %s", db, db, u.Host), nil
	case "sqlite":
		opt.SQLitePath = filepath.Join(dataDir, "temporal.sqlite")
		return opt, opt.SQLitePath, nil
	default:
		return opt, "", fmt.Errorf("devenv: %s=%q: want postgres or sqlite", TemporalStoreEnv, store)
	}
}
