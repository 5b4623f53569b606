package email

import (
	"time"
)

// EmailChanged tells the old address that an account's contact address was changed, so a person
// whose address was redirected by someone else learns of it before a reset link goes elsewhere.
type EmailChanged struct {
	RecipientName string
	NIP           string
	NewEmail      string
	ChangedBy     string // name and NIP of whoever imported the change, or how it came in
	At            time.Time
}

// RenderEmailChanged builds the subject and the text and HTML bodies of the notice.
func RenderEmailChanged(r EmailChanged) (subject, text, html string, err error) {
	v := view{
		Greeting: greeting(r.RecipientName),
		Subject:  subjectOf(r.RecipientName, r.NIP),
		Intro: "Dengan hormat, alamat surel akun e-Kinerja Bapak/Ibu telah diubah melalui impor data organisasi. " +
			"Surel ini dikirim ke alamat lama.",
		Title: "Alamat surel akun e-Kinerja diubah",
		Detail: "Alamat baru: " + oneLine(r.NewEmail) + ". Diubah oleh: " + oneLine(r.ChangedBy) +
			" pada " + formatWIB(r.At) + ". " +
			"Tautan atur ulang kata sandi berikutnya akan dikirim ke alamat baru. Jika perubahan ini tidak Bapak/Ibu " +
			"kenali, segera hubungi admin e-Kinerja atau BKPSDM.",
	}
	return render("[e-Kinerja] Alamat surel akun Anda diubah", v)
}
