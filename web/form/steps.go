package form

import (
	"net/url"
	"strings"
	"time"

	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/wib"
)

// Text is one trimmed field.
func Text(v url.Values, name string) string { return strings.TrimSpace(v.Get(name)) }

// Realisasi reads the realisasi form of a plan of n items: row i reports item i. A row left wholly
// empty is not reported; Seqs maps each reported row back to its item, so an error the workflow
// names by the report's index ("items[0].realisasi") lands next to the right item.
func Realisasi(v url.Values, n int) (rows []skp.Realisasi, seqs []int) {
	for i := range min(n, MaxRows) {
		r := skp.Realisasi{Seq: i, Realisasi: Text(v, Field(i, "realisasi")), EvidenceURL: Text(v, Field(i, "evidence_url"))}
		if r.Realisasi == "" && r.EvidenceURL == "" {
			continue
		}
		rows, seqs = append(rows, r), append(seqs, i)
	}
	return rows, seqs
}

// DateTimeLayout is how a datetime-local input sends a moment: "2026-12-05T09:00".
const DateTimeLayout = "2006-01-02T15:04"

// MomentWIB reads a datetime-local field as a moment in WIB, the region's time zone. ok is false
// when the field is empty or not a date and time.
func MomentWIB(v url.Values, name string) (t time.Time, ok bool) {
	t, err := time.ParseInLocation(DateTimeLayout, Text(v, name), wib.Location)
	return t, err == nil
}

// InputWIB writes a moment for a datetime-local field, in WIB.
func InputWIB(t time.Time) string { return t.In(wib.Location).Format(DateTimeLayout) }
