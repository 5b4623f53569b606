package api_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/workflows"
)

// approvePlan drives the pegawai's year to an approved SKP with two RHK rows through the real
// workflow, and waits for the projection.
func approvePlan(t *testing.T, e *azEnv) {
	t.Helper()
	year := e.cyclePath(false) + "/employees/" + azPegawai
	behaviours := []map[string]string{}
	for _, v := range skp.BerAKHLAK {
		behaviours = append(behaviours, map[string]string{"value": v, "expectation": "Sesuai pedoman"})
	}
	plan := map[string]any{"approach": "kuantitatif", "behaviours": behaviours, "items": []map[string]string{
		{"kind": "utama", "rhk": "Tersusunnya laporan keuangan", "aspect": "kuantitas", "iki": "Jumlah laporan", "target": "12", "unit": "laporan"},
		{"kind": "utama", "rhk": "Terlaksananya verifikasi SPJ", "aspect": "kuantitas", "iki": "Jumlah SPJ", "target": "200", "unit": "SPJ"},
	}}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := e.do(azReq{method: "POST", path: year + "/" + workflows.UpdateSubmitPlan, role: rPegawai, body: map[string]any{"plan": plan}})
		if res.status == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("submit plan: %d %s", res.status, res.body)
		}
		time.Sleep(200 * time.Millisecond) // the workflow is still starting
	}
	e.must(azReq{method: "POST", path: year + "/" + workflows.UpdateApprovePlan, role: rPenilai}, 200)
	waitApproved(t, e, azPegawai)
}

func fieldOf(t *testing.T, res azResp) string {
	t.Helper()
	m := res.json(t)["error"].(map[string]any)
	f, _ := m["field"].(string)
	return f
}

