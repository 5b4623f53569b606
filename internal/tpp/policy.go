// Package tpp turns a predikat into the performance part of TPP (Tambahan Penghasilan Pegawai).
// Amounts are whole rupiah in int64; percentages are whole numbers. Nothing here is a float.
package tpp

import (
	"fmt"

	"github.com/kinerja/platform/internal/appraisal"
)

// Policy is a region's rule for the kinerja part of TPP. Each region writes its own (Perkada);
// this is the shape the default below fills, until HR-configurable policies land.
type Policy struct {
	Name string
	// KinerjaSharePct is the share of basic TPP that depends on performance (the rest is disiplin).
	KinerjaSharePct int64
	// PredikatPct maps each predikat to the percentage of the kinerja share paid.
	PredikatPct map[appraisal.Predikat]int64
	// StatusPct scales pay by employment status; a status missing here is paid 100%.
	StatusPct map[string]int64
}

// Balangan2025 is Kabupaten Balangan's 2025 rule (see shared/DOMAIN.md): 60% kinerja,
// SB 100, B 100, BP 80, K 60, SK 40, CPNS paid 80%.
var Balangan2025 = Policy{
	Name:            "Kabupaten Balangan 2025",
	KinerjaSharePct: 60,
	PredikatPct: map[appraisal.Predikat]int64{
		appraisal.SangatBaik:     100,
		appraisal.Baik:           100,
		appraisal.ButuhPerbaikan: 80,
		appraisal.Kurang:         60,
		appraisal.SangatKurang:   40,
	},
	StatusPct: map[string]int64{"CPNS": 80},
}

// Calculation is the amount with every factor that made it, kept as the posting's basis.
type Calculation struct {
	Policy          string `json:"policy"`
	BasicTPP        int64  `json:"basic_tpp"`
	KinerjaSharePct int64  `json:"kinerja_share_pct"`
	Predikat        string `json:"predikat"`
	PredikatPct     int64  `json:"predikat_pct"`
	Status          string `json:"status"`
	StatusPct       int64  `json:"status_pct"`
	Amount          int64  `json:"amount"`
}

// Kinerja computes basic × share% × predikat% × status%, rounded down to the rupiah
// (rounding down never pays more than the rule allows).
func (p Policy) Kinerja(basic int64, predikat appraisal.Predikat, status string) (Calculation, error) {
	if basic < 0 {
		return Calculation{}, fmt.Errorf("TPP dasar tidak boleh negatif: %d", basic)
	}
	pct, ok := p.PredikatPct[predikat]
	if !ok {
		return Calculation{}, fmt.Errorf("kebijakan %s tidak mengatur predikat %q", p.Name, predikat)
	}
	statusPct, ok := p.StatusPct[status]
	if !ok {
		statusPct = 100
	}
	// Largest intermediate: basic × 100 × 100 × 100; safe up to ~9.2e12 rupiah of basic TPP.
	amount := basic * p.KinerjaSharePct * pct * statusPct / 1_000_000
	return Calculation{
		Policy: p.Name, BasicTPP: basic, KinerjaSharePct: p.KinerjaSharePct,
		Predikat: string(predikat), PredikatPct: pct, Status: status, StatusPct: statusPct, Amount: amount,
	}, nil
}
