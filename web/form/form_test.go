package form

import (
	"net/url"
	"testing"
)

func values(op string, rows int, kv ...string) url.Values {
	v := url.Values{"op": {op}, "rows": {itoa(rows)}, "approach": {"kuantitatif"}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

func itoa(i int) string { return string(rune('0' + i)) }

func TestParseSKPKeepsWhatWasTyped(t *testing.T) {
	f, errs := ParseSKP(values("ajukan", 3,
		"items[0].kind", "utama", "items[0].rhk", "  Layanan  ", "items[0].target", "4",
		"items[2].kind", "tambahan", "items[2].iki", "Jumlah"))
	if len(errs) != 0 {
		t.Fatalf("errors: %v", errs)
	}
	// The empty middle row is dropped on submit; the others keep their values, trimmed.
	if len(f.Plan.Items) != 2 || f.Plan.Items[0].RHK != "Layanan" || f.Plan.Items[1].IKI != "Jumlah" || f.Plan.Items[1].Kind != "tambahan" {
		t.Errorf("items: %+v", f.Plan.Items)
	}
}

func TestParseSKPAddsAndRemovesRows(t *testing.T) {
	f, errs := ParseSKP(values("tambah", 1, "items[0].rhk", "A"))
	if len(errs) != 0 || len(f.Plan.Items) != 2 || f.Plan.Items[1].Kind != "utama" {
		t.Errorf("add: %v %+v", errs, f.Plan.Items)
	}
	f, errs = ParseSKP(values("hapus-0", 2, "items[0].rhk", "A", "items[1].rhk", "B"))
	if len(errs) != 0 || len(f.Plan.Items) != 1 || f.Plan.Items[0].RHK != "B" {
		t.Errorf("remove: %v %+v", errs, f.Plan.Items)
	}
}

func TestParseSKPRefusesBadShapes(t *testing.T) {
	for name, v := range map[string]url.Values{
		"rows not a number": {"op": {"ajukan"}, "rows": {"x"}},
		"too many rows":     {"op": {"ajukan"}, "rows": {"51"}},
		"remove missing":    values("hapus-5", 1),
	} {
		if _, errs := ParseSKP(v); errs["items"] == "" {
			t.Errorf("%s: no error on items: %v", name, errs)
		}
	}
	if _, errs := ParseSKP(values("hack", 0)); errs["op"] == "" {
		t.Errorf("unknown button: no error")
	}
}

func TestRealisasiKeepsItemNumbers(t *testing.T) {
	rows, seqs := Realisasi(url.Values{
		"items[0].realisasi": {" 4 modul "}, "items[2].evidence_url": {"https://arsip.contoh.go.id/x"},
	}, 3)
	if len(rows) != 2 || rows[0].Realisasi != "4 modul" || rows[1].Seq != 2 || seqs[1] != 2 {
		t.Errorf("rows %+v seqs %v", rows, seqs)
	}
}

func TestMomentWIB(t *testing.T) {
	at, ok := MomentWIB(url.Values{"at": {"2026-12-05T09:00"}}, "at")
	if !ok || at.UTC().Hour() != 2 || InputWIB(at) != "2026-12-05T09:00" {
		t.Errorf("moment %v %v", at, ok)
	}
	if _, ok := MomentWIB(url.Values{"at": {"besok pagi"}}, "at"); ok {
		t.Errorf("a non-date was read")
	}
}
