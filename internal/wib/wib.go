// Package wib writes dates as Indonesian officials read them, in Western Indonesian Time.
// It is pure and deterministic, so workflows may use it in the messages of their refusals.
package wib

import (
	"fmt"
	"time"
)

// Location is WIB (UTC+7). Asia/Jakarta has kept this offset without daylight saving since 1964,
// so a fixed zone gives the same answer without reading a time zone database.
var Location = time.FixedZone("WIB", 7*3600)

var bulan = [...]string{"Januari", "Februari", "Maret", "April", "Mei", "Juni",
	"Juli", "Agustus", "September", "Oktober", "November", "Desember"}

// Month is the month's name in Bahasa Indonesia.
func Month(m time.Month) string { return bulan[m-1] }

// Format writes t as e.g. "31 Januari 2026 pukul 23.59 WIB".
func Format(t time.Time) string {
	t = t.In(Location)
	return fmt.Sprintf("%d %s %d pukul %02d.%02d WIB", t.Day(), Month(t.Month()), t.Year(), t.Hour(), t.Minute())
}
