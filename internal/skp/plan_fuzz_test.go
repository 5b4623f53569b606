package skp

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// fieldExists reports whether a FieldError path such as "items[3].kind" names a field of v's JSON
// shape, with every index inside the slice it indexes.
func fieldExists(v any, path string) bool {
	rv := reflect.ValueOf(v)
	for _, part := range strings.Split(path, ".") {
		name, idx, indexed := strings.Cut(part, "[")
		if rv.Kind() != reflect.Struct {
			return false
		}
		found := false
		for i := 0; i < rv.NumField(); i++ {
			if tag, _, _ := strings.Cut(rv.Type().Field(i).Tag.Get("json"), ","); tag == name {
				rv, found = rv.Field(i), true
				break
			}
		}
		if !found {
			return false
		}
		if indexed {
			n, err := strconv.Atoi(strings.TrimSuffix(idx, "]"))
			if err != nil || !strings.HasSuffix(idx, "]") || rv.Kind() != reflect.Slice || n < 0 || n >= rv.Len() {
				return false
			}
			rv = rv.Index(n)
		}
	}
	return true
}

// checkFieldError fails unless err is a FieldError naming a field of shape, with a message.
func checkFieldError(t *testing.T, err error, shape any) {
	t.Helper()
	var fe FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %T %v is not a FieldError", err, err)
	}
	if !fieldExists(shape, fe.Field) || strings.TrimSpace(fe.Message) == "" {
		t.Fatalf("FieldError %+v: want a field of the JSON shape %T and a message", fe, shape)
	}
}

var planSeeds = []string{
	`{"approach":"kuantitatif","items":[{"kind":"utama","rhk":"Tersedianya layanan aplikasi","aspect":"kuantitas","iki":"Jumlah modul","target":"4","unit":"modul"},
	  {"kind":"tambahan","superior_rhk":"Meningkatnya layanan digital","rhk":"Pendampingan OPD","aspect":"kualitas","iki":"Persentase OPD","target":"90","unit":"persen"}],
	  "behaviours":[{"value":"akuntabel","expectation":"Melapor tiap bulan"},{"value":"kolaboratif","expectation":"Membantu tim"}]}`,
	`{"approach":"kualitatif","items":[{"kind":"utama","rhk":"Kebijakan","aspect":"waktu","iki":"Tepat waktu","target":"12","unit":"bulan"}],"behaviours":null}`,
	`{"approach":"kuantitatif","items":[]}`,
	`{"approach":"kuantitatif","items":[{"kind":"tambahan","rhk":"x","aspect":"biaya","iki":"y","target":"1","unit":"rp"}]}`,
	`{"approach":"kuantitatif","items":[{"kind":"utama","rhk":" \t","aspect":"kuantitas","iki":"y","target":"1","unit":"u"}]}`,
	`{"approach":"kuantitatif","items":[{"kind":"utama","rhk":"x","aspect":"kuantitas","iki":"y","target":"1","unit":"u"}],
	  "behaviours":[{"value":"akuntabel"},{"value":"akuntabel"},{"value":"Akuntabel"}]}`,
	`{"approach":"kuantitatif","approach":"KUANTITATIF","items":[{"kind":"utama","rhk":"🙂\u0000\ud800","aspect":"kuantitas","iki":"ن","target":"1e400","unit":"%"}]}`,
	`{"approach":"kuantitatif","items":[{"kind":"utama","rhk":"` + strings.Repeat("é", 1001) + `","aspect":"kuantitas","iki":"y","target":"1","unit":"u"}]}`,
	`{"approach":"kuantitatif","items":[` + strings.Repeat(`{"kind":"utama","rhk":"x","aspect":"kuantitas","iki":"y","target":"1","unit":"u"},`, 50) + `{}]}`,
	`{"items":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`,
}

