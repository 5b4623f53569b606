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
