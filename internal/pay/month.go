package pay

import (
	"fmt"
	"strconv"
	"time"

	"github.com/kinerja/platform/internal/wib"
)

// Month is a calendar month, written "2025-03" in JSON.
type Month struct {
	Year  int
	Month time.Month
}

// Label writes m as people read it, "Maret 2026"; a month out of range as String does.
func (m Month) Label() string {
	if !m.Valid() {
		return m.String()
	}
	return wib.Month(m.Month) + " " + strconv.Itoa(m.Year)
}

// MonthOf builds a Month; see Valid.
func MonthOf(year int, m time.Month) Month { return Month{year, m} }

// Valid reports whether m is a month this package computes for.
func (m Month) Valid() bool { return m.Year >= 2000 && m.Year <= 2200 && m.Month >= 1 && m.Month <= 12 }

func (m Month) index() int { return m.Year*12 + int(m.Month) - 1 }

// Before reports whether m comes before o.
func (m Month) Before(o Month) bool { return m.index() < o.index() }

// AddMonths moves m by n months.
func (m Month) AddMonths(n int) Month {
	i := m.index() + n
	return Month{i / 12, time.Month(i%12 + 1)}
}

// Days is the number of calendar days in m.
func (m Month) Days() int {
	return time.Date(m.Year, m.Month+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *Month) UnmarshalText(b []byte) error {
	t, err := time.Parse("2006-01", string(b))
	if err != nil || len(b) != 7 {
		return fmt.Errorf("bulan harus berbentuk YYYY-MM, bukan %q", b)
	}
	*m = Month{t.Year(), t.Month()}
	if !m.Valid() {
		return fmt.Errorf("bulan %q di luar jangkauan 2000-2200", b)
	}
	return nil
}