func TestActivityLog(t *testing.T) {
	e := newAzEnv(t)
	path := e.cyclePath(false) + "/employees/" + azPegawai + "/activities"
	y := time.Now().Year()
	entry := func(date string, seq int, q int64, link string) map[string]any {
		return map[string]any{"date": date, "rhk_seq": seq, "description": "Menyusun laporan realisasi anggaran",
			"quantity": q, "output": "dokumen", "evidence_url": link}
	}
	march := fmt.Sprintf("%d-03", y)

	// No approved SKP yet: nothing to log against.
	if res := e.do(azReq{method: "POST", path: path, role: rPegawai, body: entry(march+"-10", 0, 1, "")}); res.status != 409 {
		t.Fatalf("before approval: %d %s", res.status, res.body)
	}
	approvePlan(t, e)

	tomorrow := time.Now().In(time.FixedZone("WIB", 7*3600)).AddDate(0, 0, 1).Format(time.DateOnly)
	for _, bad := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"no date", entry("", 0, 1, ""), "date"},
		{"not a date", entry(march+"-32", 0, 1, ""), "date"},
		{"another year", entry(fmt.Sprintf("%d-03-10", y-1), 0, 1, ""), "date"},
		{"future", entry(tomorrow, 0, 1, ""), "date"},
		{"no such RHK row", entry(march+"-10", 2, 1, ""), "rhk_seq"},
		{"zero quantity", entry(march+"-10", 0, 0, ""), "quantity"},
		{"ftp link", entry(march+"-10", 0, 1, "ftp://arsip.example.go.id/a.pdf"), "evidence_url"},
		{"script link", entry(march+"-10", 0, 1, "javascript:alert(1)"), "evidence_url"},
		{"empty description", func() map[string]any { b := entry(march+"-10", 0, 1, ""); b["description"] = " "; return b }(), "description"},
	} {
		if tomorrow[:4] != fmt.Sprint(y) && bad.name == "future" {
			continue // on the last day of the year tomorrow is another year, which the row above covers
		}
		res := e.do(azReq{method: "POST", path: path, role: rPegawai, body: bad.body})
		if res.status != 422 || fieldOf(t, res) != bad.field {
			t.Errorf("%s: %d %s, want 422 naming %s", bad.name, res.status, res.body, bad.field)
		}
	}
	// Only the employee writes: the penilai is refused, a stranger sees no such year.
	for r, want := range map[azRole]int{rPenilai: 403, rHRScoped: 403, rStranger: 404, rAnon: 401} {
		if res := e.do(azReq{method: "POST", path: path, role: r, body: entry(march+"-10", 0, 1, "")}); res.status != want {
			t.Errorf("POST as %s: %d, want %d: %s", r.name, res.status, want, res.body)
		}
	}

	var ids []int64
	for _, b := range []map[string]any{
		entry(march+"-10", 0, 2, "https://drive.example.go.id/lra-maret.pdf"),
		entry(march+"-20", 0, 3, ""),
		entry(fmt.Sprintf("%d-04-01", y), 0, 4, "https://drive.example.go.id/lra-april.pdf"),
		entry(march+"-21", 1, 40, ""),
	} {
		a := e.must(azReq{method: "POST", path: path, role: rPegawai, body: b}, 201).json(t)["activity"].(map[string]any)
		ids = append(ids, int64(a["id"].(float64)))
	}
	// The roll-up: sums and counts per RHK row and month, with the evidence links.
	sum := e.must(azReq{method: "GET", path: path + "/summary", role: rPenilai}, 200).json(t)["per_rhk"].([]any)
	if len(sum) != 2 {
		t.Fatalf("summary rows: %v", sum)
	}
	row0 := sum[0].(map[string]any)
	if row0["entries"].(float64) != 3 || row0["quantity"].(float64) != 9 || len(row0["months"].([]any)) != 2 ||
		len(row0["evidence_links"].([]any)) != 2 || row0["rhk"] != "Tersusunnya laporan keuangan" {
		t.Errorf("RHK 0 roll-up: %v", row0)
	}
	if r1 := sum[1].(map[string]any); r1["quantity"].(float64) != 40 || r1["entries"].(float64) != 1 {
		t.Errorf("RHK 1 roll-up: %v", r1)
	}
	inMarch := e.must(azReq{method: "GET", path: path + "/summary?month=" + march, role: rHRScoped}, 200).json(t)["per_rhk"].([]any)
	if q := inMarch[0].(map[string]any)["quantity"].(float64); q != 5 {
		t.Errorf("RHK 0 in March: quantity %v, want 5", q)
	}
	if list := e.must(azReq{method: "GET", path: path + "?month=" + march, role: rAtasan}, 200).json(t)["activities"].([]any); len(list) != 3 {
		t.Errorf("March entries: %d, want 3", len(list))
	}
	if res := e.do(azReq{method: "GET", path: path + "?month=2026-13", role: rPegawai}); res.status != 400 {
		t.Errorf("bad month: %d %s", res.status, res.body)
	}
	if res := e.do(azReq{method: "GET", path: path, role: rStranger}); res.status != 404 {
		t.Errorf("a stranger reads the log: %d", res.status)
	}

	// Deleting: the employee's own entries only.
	del := fmt.Sprintf("%s/%d", path, ids[1])
	if res := e.do(azReq{method: "DELETE", path: del, role: rPenilai}); res.status != 403 {
		t.Errorf("penilai deletes: %d", res.status)
	}
	e.must(azReq{method: "DELETE", path: del, role: rPegawai}, 200)
	e.must(azReq{method: "DELETE", path: del, role: rPegawai}, 404)
	year := e.must(azReq{method: "GET", path: e.cyclePath(false) + "/employees/" + azPegawai, role: rPenilai}, 200).json(t)
	if n := year["evidence"].(map[string]any)["activities"].(float64); n != 3 {
		t.Errorf("the year view counts %v activities, want 3", n)
	}
}

