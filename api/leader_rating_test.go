package api_test

import (
	"context"
	"strings"
	"testing"
)

// TestUnitHeadRatingFollowsOrgPredikat: the penilai heads bidang-a. Once bidang-a's own predikat is
// set (Istimewa), their annual rating hasil kerja is that achievement (Di Atas Ekspektasi): any
// other is refused naming rating_hasil, before the workflow is asked; the right one reaches the
// workflow (which answers, the year not being in its evaluation yet). The pegawai, who heads
// nothing, is rated as the penilai chooses.
func TestUnitHeadRatingFollowsOrgPredikat(t *testing.T) {
	e := newAzEnv(t)
	// The head's penilai (the atasan, head of dinas-x) needs a superior of their own, who would
	// decide a keberatan, for the head's year to be enrolled: region-wide HR here.
	if _, err := e.pool.Exec(context.Background(), `UPDATE employees SET superior_nip = $1 WHERE nip = $2`, azHRRegion, azAtasan); err != nil {
		t.Fatal(err)
	}
	res := e.must(azReq{method: "POST", path: e.cyclePath(false) + "/enrol", role: rHRRegion, body: map[string]any{"nips": []string{azPenilai}}}, 202)
	if b, items := e.waitBatch(rHRRegion, res); b["done"] != 1.0 {
		t.Fatalf("enrolment of the head of bidang-a: %v %v", b, items)
	}
	head := e.cyclePath(false) + "/employees/" + azPenilai
	rate := func(hasil string) map[string]any {
		return map[string]any{"rating_hasil": hasil, "rating_perilaku": "sesuai"}
	}
	// No organisation predikat yet: the workflow answers (not in evaluation), nothing refuses first.
	if got := e.do(azReq{method: "POST", path: head + "/rate", role: rAtasan, body: rate("sesuai")}); got.status != 409 {
		t.Fatalf("rating a head before the unit's predikat: %d %s", got.status, got.body)
	}
	e.must(azReq{method: "PUT", path: e.cyclePath(false) + "/units/bidang-a/org-predikat", role: rHRRegion,
		body: map[string]any{"predikat": "istimewa"}}, 200)
	got := e.must(azReq{method: "POST", path: head + "/rate", role: rAtasan, body: rate("sesuai")}, 422).json(t)
	ae := got["error"].(map[string]any)
	if ae["field"] != "rating_hasil" || !strings.Contains(ae["message"].(string), "Istimewa") ||
		!strings.Contains(ae["message"].(string), "Di Atas Ekspektasi") {
		t.Errorf("a head rated against the unit's predikat: %v", ae)
	}
	if got := e.do(azReq{method: "POST", path: head + "/rate", role: rAtasan, body: rate("diatas")}); got.status != 409 || got.code() != "wrong_phase" {
		t.Errorf("the unit's rating did not reach the workflow: %d %s", got.status, got.body)
	}
	pegawai := e.cyclePath(false) + "/employees/" + azPegawai
	if got := e.do(azReq{method: "POST", path: pegawai + "/rate", role: rPenilai, body: rate("sesuai")}); got.status != 409 {
		t.Errorf("rating someone who heads nothing: %d %s", got.status, got.body)
	}
	// The rating page says so (and, once the rating is open, offers that rating).
	page := string(e.must(azReq{method: "GET", path: pagePath(head) + "/penilaian", role: rAtasan}, 200).body)
	if !strings.Contains(page, `id="rating-pimpinan"`) || !strings.Contains(page, "Predikat kinerja organisasinya Istimewa") ||
		!strings.Contains(page, "yaitu Di Atas Ekspektasi") {
		t.Errorf("the rating page of a head does not say the unit's predikat sets the rating:\n%s", page)
	}
}
