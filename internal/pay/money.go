// Package pay holds the pure TPP pay rules: a region's policy as versioned data, basic TPP from
// the kelas jabatan components, the month's attendance, the PP 94/2021 absence ladder, the
// deductions (IWP, BPJS, PPh 21 by TER and Pasal 17) and Compute, which turns all of it into a
// slip of explicit lines. No I/O: a payroll workflow or activity calls it.
//
// Money is integer rupiah (int64). Rates are basis points (1% = 100 bp). Rounding rule: every
// line is computed exactly from its inputs and rounded once, half up, to the rupiah; totals are
// sums of lines, so the slip always adds up. Arithmetic is checked: an input above its bound or
// a result that would overflow is refused with an error, never wrapped.
package pay

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
)

const (
	// MaxAmount bounds every amount going in (Rp10 miliar a month): far above any real salary
	// or TPP, far below where the arithmetic below could overflow.
	MaxAmount int64 = 10_000_000_000
	// FullBP is 100% in basis points.
	FullBP int64 = 10_000
)

// ErrOverflow is returned when a computation would leave int64.
var ErrOverflow = errors.New("perhitungan melampaui batas angka")

// FieldError names the field that is wrong and says why, in Bahasa Indonesia.
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

func fieldErr(field, format string, args ...any) error {
	return FieldError{Field: field, Message: fmt.Sprintf(format, args...)}
}

// mulDiv returns a×b/c rounded half up, for a, b ≥ 0 and c > 0, with a 128-bit intermediate so
// a product of several rates is exact before its single rounding.
func mulDiv(a, b, c int64) (int64, error) {
	if a < 0 || b < 0 || c <= 0 {
		return 0, fmt.Errorf("mulDiv(%d, %d, %d): operand di luar jangkauan", a, b, c)
	}
	hi, lo := bits.Mul64(uint64(a), uint64(b))
	if hi >= uint64(c) {
		return 0, ErrOverflow
	}
	q, r := bits.Div64(hi, lo, uint64(c))
	if r >= uint64(c)-r { // r ≥ c/2 without overflow: half up
		q++
	}
	if q > math.MaxInt64 {
		return 0, ErrOverflow
	}
	return int64(q), nil
}

// ofBP is amount × bp / 10 000, rounded half up.
func ofBP(amount, bp int64) (int64, error) { return mulDiv(amount, bp, FullBP) }

func add(a, b int64) (int64, error) {
	s := a + b
	if (b > 0 && s < a) || (b < 0 && s > a) {
		return 0, ErrOverflow
	}
	return s, nil
}

func checkAmount(field string, v int64) error {
	if v < 0 {
		return fieldErr(field, "tidak boleh negatif (%d)", v)
	}
	if v > MaxAmount {
		return fieldErr(field, "melebihi batas %s", Rupiah(MaxAmount))
	}
	return nil
}

func checkBP(field string, v int64) error {
	if v < 0 || v > FullBP {
		return fieldErr(field, "harus antara 0 dan 10000 basis poin (0-100%%), bukan %d", v)
	}
	return nil
}

// MaxBasic bounds a month's basic TPP of one position, in rupiah. The highest regional TPP today
// is a few tens of millions a month; a billion leaves room for any kelas jabatan. The database
// holds the same bound (migration 0007).
const MaxBasic int64 = 1_000_000_000

// CheckBasic says, in Bahasa Indonesia, what is wrong with a position's basic TPP, or "" when it
// is fine. Zero is allowed: a position may carry no TPP.
func CheckBasic(basic int64) string {
	switch {
	case basic < 0:
		return "tidak boleh negatif"
	case basic > MaxBasic:
		return "paling banyak " + Rupiah(MaxBasic) + " per bulan"
	}
	return ""
}

// Rupiah writes whole rupiah as officials do, dots between thousands: "Rp 4.250.000", "-Rp 12.500".
func Rupiah(n int64) string {
	neg := n < 0
	u := uint64(n)
	if neg {
		u = -u
	}
	s := fmt.Sprint(u)
	out := make([]byte, 0, len(s)+len(s)/3)
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, '.')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-Rp " + string(out)
	}
	return "Rp " + string(out)
}
