package email

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"net/url"
	"strings"
	texttemplate "text/template"
	"time"

	"github.com/kinerja/platform/internal/wib"
)

// NoticeKind selects the wording of a notice.
type NoticeKind string

const (
	NoticeTask       NoticeKind = "task"       // a new task is assigned to the recipient
	NoticeReminder   NoticeKind = "reminder"   // a task's deadline is near
	NoticeEscalation NoticeKind = "escalation" // a deadline passed; recipient (atasan/HR) must step in
	NoticeInfo       NoticeKind = "info"       // information only (e.g. result final, posting made)
)

// Notice is what a workflow wants to tell one person; Render turns it into email text.
type Notice struct {
	Kind          NoticeKind
	RecipientName string
	Title         string // what must be done, already in Bahasa Indonesia, e.g. "Setujui SKP Budi Santoso"
	SubjectName   string // the employee the matter is about
	SubjectNIP    string
	CycleName     string     // e.g. "Penilaian Kinerja 2026"
	DueAt         *time.Time // nil when no deadline
	Detail        string     // optional extra sentence(s)
	Link          string     // absolute URL to act, may be empty
}

// formatWIB is the one way emails write a date.
var (
	formatWIB   = wib.Format
	wibLocation = wib.Location
	monthName   = wib.Month
)

// view is the data both body templates read; every field is plain text.
type view struct {
	Greeting, Intro, Title, Subject, Cycle, Due, Detail, Action, Link string
}

const textBody = `{{.Greeting}}

{{.Intro}}

    {{.Title}}
{{- if .Subject}}
    Pegawai     : {{.Subject}}{{end}}
{{- if .Cycle}}
    Periode     : {{.Cycle}}{{end}}
{{- if .Due}}
    Batas waktu : {{.Due}}{{end}}
{{if .Detail}}
{{.Detail}}
{{end}}
{{- if .Link}}
{{.Action}}
{{.Link}}
{{end}}
Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.

Hormat kami,
Pengelola Kinerja BKPSDM

--
Surel ini dikirim otomatis oleh aplikasi e-Kinerja. Mohon tidak membalas surel ini.
`

const htmlBody = `<!DOCTYPE html>
<html lang="id">
<head><meta charset="utf-8"><title>{{.Title}}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;font-size:14px;line-height:1.5;color:#222;">
<p>{{.Greeting}}</p>
<p>{{.Intro}}</p>
<table role="presentation" cellpadding="4" cellspacing="0" style="border-collapse:collapse;margin:0 0 16px 16px;">
<tr><td colspan="2"><strong>{{.Title}}</strong></td></tr>
{{- if .Subject}}
<tr><td>Pegawai</td><td>{{.Subject}}</td></tr>{{end}}
{{- if .Cycle}}
<tr><td>Periode</td><td>{{.Cycle}}</td></tr>{{end}}
{{- if .Due}}
<tr><td>Batas waktu</td><td>{{.Due}}</td></tr>{{end}}
</table>
{{- if .Detail}}
<p>{{.Detail}}</p>{{end}}
{{- if .Link}}
<p>{{.Action}}</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:8px 16px;background:#0b5394;color:#fff;text-decoration:none;border-radius:4px;">Buka e-Kinerja</a></p>
<p style="font-size:12px;color:#555;">Jika tombol tidak berfungsi, salin tautan berikut ke peramban Anda:<br>{{.Link}}</p>{{end}}
<p>Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.</p>
<p>Hormat kami,<br>Pengelola Kinerja BKPSDM</p>
<hr style="border:none;border-top:1px solid #ddd;">
<p style="font-size:12px;color:#777;">Surel ini dikirim otomatis oleh aplikasi e-Kinerja. Mohon tidak membalas surel ini.</p>
</body>
</html>
`

