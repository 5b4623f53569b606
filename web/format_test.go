package web

import (
	"testing"
	"time"

	"github.com/kinerja/platform/internal/pay"
)

func TestRupiah(t *testing.T) {
	for n, want := range map[int64]string{0: "Rp 0", 999: "Rp 999", 1000: "Rp 1.000", 4_250_000: "Rp 4.250.000",
		-12_500: "-Rp 12.500", 123_456_789_012: "Rp 123.456.789.012"} {
		if got := pay.Rupiah(n); got != want {
			t.Errorf("pay.Rupiah(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestTanggalIsWIB(t *testing.T) {
	at := time.Date(2026, 3, 31, 17, 30, 0, 0, time.UTC)
	if got, want := tanggal(at), "1 April 2026 pukul 00.30 WIB"; got != want {
		t.Errorf("tanggal = %q, want %q", got, want)
	}
	if got := tanggal((*time.Time)(nil)); got != "—" {
		t.Errorf("tanggal(nil) = %q", got)
	}
}
