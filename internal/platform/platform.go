// Package platform wires the pieces of a running platform together: database, migrations,
// Temporal client, worker and HTTP server. `kinerja serve`, `kinerja dev` and the end-to-end
// tests all start it the same way.
package platform

import (
	"cmp"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/batch"
	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/enrolment"
	"github.com/kinerja/platform/internal/payloadcrypt"
	"github.com/kinerja/platform/migrations"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/worker"
)

// Config is what a running platform needs; Env fills it from the environment.
type Config struct {
	DatabaseURL string
	// MigrationURL connects as the schema owner for migrations; empty means DatabaseURL.
	MigrationURL      string
	TemporalAddress   string
	TemporalNamespace string
	HTTPAddr          string // ":8080"; "127.0.0.1:0" picks a free port
	// TLSCertFile and TLSKeyFile, when both set, make the server speak HTTPS itself (TLS 1.2+);
	// otherwise TLS ends at a reverse proxy in front of it.
	TLSCertFile, TLSKeyFile string
	PublicURL               string
	DevAuth                 bool
	SendGrid                *email.SendGrid // nil keeps emails in the outbox
	OIDC                    api.OIDCConfig  // single sign-on; off when OIDC.Issuer is empty
	// Payloads encrypts everything the platform hands to Temporal; required.
	Payloads *payloadcrypt.Codec
	// NoWorker starts the API alone, for when workers run in other processes (StartWorker).
	NoWorker bool
	Logger   *slog.Logger

	// TrustedProxies lists the reverse proxies in front of the API (TRUSTED_PROXIES: addresses or
	// CIDR prefixes); behind them the client's address comes from X-Forwarded-For.
	TrustedProxies string

	// APIConns and WorkerConns cap the PostgreSQL connections of the API's pool and of the
	// worker's (KINERJA_API_DB_CONNS, KINERJA_WORKER_DB_CONNS; 0: DefaultAPIConns,
	// DefaultWorkerConns). Separate pools: a deadline burst's step writes fill the worker's and
	// pages still get a connection.
	APIConns, WorkerConns int

	// EvidenceDir keeps uploaded bukti dukung (KINERJA_EVIDENCE_DIR); empty turns uploads off.
	EvidenceDir string
}

// Default pool sizes (README, "Database connections"): the API's serves every page and JSON read
// at once; the worker's matches its concurrent step writes, which are short transactions.
const (
	DefaultAPIConns    = 8
	DefaultWorkerConns = 4
)

func (cfg Config) apiConns() int    { return cmp.Or(cfg.APIConns, DefaultAPIConns) }
func (cfg Config) workerConns() int { return cmp.Or(cfg.WorkerConns, DefaultWorkerConns) }

// Platform is a started platform.
type Platform struct {
	Addr string // where the HTTP server listens
	// Pool is the API's pool; the worker, the outbox's delivery and the enrolment sweep use
	// their own (workerPool) unless NoWorker.
	Pool       *pgxpool.Pool
	workerPool *pgxpool.Pool // Pool itself with NoWorker
	Temporal   client.Client

	// BootstrapToken is the one-time token printed at start, "" when an admin exists.
	BootstrapToken string

	worker sdkworker.Worker // nil with NoWorker
	server *http.Server
	served chan error
	// stopDelivery ends the outbox's delivery loop; delivered closes once it has returned.
	stopDelivery context.CancelFunc
	delivered    chan struct{}
	stopSweep    context.CancelFunc
	swept        chan struct{}
}

