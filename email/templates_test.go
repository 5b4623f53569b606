package email

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFormatWIB(t *testing.T) {
	for in, want := range map[string]string{
		"2026-01-31T16:59:00Z":      "31 Januari 2026 pukul 23.59 WIB",
		"2026-01-31T17:30:00Z":      "1 Februari 2026 pukul 00.30 WIB", // crosses midnight in Jakarta
		"2026-08-17T02:05:00Z":      "17 Agustus 2026 pukul 09.05 WIB",
		"2026-12-31T23:59:00+07:00": "31 Desember 2026 pukul 23.59 WIB",
	} {
		at, err := time.Parse(time.RFC3339, in)
		require.NoError(t, err)
		assert.Equal(t, want, formatWIB(at), in)
	}
}

func TestRender(t *testing.T) {
	due := time.Date(2026, 1, 31, 16, 59, 0, 0, time.UTC) // 23.59 WIB
	base := Notice{
		RecipientName: "Dr. Ahmad Fauzi, M.Si.",
		Title:         "Setujui SKP Budi Santoso",
		SubjectName:   "Budi Santoso",
		SubjectNIP:    "199001012020011001",
		CycleName:     "Penilaian Kinerja 2026",
		DueAt:         &due,
		Link:          "https://kinerja.example.go.id/tugas/42",
	}
	with := func(f func(*Notice)) Notice { n := base; f(&n); return n }

	for _, tc := range []struct {
		name    string
		notice  Notice
		subject string
		text    []string // substrings of the text body
		html    []string // substrings of the HTML body
		notText []string
		notHTML []string
	}{
		{
			name:    "task",
			notice:  with(func(n *Notice) { n.Kind = NoticeTask }),
			subject: "[e-Kinerja] Tugas baru: Setujui SKP Budi Santoso",
			text: []string{"Yth. Bapak/Ibu Dr. Ahmad Fauzi, M.Si.,", "terdapat tugas baru", "Setujui SKP Budi Santoso",
				"Pegawai     : Budi Santoso (NIP 199001012020011001)", "Periode     : Penilaian Kinerja 2026",
				"Batas waktu : 31 Januari 2026 pukul 23.59 WIB", "https://kinerja.example.go.id/tugas/42", "Hormat kami,"},
			html: []string{`<html lang="id">`, `<a href="https://kinerja.example.go.id/tugas/42"`, "31 Januari 2026 pukul 23.59 WIB",
				"Budi Santoso (NIP 199001012020011001)"},
		},
		{
			name:    "reminder with deadline",
			notice:  with(func(n *Notice) { n.Kind = NoticeReminder }),
			subject: "[e-Kinerja] Pengingat: Setujui SKP Budi Santoso jatuh tempo 31 Januari 2026 pukul 23.59 WIB",
			text:    []string{"akan jatuh tempo pada 31 Januari 2026 pukul 23.59 WIB"},
		},
		{
			name:    "reminder without deadline",
			notice:  with(func(n *Notice) { n.Kind = NoticeReminder; n.DueAt = nil }),
			subject: "[e-Kinerja] Pengingat: Setujui SKP Budi Santoso",
			text:    []string{"belum diselesaikan"},
			notText: []string{"Batas waktu", "WIB"},
			notHTML: []string{"Batas waktu"},
		},
		{
			name: "escalation",
			notice: with(func(n *Notice) {
				n.Kind = NoticeEscalation
				n.Title = "SKP Budi Santoso belum ditetapkan"
				n.Detail = "Pejabat penilai belum memberikan persetujuan."
			}),
			subject: "[e-Kinerja] Eskalasi: SKP Budi Santoso belum ditetapkan",
			text:    []string{"telah terlewati", "selaku atasan atau pengelola kinerja", "Batas waktu : 31 Januari 2026", "Pejabat penilai belum memberikan persetujuan."},
			html:    []string{"<p>Pejabat penilai belum memberikan persetujuan.</p>"},
		},
		{
			name: "info without link, deadline or name",
			notice: Notice{Kind: NoticeInfo, Title: "Hasil penilaian kinerja 2026 telah ditetapkan",
				SubjectName: "Budi Santoso", CycleName: "Penilaian Kinerja 2026"},
			subject: "[e-Kinerja] Informasi: Hasil penilaian kinerja 2026 telah ditetapkan",
			text:    []string{"Yth. Bapak/Ibu,\n", "Pegawai     : Budi Santoso\n", "kami sampaikan informasi berikut"},
			notText: []string{"tautan", "NIP", "Batas waktu"},
			notHTML: []string{"<a ", "tautan"},
		},
		{
			name: "html escaping and one-line subject",
			notice: with(func(n *Notice) {
				n.Kind = NoticeTask
				n.Title = "Setujui SKP <script>alert(1)</script>\r\nBcc: x@y"
				n.SubjectName = `Siti "Ani" & Co`
				n.Detail = "<b>tebal</b>"
				n.Link = "https://kinerja.example.go.id/t?a=1&b=<2>"
			}),
			subject: "[e-Kinerja] Tugas baru: Setujui SKP <script>alert(1)</script> Bcc: x@y",
			text:    []string{"Setujui SKP <script>alert(1)</script> Bcc: x@y", `Siti "Ani" & Co`, "<b>tebal</b>"},
			html:    []string{"Setujui SKP &lt;script&gt;alert(1)&lt;/script&gt; Bcc: x@y", "Siti &#34;Ani&#34; &amp; Co", "&lt;b&gt;tebal&lt;/b&gt;", `href="https://kinerja.example.go.id/t?a=1&amp;b=%3c2%3e"`},
			notHTML: []string{"<script>", "<b>tebal"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			subject, text, html, err := Render(tc.notice)
			require.NoError(t, err)
			assert.Equal(t, tc.subject, subject)
			assert.NotContains(t, subject, "\n")
			for _, s := range tc.text {
				assert.Contains(t, text, s)
			}
			for _, s := range tc.html {
				assert.Contains(t, html, s)
			}
			for _, s := range tc.notText {
				assert.NotContains(t, text, s)
			}
			for _, s := range tc.notHTML {
				assert.NotContains(t, html, s)
			}
			assert.NotContains(t, text, "<no value>")
			assert.True(t, strings.HasPrefix(html, "<!DOCTYPE html>"))
		})
	}
}

func TestRenderRejects(t *testing.T) {
	for name, n := range map[string]Notice{
		"unknown kind":  {Kind: "memo", Title: "x"},
		"empty title":   {Kind: NoticeTask, Title: "  "},
		"relative link": {Kind: NoticeTask, Title: "x", Link: "/tugas/1"},
		"script link":   {Kind: NoticeTask, Title: "x", Link: "javascript:alert(1)"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, _, err := Render(n)
			assert.Error(t, err)
		})
	}
}
