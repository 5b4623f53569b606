package email

import (
	"bytes"
	"errors"
	"fmt"
	"time"
)

// Digest is one HR user's daily summary: what arrived for HR since the last one, and what is overdue.
type Digest struct {
	RecipientName string
	Day           time.Time // the day it summarises (shown in WIB)
	New           []DigestItem
	Overdue       []DigestItem
	Link          string // absolute URL of the inbox, may be empty
}

// DigestItem is one task or notice about one employee's year.
type DigestItem struct {
	Title       string
	SubjectName string
	SubjectNIP  string
	DueAt       *time.Time
}

// RenderDigest builds the subject and the text and HTML bodies of a digest.
func RenderDigest(d Digest) (subject, text, html string, err error) {
	if len(d.New)+len(d.Overdue) == 0 {
		return "", "", "", errors.New("email: empty digest")
	}
	day := d.Day.In(wibLocation)
	v := digestView{
		Greeting: greeting(d.RecipientName),
		Day:      fmt.Sprintf("%d %s %d", day.Day(), monthName(day.Month()), day.Year()),
		Link:     d.Link,
	}
	for _, it := range d.New {
		v.New = append(v.New, digestLine(it))
	}
	for _, it := range d.Overdue {
		v.Overdue = append(v.Overdue, digestLine(it))
	}
	subject = fmt.Sprintf("[e-Kinerja] Ringkasan harian %s: %d baru, %d melewati batas waktu", v.Day, len(v.New), len(v.Overdue))
	var tb, hb bytes.Buffer
	if err := digestText.Execute(&tb, v); err != nil {
		return "", "", "", fmt.Errorf("email: render digest text: %w", err)
	}
	if err := digestHTML.Execute(&hb, v); err != nil {
		return "", "", "", fmt.Errorf("email: render digest html: %w", err)
	}
	return subject, tb.String(), hb.String(), nil
}

type digestView struct {
	Greeting, Day, Link string
	New, Overdue        []string
}

func digestLine(it DigestItem) string {
	s := oneLine(it.Title)
	if name := oneLine(it.SubjectName); name != "" {
		s += " — " + name
		if nip := oneLine(it.SubjectNIP); nip != "" {
			s += " (NIP " + nip + ")"
		}
	}
	if it.DueAt != nil {
		s += ", batas waktu " + formatWIB(*it.DueAt)
	}
	return s
}