// Start connects, migrates, starts the worker and the HTTP server, and returns once all listen.
func Start(ctx context.Context, cfg Config) (*Platform, error) {
	log := logger(cfg)
	pool, tc, err := connect(ctx, cfg, log, cfg.apiConns()) // first: it refuses a platform without a payload key
	if err != nil {
		return nil, err
	}
	// Background work (the worker, the outbox, the enrolment sweep) queues on its own pool.
	background := pool
	closeConns := func() {
		tc.Close()
		pool.Close()
		if background != pool {
			background.Close()
		}
	}
	if err := migrate(ctx, cfg); err != nil {
		closeConns()
		return nil, err
	}
	var w sdkworker.Worker
	if !cfg.NoWorker {
		if background, err = store.OpenSized(ctx, cfg.DatabaseURL, cfg.workerConns()); err != nil {
			background = pool
			closeConns()
			return nil, fmt.Errorf("database (worker): %w", err)
		}
		w = newWorker(tc, background, cfg)
		if err := w.Start(); err != nil {
			closeConns()
			return nil, fmt.Errorf("worker: %w", err)
		}
	}
	stop := func() {
		if w != nil {
			w.Stop()
		}
		closeConns()
	}
	if err := worker.EnsureHRDigest(ctx, tc); err != nil {
		stop()
		return nil, err
	}
	// Batches whose workflow a crash kept from starting get it now.
	if err := batch.EnsureWorkflows(ctx, &store.Store{Pool: background}, tc); err != nil {
		log.ErrorContext(ctx, "batches left without a workflow", "error", err)
	}
	srv := &api.Server{Store: &store.Store{Pool: pool}, Temporal: tc, DevAuth: cfg.DevAuth,
		SecureCookies: !cfg.DevAuth, PublicURL: cfg.PublicURL, EvidenceDir: cfg.EvidenceDir}
	if srv.TrustedProxies, err = api.ParseTrustedProxies(cfg.TrustedProxies); err != nil {
		stop()
		return nil, err
	}
	if cfg.OIDC.Enabled() {
		// An unreachable provider only logs: discovery is retried on the first SSO login.
		if srv.OIDC, err = api.NewOIDC(ctx, cfg.OIDC, cfg.PublicURL); err != nil {
			stop()
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		stop()
		return nil, fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	p := &Platform{
		Addr: ln.Addr().String(), Pool: pool, workerPool: background, Temporal: tc, worker: w, served: make(chan error, 1),
		server: httpServer(srv.Handler()),
	}
	p.startDelivery(ctx, cfg, log)
	// Enrolments a crash left half done get their years started now and then every minute.
	sweepCtx, stopSweep := context.WithCancel(context.WithoutCancel(ctx))
	p.stopSweep, p.swept = stopSweep, make(chan struct{})
	// Uploaded bukti dukung no report links are removed after api.EvidenceGrace, hourly, here
	// where the evidence directory is.
	var sweeps sync.WaitGroup
	sweeps.Go(func() {
		(&enrolment.Starter{Store: &store.Store{Pool: background}, Temporal: tc, Log: log}).Run(sweepCtx)
	})
	sweeps.Go(func() { sweepEvidence(sweepCtx, srv, log) })
	go func() {
		sweeps.Wait()
		close(p.swept)
	}()
	if cfg.TLSCertFile != "" && cfg.TLSKeyFile != "" {
		p.server.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		go func() { p.served <- p.server.ServeTLS(ln, cfg.TLSCertFile, cfg.TLSKeyFile) }()
	} else {
		go func() { p.served <- p.server.Serve(ln) }()
	}
	if p.BootstrapToken, err = (&auth.Service{Pool: pool}).IssueBootstrapToken(ctx); err != nil {
		_ = p.Stop(context.WithoutCancel(ctx))
		return nil, err
	}
	printBootstrap(os.Stderr, p.BootstrapToken)
	return p, nil
}

// evidenceSweepEvery is how often unlinked evidence files are looked for.
const evidenceSweepEvery = time.Hour

// sweepEvidence runs srv.SweepEvidence at start and then every evidenceSweepEvery until ctx ends.
func sweepEvidence(ctx context.Context, srv *api.Server, log *slog.Logger) {
	if srv.EvidenceDir == "" {
		return
	}
	t := time.NewTicker(evidenceSweepEvery)
	defer t.Stop()
	for {
		if n, err := srv.SweepEvidence(ctx, api.EvidenceGrace); err != nil {
			log.ErrorContext(ctx, "evidence sweep", "error", err, "removed", n)
		} else if n > 0 {
			log.InfoContext(ctx, "evidence sweep: unlinked files removed", "removed", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Worker is a worker started on its own, without the API (StartWorker).
type Worker struct {
	pool   *pgxpool.Pool
	tc     client.Client
	worker sdkworker.Worker
}

// StartWorker connects and runs only the worker: for a process that runs no API.
// It does not migrate: the API's Start does.
func StartWorker(ctx context.Context, cfg Config) (*Worker, error) {
	pool, tc, err := connect(ctx, cfg, logger(cfg), cfg.workerConns())
	if err != nil {
		return nil, err
	}
	w := newWorker(tc, pool, cfg)
	if err := w.Start(); err != nil {
		tc.Close()
		pool.Close()
		return nil, fmt.Errorf("worker: %w", err)
	}
	return &Worker{pool: pool, tc: tc, worker: w}, nil
}

// Stop lets running activities finish, then closes connections.
func (w *Worker) Stop() {
	w.worker.Stop()
	w.tc.Close()
	w.pool.Close()
}

func logger(cfg Config) *slog.Logger {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	return slog.New(Redact(log.Handler())) // no NIP, SendGrid key or email address in any log line: redact.go
}

// connect opens a database pool of conns connections and the Temporal client. Every client the
// platform makes encrypts its payloads: without a codec it refuses to start rather than write
// them in clear.
func connect(ctx context.Context, cfg Config, log *slog.Logger, conns int) (*pgxpool.Pool, client.Client, error) {
	if cfg.Payloads == nil {
		return nil, nil, fmt.Errorf("no payload encryption key: %s must be set", payloadcrypt.EnvKeys)
	}
	pool, err := store.OpenSized(ctx, cfg.DatabaseURL, conns)
	if err != nil {
		return nil, nil, fmt.Errorf("database: %w", err)
	}
	tc, err := client.DialContext(ctx, client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger:           tlog.NewStructuredLogger(log.With("component", "temporal")),
		DataConverter:    cfg.Payloads.DataConverter(),
		FailureConverter: cfg.Payloads.FailureConverter(),
	})
	if err != nil {
		pool.Close()
		return nil, nil, fmt.Errorf("temporal at %s: %w", cfg.TemporalAddress, err)
	}
	return pool, tc, nil
}

func newWorker(tc client.Client, pool *pgxpool.Pool, cfg Config) sdkworker.Worker {
	acts := &activities.Activities{Pool: pool, PublicURL: cfg.PublicURL}
	if cfg.SendGrid != nil {
		acts.Sender = cfg.SendGrid
	}
	return worker.New(tc, acts)
}

// Bounds on how long a client may hold a connection: a request's headers must arrive within
// 10 s and the whole request, body included (1 MiB at most), within 30 s, so a client sending a
// byte every few seconds is cut off; an idle keep-alive connection closes after 2 minutes. No
// write timeout (none of the answers is long: work for many employees runs as a batch).
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

func httpServer(h http.Handler) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: readHeaderTimeout, ReadTimeout: readTimeout,
		IdleTimeout: idleTimeout, MaxHeaderBytes: maxHeaderBytes}
}

// printBootstrap tells the operator how to create the first admin when there is none. Written
// plainly, not logged: the log redacts and may be shipped elsewhere.
func printBootstrap(out io.Writer, token string) {
	if token == "" {
		return
	}
	fmt.Fprintf(out, "kinerja: belum ada admin / no admin yet. One-time bootstrap token (valid %s, works once; a restart replaces it):\n"+
		"    %s\n"+
		"  Send the first org import (naming at least one is_admin employee) as POST /api/org/import with header\n"+
		"  'Authorization: %s <token>', or run `kinerja create-admin`.\n", auth.BootstrapTTL, token, auth.BootstrapScheme)
}

// migrate applies migrations as the schema owner: MigrationURL when set, so the running
// platform can connect as a role that cannot rewrite the audit log or the ledger.
func migrate(ctx context.Context, cfg Config) error {
	url := cfg.MigrationURL
	if url == "" {
		url = cfg.DatabaseURL
	}
	pool, err := store.OpenSized(ctx, url, 1) // Apply holds one connection
	if err != nil {
		return fmt.Errorf("database (migrations): %w", err)
	}
	defer pool.Close()
	return migrations.Apply(ctx, pool)
}

// Stop drains HTTP requests, then the worker, then closes connections.
func (p *Platform) Stop(ctx context.Context) error {
	err := p.server.Shutdown(ctx)
	if serr := <-p.served; !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	p.stopSweep()
	<-p.swept
	if p.worker != nil {
		p.worker.Stop()
	}
	p.stopDelivery()
	select {
	case <-p.delivered: // in-flight sends recorded
	case <-ctx.Done():
		err = errors.Join(err, ctx.Err())
	}
	p.Temporal.Close()
	p.Pool.Close()
	if p.workerPool != p.Pool {
		p.workerPool.Close()
	}
	return err
}

// startDelivery runs the outbox's delivery loop beside the worker: the years never wait on email.
// Without SendGrid there is none and emails stay in the outbox (the dev inbox).
func (p *Platform) startDelivery(ctx context.Context, cfg Config, log *slog.Logger) {
	dctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	p.stopDelivery, p.delivered = cancel, make(chan struct{})
	if cfg.SendGrid == nil {
		close(p.delivered)
		return
	}
	d := &email.Deliverer{Pool: p.workerPool, Sender: cfg.SendGrid, Logger: log.With("component", "email")}
	go func() {
		defer close(p.delivered)
		d.Run(dctx)
	}()
}
