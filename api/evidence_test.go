package api

import (
	"bytes"
	"strings"
	"testing"
)

func TestEvidenceTypeBySniffedBytes(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\nisi")
	for _, c := range []struct {
		name string
		data []byte
		want string // type, or a word of the refusal
	}{
		{"pdf", []byte("%PDF-1.7\n..."), "application/pdf"},
		{"png", png, "image/png"},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg"},
		{"html named .pdf", []byte("<html><script>alert(1)</script>"), "jenis berkas"},
		{"empty", nil, "kosong"},
		{"too big", append(png, bytes.Repeat([]byte{0}, MaxEvidenceBytes)...), "paling besar 5 MiB"},
	} {
		got, err := evidenceType(c.data)
		if err != nil {
			got = err.Error()
		}
		if !strings.Contains(got, c.want) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

func TestCleanFileName(t *testing.T) {
	for in, want := range map[string]string{
		`C:\Users\budi\bukti "rilis".pdf`: "bukti rilis.pdf", "../../etc/passwd": "passwd", "": "bukti",
		"a\x00b\nc.png": "abc.png", strings.Repeat("x", 300): strings.Repeat("x", 200),
	} {
		if got := cleanFileName(in); got != want {
			t.Errorf("cleanFileName(%q) = %q, want %q", in, got, want)
		}
	}
}
