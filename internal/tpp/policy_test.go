package tpp

import (
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
)

func TestBalanganKinerja(t *testing.T) {
	cases := []struct {
		basic    int64
		predikat appraisal.Predikat
		status   string
		want     int64
	}{
		{10_000_000, appraisal.SangatBaik, "PNS", 6_000_000},
		{10_000_000, appraisal.Baik, "PPPK", 6_000_000},
		{10_000_000, appraisal.ButuhPerbaikan, "PNS", 4_800_000},
		{10_000_000, appraisal.Kurang, "PNS", 3_600_000},
		{10_000_000, appraisal.SangatKurang, "PNS", 2_400_000},
		{10_000_000, appraisal.Baik, "CPNS", 4_800_000},
		// 3.333.333 × 60% × 80% × 80% = 1.279.999,87: rounded down.
		{3_333_333, appraisal.ButuhPerbaikan, "CPNS", 1_279_999},
		{0, appraisal.Baik, "PNS", 0},
	}
	for _, c := range cases {
		got, err := Balangan2025.Kinerja(c.basic, c.predikat, c.status)
		if err != nil || got.Amount != c.want {
			t.Errorf("Kinerja(%d, %s, %s) = %d, %v; want %d", c.basic, c.predikat, c.status, got.Amount, err, c.want)
		}
	}
}

func TestKinerjaRejectsWhatThePolicyDoesNotCover(t *testing.T) {
	if _, err := Balangan2025.Kinerja(1000, "luar_biasa", "PNS"); err == nil {
		t.Error("unknown predikat accepted")
	}
	if _, err := Balangan2025.Kinerja(-1, appraisal.Baik, "PNS"); err == nil {
		t.Error("negative basic accepted")
	}
}

// TestKinerjaNeverWrapsAround: 2e13 rupiah used to overflow int64 into a negative amount.
func TestKinerjaNeverWrapsAround(t *testing.T) {
	top, err := Balangan2025.Kinerja(MaxBasic, appraisal.SangatBaik, "PNS")
	if err != nil || top.Amount != 600_000_000 {
		t.Errorf("at the bound: %d, %v; want 600000000", top.Amount, err)
	}
	for _, basic := range []int64{MaxBasic + 1, 20_000_000_000_000, 1 << 62} {
		if c, err := Balangan2025.Kinerja(basic, appraisal.SangatBaik, "PNS"); err == nil {
			t.Errorf("basic %d accepted: amount %d", basic, c.Amount)
		}
	}
	// A policy beyond 100% is refused, not multiplied.
	odd := Balangan2025
	odd.KinerjaSharePct = 1 << 40
	if _, err := odd.Kinerja(10_000_000, appraisal.Baik, "PNS"); err == nil {
		t.Error("a share of 2^40 percent accepted")
	}
	if _, err := mul(1<<62, 4); err == nil {
		t.Error("mul wrapped around")
	}
	if got, err := mul(3, 4); err != nil || got != 12 {
		t.Errorf("mul(3, 4) = %d, %v", got, err)
	}
}
