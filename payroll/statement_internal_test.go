package payroll

import "testing"

// Texts the append-only ledger kept from before amounts were written with pay.Rupiah read as
// pay.Rupiah writes them; texts already right are left alone.
func TestLegacyRupiahIsMendedOnRead(t *testing.T) {
	for in, want := range map[string]string{
		"IWP 1%, paling banyak Rp120000":              "IWP 1%, paling banyak Rp 120.000",
		"TPP dasar Rp10000000 menjadi Rp12000000":     "TPP dasar Rp 10.000.000 menjadi Rp 12.000.000",
		"paling banyak Rp1.000.000.000 per bulan":     "paling banyak Rp 1.000.000.000 per bulan",
		"BPJS Kesehatan 4%, paling banyak Rp 480.000": "BPJS Kesehatan 4%, paling banyak Rp 480.000",
		"kekurangan penggajian 2026-03 (-Rp 12.500)":  "kekurangan penggajian 2026-03 (-Rp 12.500)",
		"keberatan diputus":                           "keberatan diputus",
	} {
		if got := legacyRupiah(in); got != want {
			t.Errorf("legacyRupiah(%q) = %q, want %q", in, got, want)
		}
	}
}
