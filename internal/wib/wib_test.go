package wib

import (
	"testing"
	"time"
)

func TestFormat(t *testing.T) {
	for _, c := range []struct {
		at   time.Time
		want string
	}{
		{time.Date(2026, 1, 31, 16, 59, 0, 0, time.UTC), "31 Januari 2026 pukul 23.59 WIB"},
		{time.Date(2026, 12, 31, 17, 5, 0, 0, time.UTC), "1 Januari 2027 pukul 00.05 WIB"},
		{time.Date(2027, 8, 17, 3, 0, 0, 0, time.UTC), "17 Agustus 2027 pukul 10.00 WIB"},
	} {
		if got := Format(c.at); got != c.want {
			t.Errorf("Format(%v) = %q, want %q", c.at, got, c.want)
		}
	}
}
