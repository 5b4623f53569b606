package email

import (
	"strings"
	"testing"
	"time"
)

func TestRenderPasswordReset(t *testing.T) {
	link := "https://kinerja.contoh.go.id/reset-password?token=abc_DEF-123"
	at := time.Date(2026, 3, 2, 1, 30, 0, 0, time.UTC)
	subject, text, html, err := RenderPasswordReset(PasswordReset{RecipientName: "Budi\nSantoso", NIP: "199203152018011003", Link: link, ExpiresAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if subject != "[e-Kinerja] Atur ulang kata sandi" {
		t.Errorf("subject %q", subject)
	}
	for _, want := range []string{"Yth. Bapak/Ibu Budi Santoso,", "Budi Santoso (NIP 199203152018011003)", link,
		"2 Maret 2026 pukul 08.30 WIB", "hanya dapat digunakan satu kali", "abaikan surel ini"} {
		if !strings.Contains(text, want) {
			t.Errorf("text lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(html, `href="`+link+`"`) {
		t.Errorf("html lacks the link:\n%s", html)
	}
	for _, bad := range []string{"", "/reset-password?token=x", "javascript:alert(1)", "ftp://x/y"} {
		if _, _, _, err := RenderPasswordReset(PasswordReset{Link: bad, ExpiresAt: at}); err == nil {
			t.Errorf("link %q accepted", bad)
		}
	}
}
