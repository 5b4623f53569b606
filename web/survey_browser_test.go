package web_test

import (
	"net/http"
	"net/http/cookiejar"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The public survey (api/survey.go) in a real browser: no login, stars clicked, one answer per
// browser per day.
func TestSurveyInTheBrowser(t *testing.T) {
	e := startWorld(t)
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar}
	csrf := e.json(hc, "", "POST", "/api/auth/login", map[string]string{"nip": nipHR, "password": password}, 200)["csrf_token"].(string)
	url := e.json(hc, csrf, "POST", "/api/survey-links", map[string]string{"unit_id": "diskominfo"}, 201)["token"].(string)
	url = e.base + "/survei/" + url

	e.openBrowser()

	answer := func(what string) string {
		e.run(what,
			chromedp.Navigate(url),
			chromedp.WaitVisible(`form`, chromedp.ByQuery),
			chromedp.Click(`input[name=kemudahan][value="5"]`, chromedp.ByQuery),
			chromedp.Click(`input[name=kecepatan][value="4"]`, chromedp.ByQuery),
			chromedp.Click(`input[name=keramahan][value="5"]`, chromedp.ByQuery),
			chromedp.SendKeys(`#komentar`, "Pelayanan cepat", chromedp.ByID),
			chromedp.Click(`button[type=submit]`, chromedp.ByQuery),
			chromedp.WaitVisible(`p[role=status]`, chromedp.ByQuery))
		return e.text(`p[role=status]`)
	}
	if got := answer("first answer"); !strings.Contains(got, "Terima kasih, penilaian Anda sudah kami terima") {
		t.Errorf("after the first answer: %q", got)
	}
	e.shot("survei-terima-kasih")
	if got := answer("second answer"); !strings.Contains(got, "sudah mengisi survei ini hari ini") {
		t.Errorf("after a second answer the same day: %q", got)
	}
	var n, kemudahan int
	var comment string
	e.row(`SELECT count(*), max(kemudahan), max(comment) FROM survey_responses`, &n, &kemudahan, &comment)
	if n != 1 || kemudahan != 5 || comment != "Pelayanan cepat" {
		t.Errorf("stored: %d answers, kemudahan %d, comment %q; want 1, 5, Pelayanan cepat", n, kemudahan, comment)
	}
}
