package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/payloadcrypt"
)

// TestServeRefusesToStartWithoutPayloadKey: production never writes payloads to Temporal in clear.
func TestServeRefusesToStartWithoutPayloadKey(t *testing.T) {
	t.Setenv("DATABASE_URL", "postgres://127.0.0.1:1/none")
	for spec, want := range map[string]string{
		"":        payloadcrypt.EnvKeys + " is not set",
		"k1:AAAA": `key "k1" has 3 bytes`,
	} {
		t.Setenv(payloadcrypt.EnvKeys, spec)
		err := serve(context.Background(), slog.New(slog.DiscardHandler))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("serve with %s=%q: %v, want an error with %q", payloadcrypt.EnvKeys, spec, err, want)
		}
	}
}

// TestPoolSizesFromEnv: the pools' sizes come from the environment, unset meaning the platform's
// default; a size that is not a sane number stops the start with the variable named.
func TestPoolSizesFromEnv(t *testing.T) {
	t.Setenv("KINERJA_API_DB_CONNS", "12")
	t.Setenv("KINERJA_WORKER_DB_CONNS", "")
	cfg, err := configFromEnv(slog.New(slog.DiscardHandler))
	if err != nil || cfg.APIConns != 12 || cfg.WorkerConns != 0 {
		t.Errorf("API 12, worker unset: %d, %d (%v)", cfg.APIConns, cfg.WorkerConns, err)
	}
	for _, bad := range []string{"0", "-3", "delapan", "1001"} {
		t.Setenv("KINERJA_WORKER_DB_CONNS", bad)
		if _, err := configFromEnv(slog.New(slog.DiscardHandler)); err == nil || !strings.Contains(err.Error(), "KINERJA_WORKER_DB_CONNS") {
			t.Errorf("KINERJA_WORKER_DB_CONNS=%q: %v, want it named", bad, err)
		}
	}
}
