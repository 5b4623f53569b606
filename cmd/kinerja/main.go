// Command kinerja runs the appraisal-cycle platform.
//
//	kinerja serve   API and worker, configured from the environment (production)
//	kinerja dev     everything on this machine: PostgreSQL, Temporal dev server, API and worker
//	kinerja demo    walk a small organisation through a compressed cycle on a running platform
//	kinerja create-admin  the first HR admin with a password account
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/payloadcrypt"
	"github.com/kinerja/platform/internal/platform"
)

const usage = `usage: kinerja <command>

commands:
  serve   run the API and the worker (configuration from the environment)
  dev     run everything locally: PostgreSQL, Temporal dev server, migrations, worker, API on :8080
  demo    seed a small organisation and walk it through a compressed cycle via the API
  create-admin  create the first HR admin and its password account in DATABASE_URL (see -h)
  audit   audit verify: check the audit log's hash chain in DATABASE_URL, report the first broken link
`

func main() {
	if len(os.Args) < 2 {
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	// Redacted: NIPs, emails and keys never reach the logs (internal/platform/redact.go).
	log := slog.New(platform.Redact(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo})))
	slog.SetDefault(log)
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()

	var err error
	switch os.Args[1] {
	case "serve":
		err = serve(ctx, log)
	case "dev":
		err = dev(ctx, log)
	case "demo":
		err = demo(ctx, os.Args[2:])
	case "create-admin":
		err = createAdmin(ctx, os.Args[2:])
	case "audit":
		err = auditCmd(ctx, os.Args[2:])
	default:
		fmt.Fprint(os.Stderr, usage)
		os.Exit(2)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "kinerja:", err)
		os.Exit(1)
	}
}

// configFromEnv reads the settings deploy/README.md documents.
func configFromEnv(log *slog.Logger) (platform.Config, error) {
	cfg := platform.Config{
		DatabaseURL:       os.Getenv("DATABASE_URL"),
		MigrationURL:      os.Getenv("MIGRATION_DATABASE_URL"),
		TemporalAddress:   envOr("TEMPORAL_ADDRESS", "127.0.0.1:7233"),
		TemporalNamespace: envOr("TEMPORAL_NAMESPACE", "default"),
		HTTPAddr:          envOr("HTTP_ADDR", ":8080"),
		TLSCertFile:       os.Getenv("TLS_CERT_FILE"),
		TLSKeyFile:        os.Getenv("TLS_KEY_FILE"),
		TrustedProxies:    os.Getenv("TRUSTED_PROXIES"),
		PublicURL:         os.Getenv("PUBLIC_URL"),
		EvidenceDir:       os.Getenv("KINERJA_EVIDENCE_DIR"),
		DevAuth:           os.Getenv("KINERJA_DEV_AUTH") == "1",
		Logger:            log,
	}
	if iss := os.Getenv("OIDC_ISSUER"); iss != "" {
		cfg.OIDC = api.OIDCConfig{Issuer: iss, ClientID: os.Getenv("OIDC_CLIENT_ID"),
			ClientSecret: os.Getenv("OIDC_CLIENT_SECRET"), NIPClaim: os.Getenv("OIDC_NIP_CLAIM")}
		if sc := strings.Fields(os.Getenv("OIDC_SCOPES")); len(sc) > 0 {
			cfg.OIDC.Scopes = sc
		}
	}
	if key := os.Getenv("SENDGRID_API_KEY"); key != "" {
		cfg.SendGrid = &email.SendGrid{
			APIKey: key, Host: os.Getenv("SENDGRID_API_HOST"),
			FromEmail: envOr("SENDGRID_FROM", "no-reply@kinerja.local"), FromName: envOr("SENDGRID_FROM_NAME", "e-Kinerja BKPSDM"),
		}
	}
	var err error
	if cfg.APIConns, err = envConns("KINERJA_API_DB_CONNS"); err != nil {
		return cfg, err
	}
	cfg.WorkerConns, err = envConns("KINERJA_WORKER_DB_CONNS")
	return cfg, err
}

// envConns reads a pool size: unset is 0 (the platform's default).
func envConns(key string) (int, error) {
	v := os.Getenv(key)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 1000 {
		return 0, fmt.Errorf("%s=%q: want a number of connections from 1 to 1000", key, v)
	}
	return n, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

func serve(ctx context.Context, log *slog.Logger) error {
	cfg, err := configFromEnv(log)
	if err != nil {
		return err
	}
	if cfg.DatabaseURL == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	if cfg.Payloads, err = payloadcrypt.FromEnv(); err != nil {
		return err
	}
	p, err := platform.Start(ctx, cfg)
	if err != nil {
		return err
	}
	log.Info("serving", "addr", p.Addr, "temporal", cfg.TemporalAddress, "dev_auth", cfg.DevAuth, "sendgrid", cfg.SendGrid != nil, "oidc", cfg.OIDC.Enabled())
	<-ctx.Done()
	log.Info("stopping")
	stopCtx, cancel := context.WithTimeout(context.Background(), 50*time.Second)
	defer cancel()
	return p.Stop(stopCtx)
}