var (
	textTmpl = texttemplate.Must(texttemplate.New("text").Parse(textBody))
	htmlTmpl = htmltemplate.Must(htmltemplate.New("html").Parse(htmlBody))

	digestText = texttemplate.Must(texttemplate.New("digest-text").Parse(`{{.Greeting}}

Dengan hormat, berikut ringkasan tugas pengelolaan kinerja di lingkup Bapak/Ibu per {{.Day}}.
{{if .New}}
Baru sejak ringkasan sebelumnya:
{{range .New}}  - {{.}}
{{end}}{{end}}{{if .Overdue}}
Melewati batas waktu dan belum diselesaikan:
{{range .Overdue}}  - {{.}}
{{end}}{{end}}{{if .Link}}
Silakan menindaklanjuti melalui tautan berikut:
{{.Link}}
{{end}}
Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.

Hormat kami,
Pengelola Kinerja BKPSDM

--
Surel ini dikirim otomatis oleh aplikasi e-Kinerja. Mohon tidak membalas surel ini.
`))
	digestHTML = htmltemplate.Must(htmltemplate.New("digest-html").Parse(`<!DOCTYPE html>
<html lang="id"><head><meta charset="utf-8"><title>Ringkasan harian e-Kinerja</title></head>
<body style="font-family: Arial, sans-serif; color: #1a1a1a; line-height: 1.5">
<p>{{.Greeting}}</p>
<p>Dengan hormat, berikut ringkasan tugas pengelolaan kinerja di lingkup Bapak/Ibu per {{.Day}}.</p>
{{if .New}}<h2 style="font-size: 1.1em">Baru sejak ringkasan sebelumnya</h2>
<ul>{{range .New}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Overdue}}<h2 style="font-size: 1.1em">Melewati batas waktu dan belum diselesaikan</h2>
<ul>{{range .Overdue}}<li>{{.}}</li>{{end}}</ul>{{end}}
{{if .Link}}<p><a href="{{.Link}}">Buka e-Kinerja</a></p>{{end}}
<p>Atas perhatian dan kerja sama Bapak/Ibu, kami ucapkan terima kasih.</p>
<p>Hormat kami,<br>Pengelola Kinerja BKPSDM</p>
<hr><p style="font-size: 0.85em; color: #555">Surel ini dikirim otomatis oleh aplikasi e-Kinerja. Mohon tidak membalas surel ini.</p>
</body></html>
`))
)

// Render builds the subject and the text and HTML bodies of a notice.
func Render(n Notice) (subject, text, html string, err error) {
	title := oneLine(n.Title)
	if title == "" {
		return "", "", "", errors.New("email: notice without title")
	}
	if n.Link != "" {
		// Links go into href; only absolute web URLs make sense in an email.
		u, err := url.Parse(n.Link)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return "", "", "", fmt.Errorf("email: notice link %q is not an absolute http(s) URL", n.Link)
		}
	}
	v := view{
		Greeting: greeting(n.RecipientName),
		Subject:  subjectOf(n.SubjectName, n.SubjectNIP),
		Title:    title,
		Cycle:    oneLine(n.CycleName),
		Detail:   strings.TrimSpace(n.Detail),
		Action:   "Silakan menindaklanjuti melalui tautan berikut:",
		Link:     n.Link,
	}
	if n.DueAt != nil {
		v.Due = formatWIB(*n.DueAt)
	}

	switch n.Kind {
	case NoticeTask:
		subject = "[e-Kinerja] Tugas baru: " + title
		v.Intro = "Dengan hormat, kami sampaikan bahwa terdapat tugas baru pada aplikasi e-Kinerja yang perlu Bapak/Ibu selesaikan:"
	case NoticeReminder:
		subject = "[e-Kinerja] Pengingat: " + title
		if v.Due != "" {
			subject += " jatuh tempo " + v.Due
			v.Intro = "Dengan hormat, kami mengingatkan bahwa tugas berikut akan jatuh tempo pada " + v.Due + " dan belum diselesaikan:"
		} else {
			v.Intro = "Dengan hormat, kami mengingatkan bahwa tugas berikut belum diselesaikan:"
		}
	case NoticeEscalation:
		subject = "[e-Kinerja] Eskalasi: " + title
		v.Intro = "Dengan hormat, kami sampaikan bahwa batas waktu penyelesaian hal berikut telah terlewati. " +
			"Mohon Bapak/Ibu, selaku atasan atau pengelola kinerja, berkenan segera menindaklanjutinya:"
	case NoticeInfo:
		subject = "[e-Kinerja] Informasi: " + title
		v.Intro = "Dengan hormat, bersama ini kami sampaikan informasi berikut:"
		v.Action = "Rinciannya dapat Bapak/Ibu lihat melalui tautan berikut:"
	default:
		return "", "", "", fmt.Errorf("email: unknown notice kind %q", n.Kind)
	}

	return render(subject, v)
}

// render fills the notice layout with v.
func render(subject string, v view) (string, string, string, error) {
	var tb, hb bytes.Buffer
	if err := textTmpl.Execute(&tb, v); err != nil {
		return "", "", "", fmt.Errorf("email: render text: %w", err)
	}
	if err := htmlTmpl.Execute(&hb, v); err != nil {
		return "", "", "", fmt.Errorf("email: render html: %w", err)
	}
	return subject, tb.String(), hb.String(), nil
}

// greeting addresses the recipient by name when known.
func greeting(name string) string {
	if name = oneLine(name); name != "" {
		return "Yth. Bapak/Ibu " + name + ","
	}
	return "Yth. Bapak/Ibu,"
}

// subjectOf names whom a message is about: "Name (NIP n)", either part alone, or "".
func subjectOf(name, nip string) string {
	name, nip = oneLine(name), oneLine(nip)
	switch {
	case nip == "":
		return name
	case name == "":
		return "NIP " + nip
	}
	return name + " (NIP " + nip + ")"
}

// oneLine collapses whitespace so names and titles cannot break the subject line or layout.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
