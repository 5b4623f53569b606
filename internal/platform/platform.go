// Package platform wires the pieces of a running platform together: database, migrations,
// Temporal client, worker and HTTP server. `kinerja serve`, `kinerja dev` and the end-to-end
// tests all start it the same way.
package platform

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"
	tlog "go.temporal.io/sdk/log"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/tpp"
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
	Logger                  *slog.Logger
}

// Platform is a started platform.
type Platform struct {
	Addr     string // where the HTTP server listens
	Pool     *pgxpool.Pool
	Temporal client.Client

	// BootstrapToken is the one-time token printed at start, "" when an admin exists.
	BootstrapToken string

	worker sdkworker.Worker
	server *http.Server
	served chan error
}

// Start connects, migrates, starts the worker and the HTTP server, and returns once all listen.
func Start(ctx context.Context, cfg Config) (*Platform, error) {
	log := cfg.Logger
	if log == nil {
		log = slog.Default()
	}
	log = slog.New(Redact(log.Handler())) // no NIP, SendGrid key or email address in any log line: redact.go
	if err := migrate(ctx, cfg); err != nil {
		return nil, err
	}
	pool, err := pgxpool.New(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	tc, err := client.DialContext(ctx, client.Options{
		HostPort: cfg.TemporalAddress, Namespace: cfg.TemporalNamespace,
		Logger: tlog.NewStructuredLogger(log.With("component", "temporal")),
	})
	if err != nil {
		pool.Close()
		return nil, fmt.Errorf("temporal at %s: %w", cfg.TemporalAddress, err)
	}
	acts := &activities.Activities{Pool: pool, PublicURL: cfg.PublicURL, Policy: tpp.Balangan2025}
	if cfg.SendGrid != nil {
		acts.Sender = cfg.SendGrid
	}
	w := worker.New(tc, acts)
	if err := w.Start(); err != nil {
		tc.Close()
		pool.Close()
		return nil, fmt.Errorf("worker: %w", err)
	}
	srv := &api.Server{Store: &store.Store{Pool: pool}, Temporal: tc, DevAuth: cfg.DevAuth,
		SecureCookies: !cfg.DevAuth, PublicURL: cfg.PublicURL}
	if cfg.SendGrid != nil {
		srv.Mailer = cfg.SendGrid // never a typed nil: a nil Mailer keeps emails in the outbox
	}
	if cfg.OIDC.Enabled() {
		// An unreachable provider only logs: discovery is retried on the first SSO login.
		if srv.OIDC, err = api.NewOIDC(ctx, cfg.OIDC, cfg.PublicURL); err != nil {
			w.Stop()
			tc.Close()
			pool.Close()
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", cfg.HTTPAddr)
	if err != nil {
		w.Stop()
		tc.Close()
		pool.Close()
		return nil, fmt.Errorf("listen %s: %w", cfg.HTTPAddr, err)
	}
	p := &Platform{
		Addr: ln.Addr().String(), Pool: pool, Temporal: tc, worker: w, served: make(chan error, 1),
		server: &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second},
	}
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
	pool, err := pgxpool.New(ctx, url)
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
	p.worker.Stop()
	p.Temporal.Close()
	p.Pool.Close()
	return err
}
