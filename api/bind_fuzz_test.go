package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// bindTarget is one request type the API decodes with bind.
type bindTarget struct {
	name  string
	fresh func() any
}

// stepUpdates lists every update name act accepts.
var stepUpdates = []string{
	workflows.UpdateSubmitPlan, workflows.UpdateApprovePlan, workflows.UpdateReturnPlan,
	workflows.UpdateReportRealisasi, workflows.UpdateGiveFeedback, workflows.UpdateRate,
	workflows.UpdateScheduleDialog, workflows.UpdateRecordDialog, workflows.UpdateAcknowledge,
	workflows.UpdateFileAppeal, workflows.UpdateDecideAppeal, workflows.UpdateConfirmFollowUp,
	workflows.UpdateReassign,
}

// bindTargets returns every type bind decodes into: each step input, then the HR requests.
// The fuzzer picks one by index, so the order is part of the seed corpus: append only.
func bindTargets() []bindTarget {
	var ts []bindTarget
	for _, u := range stepUpdates {
		ts = append(ts, bindTarget{u, func() any { in, _ := stepInput(u); return in }})
	}
	return append(ts,
		bindTarget{"createCycleRequest", func() any { return &createCycleRequest{} }},
		bindTarget{"enrolRequest", func() any { return &enrolRequest{} }},
		bindTarget{"moveDeadlineRequest", func() any { return &moveDeadlineRequest{} }},
		bindTarget{"store.OrgImport", func() any { return &store.OrgImport{} }},
		bindTarget{"createDelegationRequest", func() any { return &createDelegationRequest{} }},
		bindTarget{"launchRequest", func() any { return &launchRequest{} }},
	)
}

func TestBindTargetsCoverEveryStep(t *testing.T) {
	for _, bt := range bindTargets() {
		if bt.fresh() == nil {
			t.Errorf("%s: stepInput knows no input type", bt.name)
		}
	}
}

// bindPrefixes are how bind error messages start that name no field; the others name the
// field path first, then one of bindReasons. All are Bahasa Indonesia.
var (
	bindPrefixes = []string{"JSON tidak valid", "JSON terpotong", "isi permintaan", "waktu "}
	bindReasons  = []string{": kolom tidak dikenal", ": kolom disebut lebih dari sekali", ": kolom ini diisi oleh server",
		": tipe data salah", ": JSON terlalu dalam", ": mengandung karakter NUL", ": bukan teks UTF-8 yang valid", ": teks terlalu panjang", ": waktu harus antara tahun"}
)

func ourMessage(msg string) bool {
	if hasAnyPrefix(msg, bindPrefixes) {
		return true
	}
	for _, r := range bindReasons {
		if strings.Contains(msg, r) {
			return true
		}
	}
	return false
}

// padBody applies the fuzzer's padding choice: 1 fills the body with leading spaces up to exactly
// the limit (still accepted if the JSON is), 2 one byte over it (always 413). Anything else
// leaves the body alone, so big bodies stay rare and the fuzzer stays fast.
func padBody(body []byte, pad uint8) []byte {
	var size int
	switch pad {
	case 1:
		size = maxBody
	case 2:
		size = maxBody + 1
	default:
		return body
	}
	if len(body) >= size {
		return body
	}
	return append(bytes.Repeat([]byte(" "), size-len(body)), body...)
}

