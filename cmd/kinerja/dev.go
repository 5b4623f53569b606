package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	demopkg "github.com/kinerja/platform/internal/demo"
	"github.com/kinerja/platform/internal/devenv"
	"github.com/kinerja/platform/internal/payloadcrypt"
	"github.com/kinerja/platform/internal/platform"
)

// dev runs the whole platform on this machine, with state in PostgreSQL (Temporal's too, see
// devenv.DevTemporalOptions) so a restart keeps running cycles running. Ctrl-C stops everything in reverse order.
func dev(ctx context.Context, log *slog.Logger) error {
	root, err := devenv.RepoRoot()
	if err != nil {
		return err
	}
	data := filepath.Join(root, ".data")
	if err := os.MkdirAll(data, 0o755); err != nil {
		return err
	}

	dbURL, stopPG, err := devenv.Postgres(ctx, data, log)
	if err != nil {
		return err
	}
	defer stopPG()

	bin, err := devenv.TemporalBinary()
	if err != nil {
		return err
	}
	temporalOpt, temporalState, err := devenv.DevTemporalOptions(data, dbURL)
	if err != nil {
		return err
	}
	temporalAddr, stopTemporal, err := devenv.StartTemporalWith(ctx, bin, temporalOpt, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := stopTemporal(); err != nil {
			log.Warn("temporal dev server stop", "error", err)
		}
	}()

	cfg, err := configFromEnv(log)
	if err != nil {
		return err
	}
	cfg.DatabaseURL, cfg.TemporalAddress, cfg.DevAuth = dbURL, temporalAddr, true
	// The key lives next to the Temporal state it encrypts: both survive a restart together.
	if cfg.Payloads, err = payloadcrypt.DevKeys(filepath.Join(data, "payload-keys")); err != nil {
		return err
	}
	if cfg.PublicURL == "" {
		cfg.PublicURL = "http://localhost:8080"
	}
	if cfg.EvidenceDir == "" {
		cfg.EvidenceDir = filepath.Join(data, "bukti")
	}
	p, err := platform.Start(ctx, cfg)
	if err != nil {
		return err
	}
	if err := saveBootstrapToken(filepath.Join(data, demopkg.BootstrapTokenFile), p.BootstrapToken); err != nil {
		log.Warn("bootstrap token not saved for the demo", "error", err)
	}
	fmt.Printf(`
Platform kinerja berjalan / the platform is running.
  API:            http://localhost%s  (caller identity: header X-Dev-NIP, dev mode only)
  Temporal:       %s (state in %s)
  Dev inbox:      GET http://localhost%s/api/dev/outbox  (emails stay here without SENDGRID_API_KEY)
Next: in another terminal run  go tool task demo  to walk a small organisation through a cycle.
Ctrl-C stops everything.
`, portOf(p.Addr), temporalAddr, temporalState, portOf(p.Addr))
	<-ctx.Done()
	log.Info("stopping")
	stopCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := p.Stop(stopCtx); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// saveBootstrapToken leaves the token printed at start where `task demo` finds it (development
// only: the file is readable by this user alone), and removes a stale one once an admin exists.
func saveBootstrapToken(path, token string) error {
	if token == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
		return nil
	}
	return os.WriteFile(path, []byte(token+"\n"), 0o600)
}

func portOf(addr string) string {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[i:]
		}
	}
	return addr
}
