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
