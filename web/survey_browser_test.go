package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// The public survey (api/survey.go) in a real browser: HR makes the unit's link on its page (an
// unknown unit refused next to the field first), then anyone answers without logging in, stars
// clicked, one answer per browser per day, and HR's page counts the answer.
func TestSurveyInTheBrowser(t *testing.T) {
	e := startWorld(t)
	e.openBrowser()
	e.login(nipHR)
	e.run("open the survey links page", chromedp.Navigate(e.base+"/siklus"), chromedp.Click("#ke-survei", chromedp.ByID),
		chromedp.WaitVisible("#buat-survei", chromedp.ByID),
		chromedp.SetValue("#unit_id", "dinas-tidak-ada", chromedp.ByID), chromedp.Click("#buat-survei", chromedp.ByID),
		chromedp.WaitVisible("#unit_id-galat", chromedp.ByID))
	var n int
	e.row(`SELECT count(*) FROM survey_links`, &n)
	if n != 0 || !strings.Contains(e.text("#unit_id-galat"), "tidak ada dalam data organisasi") {
		t.Fatalf("unknown unit: %d links, error %q", n, e.text("#unit_id-galat"))
	}
	var url string
	e.run("make the link", chromedp.SetValue("#unit_id", "diskominfo", chromedp.ByID), chromedp.Click("#buat-survei", chromedp.ByID),
		chromedp.WaitVisible("#daftar-survei .alamat-survei", chromedp.ByQuery),
		chromedp.AttributeValue("#daftar-survei .alamat-survei", "href", &url, nil, chromedp.ByQuery))
	var token string
	e.row(`SELECT token FROM survey_links WHERE unit_id = 'diskominfo'`, &token)
	if !strings.HasSuffix(url, "/survei/"+token) {
		t.Fatalf("the page's link %q, stored token %q", url, token)
	}
	e.shot("survei-tautan")
	e.logout()
	url = e.base + "/survei/" + token

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
	var kemudahan int
	var comment string
	e.row(`SELECT count(*), max(kemudahan), max(comment) FROM survey_responses`, &n, &kemudahan, &comment)
	if n != 1 || kemudahan != 5 || comment != "Pelayanan cepat" {
		t.Errorf("stored: %d answers, kemudahan %d, comment %q; want 1, 5, Pelayanan cepat", n, kemudahan, comment)
	}

	// HR's page counts it.
	e.login(nipHR)
	e.run("read the results", chromedp.Navigate(e.base+"/survei-layanan"), chromedp.WaitVisible("#daftar-survei", chromedp.ByID))
	if got := e.text("#daftar-survei tbody"); !strings.Contains(got, "kemudahan 5,00") {
		t.Errorf("HR's survey page: %q", got)
	}
}
