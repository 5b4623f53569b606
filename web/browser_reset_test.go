package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestPasswordResetInTheBrowser: from the login page an employee asks for a link (an empty NIP is
// refused next to the field), opens the link the outbox holds, is refused a mismatched and a short
// password next to their fields, sets one, and logs in with it.
func TestPasswordResetInTheBrowser(t *testing.T) {
	e := startWorld(t)
	e.openBrowser()
	e.run("forgot", chromedp.Navigate(e.base+"/masuk"), chromedp.WaitVisible("#lupa-sandi", chromedp.ByID),
		chromedp.Click("#lupa-sandi", chromedp.ByID), chromedp.WaitVisible("#kirim-tautan", chromedp.ByID),
		chromedp.Click("#kirim-tautan", chromedp.ByID), chromedp.WaitVisible("#nip-galat", chromedp.ByID))
	if got := e.text("#nip-galat"); got != "kolom nip wajib diisi" {
		t.Errorf("error next to the NIP: %q", got)
	}
	e.run("ask for a link", chromedp.SendKeys("#nip", nipEmployee, chromedp.ByID), chromedp.Click("#kirim-tautan", chromedp.ByID),
		chromedp.WaitVisible("#terkirim", chromedp.ByID))
	if got := e.text("#terkirim"); !strings.HasPrefix(got, "jika NIP tersebut terdaftar") {
		t.Errorf("answer %q", got)
	}
	e.shot("lupa-sandi")
	e.waitDB(`SELECT count(*) FROM notification_outbox WHERE custom_args->>'kind' = 'password_reset'`, 1)
	var body string
	e.row(`SELECT body_text FROM notification_outbox WHERE custom_args->>'kind' = 'password_reset'`, &body)
	m := regexp.MustCompile(`/reset-password\?token=([^\s"&<]+)`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no reset link in the email: %s", body)
	}
	token, _ := url.QueryUnescape(m[1])

	const newPassword = "kalimat sandi baru yang panjang"
	e.run("open the link", chromedp.Navigate(e.base+"/reset-password?token="+url.QueryEscape(token)),
		chromedp.WaitVisible("#atur-sandi", chromedp.ByID),
		chromedp.SendKeys("#new_password", newPassword, chromedp.ByID), chromedp.SendKeys("#repeat_password", "lain", chromedp.ByID),
		chromedp.Click("#atur-sandi", chromedp.ByID), chromedp.WaitVisible("#repeat_password-galat", chromedp.ByID))
	if got := e.text("#repeat_password-galat"); got != "tidak sama dengan kata sandi baru" {
		t.Errorf("error next to the repeated password: %q", got)
	}
	e.run("a short password", chromedp.SendKeys("#new_password", "pendek", chromedp.ByID), chromedp.SendKeys("#repeat_password", "pendek", chromedp.ByID),
		chromedp.Click("#atur-sandi", chromedp.ByID), chromedp.WaitVisible("#new_password-galat", chromedp.ByID))
	if got := e.text("#new_password-galat"); !strings.Contains(got, "minimal 12 karakter") {
		t.Errorf("error next to the new password: %q", got)
	}
	var used int
	e.row(`SELECT count(*) FROM password_resets WHERE used_at IS NOT NULL`, &used)
	if used != 0 {
		t.Errorf("a refused password used the link up")
	}
	e.shot("atur-sandi-galat")
	e.run("set it", chromedp.SendKeys("#new_password", newPassword, chromedp.ByID), chromedp.SendKeys("#repeat_password", newPassword, chromedp.ByID),
		chromedp.Click("#atur-sandi", chromedp.ByID), chromedp.WaitVisible(`//p[@role="status"]`))
	e.row(`SELECT count(*) FROM password_resets WHERE used_at IS NOT NULL`, &used)
	if used != 1 {
		t.Errorf("links used: %d", used)
	}
	e.run("log in with it", chromedp.SendKeys("#nip", nipEmployee, chromedp.ByID), chromedp.SendKeys("#password", newPassword, chromedp.ByID),
		chromedp.Click(`button[type=submit]`, chromedp.ByQuery), chromedp.WaitVisible(`//h1[text()="Tugas saya"]`))
	t.Logf("screenshots in %s", e.dir)
}
