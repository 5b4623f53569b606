// Package tpp turns a predikat into the performance part of TPP (Tambahan Penghasilan Pegawai).
// Amounts are whole rupiah in int64; percentages are whole numbers. Nothing here is a float.
package tpp

import (
	"fmt"
	"math"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/pay"
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
// SB 100, B 100, BP 80, K 60, SK 40, CPNS paid 80%. The numbers are internal/pay's, the one
// place the region's rule is written down; this package only applies them to the annual posting.
var Balangan2025 = mustFromPay(pay.Balangan2025())

// FromPay reads the kinerja part of a monthly policy (internal/pay) as this package's rule.
// Percentages here are whole numbers, so every rate must be a whole percent.
func FromPay(p pay.Policy) (Policy, error) {
	pct := func(what string, bp int64) (int64, error) {
		if bp%100 != 0 {
			return 0, fmt.Errorf("kebijakan %s: %s %d bp bukan persen bulat", p.ID, what, bp)
		}
		return bp / 100, nil
	}
	out := Policy{Name: p.Name, PredikatPct: map[appraisal.Predikat]int64{}, StatusPct: map[string]int64{}}
	var err error
	if out.KinerjaSharePct, err = pct("kinerja_bp", p.KinerjaBP); err != nil {
		return Policy{}, err
	}
	for k, v := range p.PredikatBP {
		if out.PredikatPct[k], err = pct("predikat_bp", v); err != nil {
			return Policy{}, err
		}
	}
	for k, v := range p.StatusBP {
		if out.StatusPct[string(k)], err = pct("status_bp", v); err != nil {
			return Policy{}, err
		}
	}
	return out, nil
}

func mustFromPay(p pay.Policy) Policy {
	out, err := FromPay(p)
	if err != nil {
		panic(err)
	}
	return out
}

// MaxBasic bounds a month's basic TPP of one position, in rupiah. The highest regional TPP today
// is a few tens of millions a month; a billion leaves room for any kelas jabatan and still keeps
// every product below far from int64's limit. The database holds the same bound (migration 0007).
const MaxBasic int64 = 1_000_000_000

// CheckBasic says, in Bahasa Indonesia, what is wrong with a basic TPP amount, or "" when it is fine.
// Zero is allowed: a position may carry no TPP.
func CheckBasic(basic int64) string {
	switch {
	case basic < 0:
		return "tidak boleh negatif"
	case basic > MaxBasic:
		return "paling banyak Rp1.000.000.000 per bulan"
	}
	return ""
}

// mul multiplies non-negative amounts, failing instead of wrapping around.
func mul(a, b int64) (int64, error) {
	if a < 0 || b < 0 {
		return 0, fmt.Errorf("perkalian TPP dengan bilangan negatif: %d × %d", a, b)
	}
	if b != 0 && a > math.MaxInt64/b {
		return 0, fmt.Errorf("perkalian TPP melampaui batas: %d × %d", a, b)
	}
	return a * b, nil
}

func checkPct(what string, pct int64) error {
	if pct < 0 || pct > 100 {
		return fmt.Errorf("persentase %s harus 0 sampai 100, bukan %d", what, pct)
	}
	return nil
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
	if msg := CheckBasic(basic); msg != "" {
		return Calculation{}, fmt.Errorf("TPP dasar %d: %s", basic, msg)
	}
	pct, ok := p.PredikatPct[predikat]
	if !ok {
		return Calculation{}, fmt.Errorf("kebijakan %s tidak mengatur predikat %q", p.Name, predikat)
	}
	statusPct, ok := p.StatusPct[status]
	if !ok {
		statusPct = 100
	}
	for _, c := range []struct {
		what string
		pct  int64
	}{{"bagian kinerja", p.KinerjaSharePct}, {"predikat " + string(predikat), pct}, {"status " + status, statusPct}} {
		if err := checkPct(c.what, c.pct); err != nil {
			return Calculation{}, fmt.Errorf("kebijakan %s: %w", p.Name, err)
		}
	}
	// Within the bounds above the largest product is 1e9 × 1e6; checked anyway, so a bound
	// loosened later fails loudly instead of paying a wrapped-around negative amount.
	amount := basic
	for _, f := range []int64{p.KinerjaSharePct, pct, statusPct} {
		var err error
		if amount, err = mul(amount, f); err != nil {
			return Calculation{}, err
		}
	}
	amount /= 1_000_000
	return Calculation{
		Policy: p.Name, BasicTPP: basic, KinerjaSharePct: p.KinerjaSharePct,
		Predikat: string(predikat), PredikatPct: pct, Status: status, StatusPct: statusPct, Amount: amount,
	}, nil
}