func TestFeedback360(t *testing.T) {
	e := newAzEnv(t)
	base := e.cyclePath(false) + "/employees/" + azPegawai
	raters := base + "/feedback-360/raters"
	answer := base + "/feedback-360/answer"
	full := func(rating, comment string) map[string]any {
		as := []map[string]string{}
		for _, v := range skp.BerAKHLAK {
			as = append(as, map[string]string{"value": v, "rating": rating, "comment": comment})
		}
		return map[string]any{"answers": as}
	}

	// Only the penilai (or their Plt) chooses, and only people in the org data other than the employee.
	if res := e.do(azReq{method: "POST", path: raters, role: rPegawai, body: map[string]any{"nips": []string{azStranger}}}); res.status != 403 {
		t.Errorf("pegawai chooses raters: %d %s", res.status, res.body)
	}
	eleven := []string{}
	for i := range 11 {
		eleven = append(eleven, fmt.Sprintf("19990101202001%04d", i))
	}
	for _, bad := range []struct {
		nips  []string
		field string
	}{
		{[]string{azPegawai}, "nips[0]"},
		{[]string{azStranger, azNobody}, "nips[1]"},
		{[]string{azStranger, azStranger}, "nips[1]"},
		{[]string{}, "nips"},
		{eleven, "nips"},
	} {
		res := e.do(azReq{method: "POST", path: raters, role: rPenilai, body: map[string]any{"nips": bad.nips}})
		if res.status != 422 || fieldOf(t, res) != bad.field {
			t.Errorf("raters %v: %d %s, want 422 naming %s", bad.nips, res.status, res.body, bad.field)
		}
	}
	e.must(azReq{method: "POST", path: raters, role: rPenilai, body: map[string]any{"nips": []string{azStranger, azHROther}}}, 200)
	// The Plt asks one more; asking the same person again asks nobody new.
	asked := e.must(azReq{method: "POST", path: raters, role: rPlt, body: map[string]any{"nips": []string{azLogin, azStranger}}}, 200).json(t)["asked"].([]any)
	if len(asked) != 1 || asked[0] != azLogin {
		t.Errorf("asked again: %v", asked)
	}

	// Each chosen person finds a task in their inbox, and an email notice.
	var mails int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM notification_outbox WHERE dedupe_key LIKE 'feedback-360/%'`).Scan(&mails); err != nil || mails != 3 {
		t.Errorf("feedback notices queued: %d (%v), want 3", mails, err)
	}
	inbox := e.must(azReq{method: "GET", path: "/api/me/tasks?kind=feedback_360", role: rStranger}, 200)
	if !strings.Contains(string(inbox.body), azPegawai) {
		t.Errorf("the rater's inbox lacks the feedback task: %s", inbox.body)
	}

	bad := full("sesuai", "")
	bad["answers"] = bad["answers"].([]map[string]string)[:6]
	for _, c := range []struct {
		body  map[string]any
		field string
	}{{bad, "answers"}, {full("luar biasa", ""), "answers[0].rating"}} {
		if res := e.do(azReq{method: "POST", path: answer, role: rStranger, body: c.body}); res.status != 422 || fieldOf(t, res) != c.field {
			t.Errorf("answer: %d %s, want 422 naming %s", res.status, res.body, c.field)
		}
	}
	e.must(azReq{method: "POST", path: answer, role: rStranger, body: full("diatas", "Selalu membantu rekan di loket")}, 200)
	e.must(azReq{method: "POST", path: answer, role: rStranger, body: full("sesuai", "")}, 409)
	e.must(azReq{method: "POST", path: answer, role: rHROther, body: full("sesuai", "")}, 200)
	// Someone who was not asked cannot answer; the year stays hidden from them.
	e.must(azReq{method: "POST", path: answer, role: rAdmin, body: full("sesuai", "")}, 404)
	if inbox := e.must(azReq{method: "GET", path: "/api/me/tasks?kind=feedback_360", role: rStranger}, 200); strings.Contains(string(inbox.body), azPegawai) {
		t.Errorf("the answered task is still open: %s", inbox.body)
	}

	// The penilai sees the aggregate and who was asked.
	pen := e.must(azReq{method: "GET", path: base + "/feedback-360", role: rPenilai}, 200)
	pm := pen.json(t)
	s := pm["summary"].(map[string]any)
	v0 := s["values"].([]any)[0].(map[string]any)
	counts := v0["counts"].(map[string]any)
	if s["asked"].(float64) != 3 || s["answered"].(float64) != 2 || counts["diatas"].(float64) != 1 || counts["sesuai"].(float64) != 1 ||
		len(v0["comments"].([]any)) != 1 {
		t.Errorf("the penilai's summary: %s", pen.body)
	}
	if !strings.Contains(string(pen.body), azStranger) {
		t.Errorf("the penilai does not see who was asked: %s", pen.body)
	}
	// The employee sees the same aggregate, with nobody named, here and in the year view.
	for _, p := range []string{base + "/feedback-360", base} {
		res := e.must(azReq{method: "GET", path: p, role: rPegawai}, 200)
		for _, nip := range []string{azStranger, azHROther, azLogin} {
			if strings.Contains(string(res.body), nip) {
				t.Errorf("GET %s shows the employee the rater %s: %s", p, nip, res.body)
			}
		}
		if !strings.Contains(string(res.body), "Selalu membantu rekan di loket") {
			t.Errorf("GET %s lacks the aggregated comments: %s", p, res.body)
		}
	}
	if res := e.do(azReq{method: "GET", path: base + "/feedback-360", role: rStranger}); res.status != 404 {
		t.Errorf("a rater reads the year's feedback: %d", res.status)
	}
}

// logActivity writes one entry of the pegawai's log and answers its id, for a route that removes one.
func logActivity(e *azEnv, _ azRole) string {
	var id int64
	if err := e.pool.QueryRow(context.Background(), `INSERT INTO activity_logs (cycle_id, nip, day, rhk_seq, description,
		quantity, output, created_by) VALUES ($1, $2, now()::date, 0, 'Rapat', 1, 'notula', $2) RETURNING id`,
		e.cycle, azPegawai).Scan(&id); err != nil {
		e.t.Fatal(err)
	}
	return fmt.Sprint(id)
}

// askStranger asks the table's stranger for 360 feedback on the pegawai (once; asking again changes nothing).
func askStranger(e *azEnv) {
	if _, err := e.st.RequestFeedback(context.Background(), e.cycle, azPegawai, []string{azStranger}, azPenilai, e.now, "Umpan balik", nil); err != nil {
		e.t.Fatal(err)
	}
}

// evidencePageRows are the pages of the activity log and 360 feedback (web/evidence.go): the same
// answers as their JSON twins above, through the pages' forms.
func evidencePageRows(add func(azCase), employee func(*azEnv, bool) string, page func(func(azRole) azWant) func(azRole) azWant) {
	pageReq := func(method, suffix string, prepare func(e *azEnv, r azRole) string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				sfx := suffix
				if prepare != nil {
					sfx = strings.Replace(sfx, "ID", prepare(e, r), 1)
				}
				req := azReq{method: method, path: pagePath(employee(e, missing)) + sfx, role: r}
				if method == "POST" {
					req.form = url.Values{} // an empty form: past authorisation the form is refused
				}
				return req
			}
		}
		return mk(false), mk(true)
	}
	req, twin := pageReq("GET", "/kegiatan", nil)
	add(azCase{route: "GET /siklus/:cycle/pegawai/:nip/kegiatan", req: req, twin: twin, want: page(year(ok(200)))})
	// No SKP is approved in the table's year: the employee gets past authorisation to the 409.
	req, twin = pageReq("POST", "/kegiatan", nil)
	add(azCase{route: "POST /siklus/:cycle/pegawai/:nip/kegiatan", req: req, twin: twin, want: page(owned(pastAuthz, rPegawai))})
	req, twin = pageReq("POST", "/kegiatan/ID/hapus", logActivity)
	add(azCase{route: "POST /siklus/:cycle/pegawai/:nip/kegiatan/:id/hapus", req: req, twin: twin,
		want: page(owned(ok(http.StatusSeeOther), rPegawai))})
	// Who sees the year reads the page; the stranger, asked, sees only the answer side of it.
	req, twin = pageReq("GET", "/umpan-balik-360", func(e *azEnv, r azRole) string {
		if r == rStranger {
			askStranger(e)
		}
		return ""
	})
	add(azCase{route: "GET /siklus/:cycle/pegawai/:nip/umpan-balik-360", req: req, twin: twin, want: page(func(r azRole) azWant {
		if r == rStranger {
			return ok(200)
		}
		return year(ok(200))(r)
	})})
	req, twin = pageReq("POST", "/umpan-balik-360/pemberi", nil)
	add(azCase{route: "POST /siklus/:cycle/pegawai/:nip/umpan-balik-360/pemberi", req: req, twin: twin,
		want: page(owned(pastAuthz, rPenilai, rPlt))})
	// Only someone asked answers (the stranger, who already has); to anyone else the year does not exist.
	req, twin = pageReq("POST", "/umpan-balik-360/jawab", func(e *azEnv, r azRole) string {
		if r == rStranger {
			askStranger(e)
		}
		return ""
	})
	add(azCase{route: "POST /siklus/:cycle/pegawai/:nip/umpan-balik-360/jawab", req: req, twin: twin, want: page(func(r azRole) azWant {
		switch r {
		case rAnon:
			return noIdentity
		case rStranger:
			return azWant{status: http.StatusConflict, stepRefusal: true}
		}
		return hidden
	})})
}

// evidenceRows are the evidence routes' rows of the authorisation table (api/authz_test.go).
func evidenceRows(add func(azCase), employee func(*azEnv, bool) string,
	yearReq func(string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq)) {
	write := func(method, suffix string, body any, prepare func(e *azEnv, r azRole) string) (func(*azEnv, azRole) azReq, func(*azEnv, azRole) azReq) {
		mk := func(missing bool) func(*azEnv, azRole) azReq {
			return func(e *azEnv, r azRole) azReq {
				sfx := suffix
				if prepare != nil {
					sfx += prepare(e, r)
				}
				return azReq{method: method, path: employee(e, missing) + sfx, body: body, role: r}
			}
		}
		return mk(false), mk(true)
	}
	for _, suffix := range []string{"/activities", "/activities/summary"} {
		req, twin := yearReq(suffix)
		add(azCase{route: "GET /api/cycles/:cycle/employees/:nip" + suffix, req: req, twin: twin, want: year(ok(200))})
	}
	// No SKP is approved in the table's year: the employee gets past authorisation to the 409.
	req, twin := write("POST", "/activities", map[string]any{"date": time.Now().Format(time.DateOnly), "rhk_seq": 0,
		"description": "Rapat koordinasi", "quantity": 1, "output": "notula"}, nil)
	add(azCase{route: "POST /api/cycles/:cycle/employees/:nip/activities", req: req, twin: twin, want: owned(pastAuthz, rPegawai)})
	// Each role deletes an entry of its own that exists.
	req, twin = write("DELETE", "/activities/", nil, logActivity)
	add(azCase{route: "DELETE /api/cycles/:cycle/employees/:nip/activities/:id", req: req, twin: twin, want: owned(ok(200), rPegawai)})
	req, twin = write("POST", "/feedback-360/raters", map[string]any{"nips": []string{azStranger}}, nil)
	add(azCase{route: "POST /api/cycles/:cycle/employees/:nip/feedback-360/raters", req: req, twin: twin,
		want: owned(ok(200), rPenilai, rPlt)})
	// Only someone asked answers (the stranger, asked here); to anyone else the year does not exist.
	answers := []map[string]string{}
	for _, v := range skp.BerAKHLAK {
		answers = append(answers, map[string]string{"value": v, "rating": "sesuai"})
	}
	req, twin = write("POST", "/feedback-360/answer", map[string]any{"answers": answers}, func(e *azEnv, r azRole) string {
		if r == rStranger {
			askStranger(e)
		}
		return ""
	})
	add(azCase{route: "POST /api/cycles/:cycle/employees/:nip/feedback-360/answer", req: req, twin: twin, want: func(r azRole) azWant {
		switch r {
		case rAnon:
			return noIdentity
		case rStranger:
			return ok(200)
		}
		return hidden
	}})
	surveyRows(add)
	req, twin = yearReq("/feedback-360")
	add(azCase{route: "GET /api/cycles/:cycle/employees/:nip/feedback-360", req: req, twin: twin, want: func(r azRole) azWant {
		w := year(ok(200))(r)
		if r == rPegawai {
			w.check = func(t *testing.T, _ *azEnv, res azResp) {
				if _, named := res.json(t)["requests"]; named {
					t.Errorf("the employee sees who was asked: %s", res.body)
				}
			}
		}
		return w
	}})
}

// surveyRows are the public survey's rows of the authorisation table.
func surveyRows(add func(azCase)) {
	add(azCase{route: "POST /api/survey-links", req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: "/api/survey-links", role: r, body: map[string]string{"unit_id": "bidang-a"}}
	}, want: gate(ok(201), rHRRegion, rHRScoped)})
	add(azCase{route: "GET /api/survey-results", req: func(_ *azEnv, r azRole) azReq {
		return azReq{method: "GET", path: "/api/survey-results?unit=bidang-a&year=" + fmt.Sprint(time.Now().Year()), role: r}
	}, want: gate(ok(200), rHRRegion, rHRScoped, rPenilai)})
	link := func(e *azEnv) string {
		var token string
		if err := e.pool.QueryRow(context.Background(), `SELECT token FROM survey_links ORDER BY created_at LIMIT 1`).Scan(&token); err != nil {
			e.t.Fatal(err)
		}
		return "/survei/" + token
	}
	add(azCase{route: "GET /survei/:token", req: func(e *azEnv, r azRole) azReq {
		return azReq{method: "GET", path: link(e), role: r}
	}, want: public(ok(200))})
	// Without the form's token every post is refused alike, whoever sends it.
	add(azCase{route: "POST /survei/:token", sameForAll: true, req: func(e *azEnv, r azRole) azReq {
		return azReq{method: "POST", path: link(e), role: r, form: url.Values{"kemudahan": {"5"}}}
	}})
}
