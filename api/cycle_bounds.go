package api

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	dates "github.com/kinerja/platform/internal/wib" // as officials read them; wib below is the zone
	"github.com/kinerja/platform/workflows"
)

// Bounds of a cycle's settings: the regulation's where it speaks, common sense elsewhere. Every
// refusal names the field and the bound.

const maxCycleName = 200 // characters

// durationRule bounds one of a cycle's durations. Days are the usual unit; the duration field (Go
// syntax, e.g. "30s") serves rehearsal cycles compressed to minutes, so it may go down to a second.
type durationRule struct {
	field            string
	defDays, maxDays int
	why              string // where the bound comes from, for the message
}

var (
	// PP 30/2019 Pasal 59: 14 days to appeal; a region may give more, not beyond a month.
	appealWindowRule = durationRule{"appeal_window", 14, 30, "PP 30/2019 Pasal 59 memberi 14 hari"}
	// No rule sets the atasan's decision time (DOMAIN.md): a quarter at most, else HR escalates.
	decisionSLARule = durationRule{"decision_sla", 14, 90, "batas kewajaran keputusan keberatan"}
	// A reminder earlier than a month before a deadline is noise.
	reminderRule = durationRule{"reminder", 3, 30, "pengingat lebih awal dari 30 hari tidak berguna"}
)

// duration resolves the rule's field from its duration text s or its day count days (0: the
// default); giving both is refused rather than guessed.
func (r durationRule) duration(s string, days int) (time.Duration, error) {
	max := time.Duration(r.maxDays) * 24 * time.Hour
	if s != "" {
		if days != 0 {
			return 0, errInvalid(fmt.Sprintf("%s: isi salah satu saja, %s atau %s_days", r.field, r.field, r.field))
		}
		d, err := time.ParseDuration(s)
		switch {
		case err != nil:
			return 0, errInvalid(r.field + ": durasi tidak valid (contoh: 336h atau 30s)")
		case d < time.Second:
			return 0, errInvalid(r.field + ": paling singkat 1 detik (1s)")
		case d%time.Second != 0:
			return 0, errInvalid(r.field + ": harus kelipatan 1 detik")
		case d > max:
			return 0, errInvalid(fmt.Sprintf("%s: paling lama %d hari (%s); %s", r.field, r.maxDays, max, r.why))
		}
		return d, nil
	}
	if days < 0 || days > r.maxDays {
		return 0, errInvalid(fmt.Sprintf("%s_days: harus 1 sampai %d hari (kosong: %d); %s", r.field, r.maxDays, r.defDays, r.why))
	}
	if days == 0 {
		days = r.defDays
	}
	return time.Duration(days) * 24 * time.Hour, nil
}

// cycleName checks a cycle's name; empty means the default.
func cycleName(name string, year int) (string, error) {
	name = strings.TrimSpace(name)
	switch {
	case name == "":
		return fmt.Sprintf("Penilaian Kinerja %d", year), nil
	case utf8.RuneCountInString(name) > maxCycleName:
		return "", errInvalid(fmt.Sprintf("name: paling banyak %d karakter", maxCycleName))
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return "", errInvalid("name: tidak boleh berisi baris baru, tab atau karakter kontrol lain")
	}
	return name, nil
}

// checkDeadlineYear keeps a deadline near its cycle's year: planning starts in the year before
// at the earliest, dialog and follow-up end in the year after at the latest.
func checkDeadlineYear(field string, year int, at time.Time) error {
	from := time.Date(year-1, time.January, 1, 0, 0, 0, 0, dates.Location)
	until := time.Date(year+2, time.January, 1, 0, 0, 0, 0, dates.Location)
	if at.IsZero() {
		return errInvalid(field + ": wajib diisi")
	}
	if at.Before(from) || !at.Before(until) {
		return errInvalid(fmt.Sprintf("%s: harus antara 1 Januari %d dan 31 Desember %d (siklus %d, satu tahun sebelum dan sesudahnya)",
			field, year-1, year+1, year))
	}
	return nil
}

// pastGrace absorbs clock skew between HR's machine and ours when a deadline is moved to "now".
const pastGrace = time.Minute

// checkMove is whether moving deadline name of a cycle to at is allowed: the deadlines keep their
// order, stay near the cycle's year, and none goes into the past. A deadline that has passed has
// already ended its phase in every running year; setting it to another past date would only
// rewrite when that happened, so it may move to the future only (which reopens nothing either).
func checkMove(year int, current map[string]time.Time, name string, at, now time.Time) error {
	if err := checkDeadlineYear("at", year, at); err != nil {
		return err
	}
	if at.Before(now.Add(-pastGrace)) {
		msg := "at: tidak boleh di masa lalu (sebelum " + dates.Format(now) + ")"
		if old, ok := current[name]; ok && old.Before(now) {
			msg += "; batas waktu " + name + " sudah lewat pada " + dates.Format(old) +
				" dan hanya dapat dipindah ke masa depan"
		}
		return errInvalid(msg)
	}
	d := workflows.Deadlines{}
	for n, t := range current {
		d[workflows.DeadlineName(n)] = t
	}
	d[workflows.DeadlineName(name)] = at
	if err := d.Validate(); err != nil {
		return errInvalid("at: urutan batas waktu tidak valid: " + err.Error())
	}
	return nil
}
