package api

import (
	"bytes"
	"crypto/tls"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// TestSecurityHeadersOnEveryResponse checks the headers on a normal answer, an unknown address and
// a refused request, over plain HTTP and over TLS. None of these requests reach the database.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h := (&Server{}).Handler()
	want := map[string]string{
		"X-Content-Type-Options":  "nosniff",
		"X-Frame-Options":         "DENY",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
		"Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
	}
	const hsts = "max-age=63072000; includeSubDomains"
	for _, tc := range []struct {
		name, method, path string
		status             int // 0: any 4xx
	}{
		{"ok", http.MethodGet, "/healthz", http.StatusOK},
		{"not found", http.MethodGet, "/tidak-ada", http.StatusNotFound},
		{"wrong method", http.MethodDelete, "/healthz", http.StatusNotFound},
		{"error", http.MethodGet, "/api/me", 0}, // no identity
	} {
		for _, overTLS := range []bool{false, true} {
			req := httptest.NewRequest(tc.method, tc.path, nil)
			if overTLS {
				req.TLS = &tls.ConnectionState{Version: tls.VersionTLS13, HandshakeComplete: true}
			} else {
				req.TLS = nil
			}
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			name := tc.name
			if overTLS {
				name += " over TLS"
			}
			if tc.status != 0 && w.Code != tc.status || tc.status == 0 && (w.Code < 400 || w.Code > 499) {
				t.Errorf("%s: status %d, want %d", name, w.Code, tc.status)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" || !json.Valid(w.Body.Bytes()) {
				t.Errorf("%s: answer is %q %s, want JSON", name, ct, w.Body.Bytes())
			}
			for k, v := range want {
				if got := w.Header().Get(k); got != v {
					t.Errorf("%s: %s = %q, want %q", name, k, got, v)
				}
			}
			got := w.Header().Get("Strict-Transport-Security")
			if overTLS && got != hsts {
				t.Errorf("%s: Strict-Transport-Security = %q, want %q", name, got, hsts)
			}
			if !overTLS && got != "" {
				t.Errorf("%s: Strict-Transport-Security %q sent over plain HTTP", name, got)
			}
		}
	}
}

func TestPanicAnswersLikeAnyServerError(t *testing.T) {
	var logs bytes.Buffer
	defer slog.SetDefault(slog.Default())
	slog.SetDefault(slog.New(slog.NewTextHandler(&logs, nil)))
	r := gin.New()
	r.Use(recovery)
	r.GET("/boom", func(*gin.Context) { panic("pegawai 199203152018011003 rusak") })
	w := httptest.NewRecorder()
	r.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/boom", nil))
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), `"code":"internal"`) ||
		strings.Contains(w.Body.String(), "1992") {
		t.Errorf("answer %d %s", w.Code, w.Body.String())
	}
	if !strings.Contains(logs.String(), "panic in handler") {
		t.Errorf("panic not logged through slog: %s", logs.String())
	}
}