// FuzzPlanValidate checks SKP validation on plans decoded from arbitrary JSON: it never panics,
// decides the same way twice (the workflow runs it), and names a field of the plan's JSON.
func FuzzPlanValidate(f *testing.F) {
	for _, s := range planSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Plan
		if json.Unmarshal(data, &p) != nil {
			return
		}
		err := p.Validate()
		if again := p.Validate(); !reflect.DeepEqual(err, again) {
			t.Fatalf("Validate is not deterministic: %v then %v", err, again)
		}
		if err != nil {
			checkFieldError(t, err, p)
			return
		}
		utama := 0
		for _, it := range p.Items {
			if it.Kind == "utama" {
				utama++
			}
			for _, v := range []string{it.RHK, it.IKI, it.Target, it.Unit} {
				if strings.TrimSpace(v) == "" || len(v) > 2000 {
					t.Fatalf("item %+v passed", it)
				}
			}
		}
		if (p.Approach != "kuantitatif" && p.Approach != "kualitatif") || len(p.Items) > 50 || utama == 0 {
			t.Fatalf("plan %+v passed", p)
		}
		seen := map[string]bool{}
		for _, b := range p.Behaviours {
			if !isValue(b.Value) || seen[b.Value] {
				t.Fatalf("behaviours %+v passed", p.Behaviours)
			}
			seen[b.Value] = true
		}
	})
}

// realisasiReport is the JSON shape of a report-realisasi body that ValidateRealisasi's field
// names refer to.
type realisasiReport struct {
	Items []Realisasi `json:"items"`
}

// FuzzValidateRealisasi checks realisasi reports decoded from arbitrary JSON against plans decoded
// from arbitrary JSON: it never panics, and names a field of the report's JSON.
func FuzzValidateRealisasi(f *testing.F) {
	for _, s := range []struct{ plan, report string }{
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":"4 modul dirilis","evidence_url":"https://arsip.contoh.go.id/rilis-4"},{"seq":1,"realisasi":"85 persen"}]}`},
		{planSeeds[0], `{"items":[]}`},
		{planSeeds[0], `{"items":[{"seq":2,"realisasi":"x"}]}`},
		{planSeeds[0], `{"items":[{"seq":-1,"realisasi":"x"}]}`},
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":"x"},{"seq":0,"realisasi":"y"}]}`},
		{planSeeds[0], `{"items":[{"seq":9223372036854775807,"realisasi":"x"}]}`},
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":" "}]}`},
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":"x","evidence_url":"javascript:alert(1)"}]}`},
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":"x","evidence_url":"http://[::1"}]}`},
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":"x","evidence_url":"https:///path"}]}`},
		{planSeeds[0], `{"items":[{"seq":0,"realisasi":"\ud83d\ude42 selesai","evidence_url":"https://xn--80ak6aa92e.com/%zz"}]}`},
		{`{}`, `{"items":[{"seq":0,"realisasi":"x"}]}`},
	} {
		f.Add([]byte(s.plan), []byte(s.report))
	}
	f.Fuzz(func(t *testing.T, planJSON, reportJSON []byte) {
		var p Plan
		var r realisasiReport
		if json.Unmarshal(planJSON, &p) != nil || json.Unmarshal(reportJSON, &r) != nil {
			return
		}
		err := ValidateRealisasi(p, r.Items)
		if again := ValidateRealisasi(p, r.Items); !reflect.DeepEqual(err, again) {
			t.Fatalf("ValidateRealisasi is not deterministic: %v then %v", err, again)
		}
		if err != nil {
			checkFieldError(t, err, r)
			return
		}
		seen := map[int]bool{}
		for _, row := range r.Items {
			if row.Seq < 0 || row.Seq >= len(p.Items) || seen[row.Seq] || strings.TrimSpace(row.Realisasi) == "" {
				t.Fatalf("report %+v passed against %d items", r.Items, len(p.Items))
			}
			seen[row.Seq] = true
			if row.EvidenceURL != "" {
				if u, err := url.Parse(row.EvidenceURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
					t.Fatalf("evidence %q passed", row.EvidenceURL)
				}
			}
		}
		if len(r.Items) == 0 {
			t.Fatal("an empty report passed")
		}
	})
}
