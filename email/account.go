package email

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// PasswordReset is the email carrying a single-use link to set a new password (also the way a
// person without a password yet sets their first one).
type PasswordReset struct {
	RecipientName string
	NIP           string
	Link          string // absolute http(s) URL holding the token
	ExpiresAt     time.Time
}

// RenderPasswordReset builds the subject and the text and HTML bodies of a password-reset email.
func RenderPasswordReset(r PasswordReset) (subject, text, html string, err error) {
	u, err := url.Parse(r.Link)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return "", "", "", errors.New("email: password reset link is not an absolute http(s) URL (is PUBLIC_URL set?)")
	}
	v := view{
		Greeting: "Yth. Bapak/Ibu,",
		Intro: "Dengan hormat, kami menerima permintaan untuk mengatur kata sandi akun e-Kinerja Bapak/Ibu. " +
			"Tautan di bawah ini hanya dapat digunakan satu kali.",
		Title:  "Atur ulang kata sandi e-Kinerja",
		Due:    formatWIB(r.ExpiresAt),
		Detail: "Jika Bapak/Ibu tidak merasa meminta pengaturan kata sandi, abaikan surel ini: kata sandi Bapak/Ibu tidak berubah. Jangan teruskan surel ini kepada siapa pun.",
		Action: "Untuk membuat kata sandi baru, buka tautan berikut sebelum batas waktu di atas:",
		Link:   r.Link,
	}
	if name := oneLine(r.RecipientName); name != "" {
		v.Greeting = "Yth. Bapak/Ibu " + name + ","
		v.Subject = name
	}
	if nip := oneLine(r.NIP); nip != "" {
		if v.Subject == "" {
			v.Subject = "NIP " + nip
		} else {
			v.Subject += " (NIP " + nip + ")"
		}
	}
	var tb, hb bytes.Buffer
	if err := textTmpl.Execute(&tb, v); err != nil {
		return "", "", "", fmt.Errorf("email: render text: %w", err)
	}
	if err := htmlTmpl.Execute(&hb, v); err != nil {
		return "", "", "", fmt.Errorf("email: render html: %w", err)
	}
	return "[e-Kinerja] Atur ulang kata sandi", tb.String(), hb.String(), nil
}
