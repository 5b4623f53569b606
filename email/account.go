package email

import (
	"errors"
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
		Greeting: greeting(r.RecipientName),
		Subject:  subjectOf(r.RecipientName, r.NIP),
		Intro: "Dengan hormat, kami menerima permintaan untuk mengatur kata sandi akun e-Kinerja Bapak/Ibu. " +
			"Tautan di bawah ini hanya dapat digunakan satu kali.",
		Title:  "Atur ulang kata sandi e-Kinerja",
		Due:    formatWIB(r.ExpiresAt),
		Detail: "Jika Bapak/Ibu tidak merasa meminta pengaturan kata sandi, abaikan surel ini: kata sandi Bapak/Ibu tidak berubah. Jangan teruskan surel ini kepada siapa pun.",
		Action: "Untuk membuat kata sandi baru, buka tautan berikut sebelum batas waktu di atas:",
		Link:   r.Link,
	}
	return render("[e-Kinerja] Atur ulang kata sandi", v)
}