// FuzzBind feeds arbitrary bodies to the strict decoder, into each request type the API decodes.
// It never panics; it either answers a 4xx *apiError with an Indonesian message, or decodes a value
// that re-encodes to JSON the same strict decoder takes back unchanged. Over 1 MiB is always 413.
func FuzzBind(f *testing.F) {
	targets := bindTargets()
	index := func(name string) uint8 {
		for i, bt := range targets {
			if bt.name == name {
				return uint8(i)
			}
		}
		panic(name)
	}
	seeds := []struct {
		target string
		body   string
		pad    uint8
	}{
		{workflows.UpdateSubmitPlan, `{"request_id":"plan-1","plan":{"approach":"kuantitatif","items":[{"kind":"utama","rhk":"Tersedianya layanan","aspect":"kuantitas","iki":"Jumlah modul","target":"4","unit":"modul"}],"behaviours":[{"value":"akuntabel","expectation":"Melapor tiap bulan"}]}}`, 0},
		{workflows.UpdateApprovePlan, ``, 0},
		{workflows.UpdateApprovePlan, `null`, 0},
		{workflows.UpdateReportRealisasi, `{"period":"annual","items":[{"seq":0,"realisasi":"4 modul","evidence_url":"https://arsip.contoh.go.id/1"}]}`, 0},
		{workflows.UpdateRate, `{"rating_hasil":"dibawah","rating_perilaku":"sesuai"}`, 0},
		{workflows.UpdateScheduleDialog, `{"at":"2026-06-01T09:00:00+07:00","place":"Ruang Rapat"}`, 0},
		{workflows.UpdateScheduleDialog, `{"at":"10000-01-01T00:00:00Z"}`, 0},
		{workflows.UpdateDecideAppeal, `{"decision":"change","rating_hasil":"sesuai","rating_perilaku":"sesuai","notes":"Bukti sah"}`, 0},
		{workflows.UpdateConfirmFollowUp, `{"decision":"none","notes":"Sesuai usulan","actor":{"nip":"197001011995031001","hr":true}}`, 0},
		{workflows.UpdateFileAppeal, `{"reasons":"Target tercapai \u0000 \ud800 ✓ مرحبا 🙂"}`, 0},
		{workflows.UpdateGiveFeedback, `{"feedback":"a"} {"feedback":"b"}`, 0},
		{workflows.UpdateGiveFeedback, `{"feedback":"a"}x`, 0},
		{workflows.UpdateRecordDialog, `{"notes":"a","notes":"b","NOTES":"c"}`, 0},
		{workflows.UpdateReturnPlan, `{"notes":"perbaiki","surprise":1}`, 0},
		{workflows.UpdateAcknowledge, `[]`, 0},
		{"createCycleRequest", `{"year":2026,"name":"Siklus 2026","deadlines":{"plan_due":"2026-01-31T00:00:00Z"},"appeal_window":"2m"}`, 0},
		{"createCycleRequest", `{"year":1e400}`, 0},
		{"createCycleRequest", `{"year":99999999999999999999999}`, 0},
		{"createCycleRequest", `{"year":-0.5}`, 0},
		{"createCycleRequest", `{"year":2026,"year":"2027"}`, 0},
		{"enrolRequest", `{"nips":["199203152018011003"],"all":false}`, 0},
		{"enrolRequest", `{"nips":` + strings.Repeat("[", 20000) + strings.Repeat("]", 20000) + `}`, 0},
		{"enrolRequest", `{"all":true}`, 1},
		{"enrolRequest", `{"all":true}`, 2},
		{"moveDeadlineRequest", `{"at":"2026-03-01T00:00:00Z"}`, 0},
		{"moveDeadlineRequest", `{"at":"2026-13-01T00:00:00Z"}`, 0},
		{"store.OrgImport", `{"units":[{"id":"pemkab","name":"Pemerintah Kabupaten"}],"positions":[{"id":"kadis","name":"Kepala Dinas","jenis_jabatan":"jpt","kelas_jabatan":14,"tpp_basic":15000000}],"employees":[{"nip":"197001011995031001","name":"Hadi","email":"hadi@contoh.go.id","status":"PNS","unit_id":"pemkab","position_id":"kadis","is_hr":true}]}`, 0},
		{"store.OrgImport", `{"positions":[{"tpp_basic":9223372036854775808}]}`, 0},
		{"store.OrgImport", "\xef\xbb\xbf{}", 0},
	}
	for _, s := range seeds {
		f.Add(index(s.target), []byte(s.body), s.pad)
	}
	gin.SetMode(gin.ReleaseMode)
	f.Fuzz(func(t *testing.T, target uint8, body []byte, pad uint8) {
		bt := targets[int(target)%len(targets)]
		body = padBody(body, pad)
		w := httptest.NewRecorder()
		c, _ := gin.CreateTestContext(w)
		c.Request = httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
		v := bt.fresh()

		err := bind(c, v)

		if len(body) > maxBody {
			var ae *apiError
			if !errors.As(err, &ae) || ae.Status != http.StatusRequestEntityTooLarge {
				t.Fatalf("%s: a %d-byte body gave %v, want 413", bt.name, len(body), err)
			}
		}
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				t.Fatalf("%s: bind returned %T %v, want *apiError", bt.name, err, err)
			}
			if ae.Status < 400 || ae.Status > 499 || ae.Code == "" ||
				(ae.Status == http.StatusRequestEntityTooLarge) != (len(body) > maxBody) {
				t.Fatalf("%s: bind error %+v for %d bytes: want a 4xx status (413 only over 1 MiB) and a code", bt.name, ae, len(body))
			}
			if !ourMessage(ae.Message) {
				t.Fatalf("%s: bind error message %q is not one of ours", bt.name, ae.Message)
			}
			// fail turns it into the documented error body with the same status.
			fail(c, err)
			var out struct {
				Error struct{ Code, Message string } `json:"error"`
			}
			if w.Code != ae.Status || json.Unmarshal(w.Body.Bytes(), &out) != nil || out.Error.Message != ae.Message {
				t.Fatalf("%s: fail wrote %d %s for %+v", bt.name, w.Code, w.Body.Bytes(), ae)
			}
			return
		}

		// Accepted: the value re-encodes, and the strict decoder takes the encoding back unchanged.
		enc, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("%s: decoded value %+v does not re-encode: %v", bt.name, v, err)
		}
		again := bt.fresh()
		dec := json.NewDecoder(bytes.NewReader(enc))
		dec.DisallowUnknownFields()
		if err := dec.Decode(again); err != nil {
			t.Fatalf("%s: re-encoded %s is refused by the strict decoder: %v", bt.name, enc, err)
		}
		enc2, err := json.Marshal(again)
		if err != nil || !bytes.Equal(enc, enc2) {
			t.Fatalf("%s: round trip changed the value:\n%s\n%s (%v)", bt.name, enc, enc2, err)
		}
	})
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) && len(s) > len(p) {
			return true
		}
	}
	return false
}
