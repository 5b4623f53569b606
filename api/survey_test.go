package api_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

var formTokenField = regexp.MustCompile(`name="form_token" value="([0-9a-f]+)"`)

// surveyClient is one browser: it keeps the cookies the survey sets.
type surveyClient struct {
	e       *azEnv
	path    string
	cookies map[string]*http.Cookie
}

func (b *surveyClient) send(method string, form url.Values) azResp {
	b.e.t.Helper()
	var cs []*http.Cookie
	for _, c := range b.cookies {
		cs = append(cs, c)
	}
	res := b.e.do(azReq{method: method, path: b.path, role: rAnon, form: form, cookies: cs})
	for _, c := range res.cookies {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
		} else {
			b.cookies[c.Name] = c
		}
	}
	return res
}

// answer opens the form and sends it with the given stars.
func (b *surveyClient) answer(stars ...string) azResp {
	b.e.t.Helper()
	page := b.send("GET", nil)
	m := formTokenField.FindSubmatch(page.body)
	if page.status != 200 || m == nil {
		b.e.t.Fatalf("survey form: %d %s", page.status, page.body)
	}
	return b.send("POST", url.Values{"form_token": {string(m[1])}, "kemudahan": {stars[0]}, "kecepatan": {stars[1]},
		"keramahan": {stars[2]}, "komentar": {"Antrean tertib, petugas ramah"}})
}

func TestPublicSurvey(t *testing.T) {
	e := newAzEnv(t)
	// HR makes a link for a unit in scope; HR of another unit may not, nor an unknown unit.
	e.must(azReq{method: "POST", path: "/api/survey-links", role: rHROther, body: map[string]string{"unit_id": "bidang-a"}}, 403)
	if res := e.do(azReq{method: "POST", path: "/api/survey-links", role: rHRScoped, body: map[string]string{"unit_id": "bidang-z"}}); res.status != 422 || fieldOf(t, res) != "unit_id" {
		t.Errorf("unknown unit: %d %s", res.status, res.body)
	}
	link := e.must(azReq{method: "POST", path: "/api/survey-links", role: rHRScoped, body: map[string]string{"unit_id": "bidang-a"}}, 201).json(t)
	path := "/survei/" + link["token"].(string)
	newClient := func() *surveyClient { return &surveyClient{e: e, path: path, cookies: map[string]*http.Cookie{}} }

	page := e.do(azReq{method: "GET", path: path, role: rAnon})
	if page.status != 200 || !strings.Contains(string(page.body), "Bidang A") || !strings.Contains(page.header.Get("Content-Type"), "text/html") {
		t.Fatalf("the form: %d %s", page.status, page.body)
	}
	if e.do(azReq{method: "GET", path: "/survei/tidakada", role: rAnon}).status != 404 {
		t.Error("an unknown link shows a form")
	}

	b := newClient()
	if res := b.answer("5", "4", "3"); res.status != 200 {
		t.Fatalf("first answer: %d %s", res.status, res.body)
	}
	// The same browser again the same day: refused.
	if res := b.answer("1", "1", "1"); res.status != 409 {
		t.Errorf("second answer from the same browser: %d %s", res.status, res.body)
	}
	// Out of range stars, a post without the form's token, a body over the limit.
	if res := newClient().answer("6", "4", "3"); res.status != 422 || !strings.Contains(string(res.body), "Kemudahan") {
		t.Errorf("six stars: %d %s", res.status, res.body)
	}
	nf := newClient()
	nf.send("GET", nil)
	if res := nf.send("POST", url.Values{"form_token": {"palsu"}, "kemudahan": {"5"}, "kecepatan": {"5"}, "keramahan": {"5"}}); res.status != 400 {
		t.Errorf("forged form token: %d %s", res.status, res.body)
	}
	if res := newClient().send("POST", url.Values{"komentar": {strings.Repeat("a", 9000)}}); res.status != 400 {
		t.Errorf("a body over 8 KiB: %d", res.status)
	}
	b2 := newClient()
	if res := b2.answer("4", "2", "5"); res.status != 200 {
		t.Fatalf("another browser: %d %s", res.status, res.body)
	}

	// Results: HR in scope and the penilai of the unit's employees; nobody else.
	month := time.Now().In(time.FixedZone("WIB", 7*3600)).Format("2006-01")
	res := e.must(azReq{method: "GET", path: "/api/survey-results?unit=bidang-a&month=" + month, role: rPenilai}, 200).json(t)["results"].(map[string]any)
	if res["responses"].(float64) != 2 || res["averages"].(map[string]any)["kemudahan"] != "4.50" ||
		res["sums"].(map[string]any)["kecepatan"].(float64) != 6 || len(res["comments"].([]any)) != 2 {
		t.Errorf("results: %v", res)
	}
	e.must(azReq{method: "GET", path: "/api/survey-results?unit=bidang-a&month=" + month, role: rHRScoped}, 200)
	e.must(azReq{method: "GET", path: "/api/survey-results?unit=bidang-a&month=" + month, role: rStranger}, 403)
	e.must(azReq{method: "GET", path: "/api/survey-results?unit=bidang-a&month=" + month, role: rHROther}, 403)
	e.must(azReq{method: "GET", path: "/api/survey-results?unit=bidang-a", role: rPenilai}, 400)
	year := e.must(azReq{method: "GET", path: e.cyclePath(false) + "/employees/" + azPegawai, role: rPenilai}, 200).json(t)
	if got := year["evidence"].(map[string]any)["unit_survey"].(map[string]any)["responses"]; got != 2.0 {
		t.Errorf("the year view's unit survey: %v responses, want 2", got)
	}

	// The rate limit: one address posts at most the burst at once (the posts above count too).
	limited := false
	for i := 0; i < 25 && !limited; i++ {
		res := newClient().answer("3", "3", "3")
		switch res.status {
		case 200:
		case 429:
			limited = true
			if res.header.Get("Retry-After") == "" {
				t.Error("429 without Retry-After")
			}
		default:
			t.Fatalf("answer %d: %d %s", i, res.status, res.body)
		}
	}
	if !limited {
		t.Error("25 more answers from one address were all taken")
	}
	final := e.must(azReq{method: "GET", path: "/api/survey-results?unit=bidang-a&month=" + month, role: rHRRegion}, 200).json(t)
	if n := final["results"].(map[string]any)["responses"].(float64); n > 20 {
		t.Errorf("%v answers stored from one address, more than the burst", n)
	}
}
