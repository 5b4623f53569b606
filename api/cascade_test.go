package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/workflows"
)

// untilStarted repeats a step while the year's workflow is still starting (a 409/404 of a year
// that is not running yet) and returns the first other answer.
func untilStarted(t *testing.T, e *azEnv, r azReq) azResp {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		res := e.do(r)
		if (res.status != 409 && res.status != 404) || time.Now().After(deadline) {
			return res
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// waitApproved waits until the projection holds nip's SKP as approved.
func waitApproved(t *testing.T, e *azEnv, nip string) {
	t.Helper()
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var n int
		if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM skp WHERE cycle_id = $1 AND nip = $2 AND status = 'approved'`,
			e.cycle, nip).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		if time.Now().After(end) {
			t.Fatalf("the approved SKP of %s never reached Postgres", nip)
		}
	}
}

func row(kind, parent, rhk string) map[string]string {
	return map[string]string{"kind": kind, "parent": parent, "rhk": rhk, "aspect": "kuantitas", "iki": "Jumlah " + rhk,
		"target": "12", "unit": "dokumen"}
}

func plan(rows ...map[string]string) map[string]any {
	return map[string]any{"plan": map[string]any{"approach": "kuantitatif", "items": rows}}
}

// refused checks a 422 naming the row's parent field with the message wanted.
func refused(t *testing.T, res azResp, field, msg string) {
	t.Helper()
	if res.status != 422 || fieldOf(t, res) != field || !strings.Contains(string(res.body), msg) {
		t.Errorf("got %d %s, want 422 on %s saying %q", res.status, res.body, field, msg)
	}
}

// TestCascade: the head of bidang-a (the pegawai's penilai) serves the unit's goals, since their
// own penilai is outside the cycle; the pegawai cannot submit before the head's SKP is approved,
// then picks the head's RHK from the list; a wrong pick is refused by row; the head sees the tree.
func TestCascade(t *testing.T) {
	e := newAzEnv(t)
	cy := e.cyclePath(false)
	pegawai, penilai := cy+"/employees/"+azPegawai, cy+"/employees/"+azPenilai

	// No source yet: the penilai is not in the cycle and the pegawai heads nothing: free text.
	p := e.must(azReq{method: "GET", path: pegawai + "/rhk-parents", role: rPegawai}, 200).json(t)
	if p["source"] != "tidak_ada" || len(p["candidates"].([]any)) != 0 {
		t.Fatalf("parents before the penilai is enrolled: %v", p)
	}
	// The penilai's own atasan (the head of the region) is outside the cycle.
	if _, err := e.pool.Exec(context.Background(), `WITH b AS (INSERT INTO employees (nip, name, email, status, unit_id, position_id)
		VALUES ('196501011990031001', 'Bupati', 'bupati@contoh.go.id', 'PNS', 'pemda', 'kadis') RETURNING nip)
		UPDATE employees SET superior_nip = (SELECT nip FROM b) WHERE nip = $1`, azAtasan); err != nil {
		t.Fatal(err)
	}
	res := e.must(azReq{method: "POST", path: cy + "/enrol", role: rHRRegion, body: map[string]any{"nips": []string{azPenilai}}}, 202)
	if b, items := e.waitBatch(rHRRegion, res); b["done"] != 1.0 {
		t.Fatalf("enrolment of the penilai: %v %v", b, items)
	}

	// The penilai's SKP is not approved: the pegawai may draft but not submit.
	p = e.must(azReq{method: "GET", path: pegawai + "/rhk-parents", role: rPegawai}, 200).json(t)
	if p["source"] != "skp_atasan_belum_disetujui" || p["penilai_name"] != "Sri" || !strings.Contains(p["note"].(string), "belum disetujui") {
		t.Fatalf("parents while the penilai's SKP is pending: %v", p)
	}
	refused(t, untilStarted(t, e, azReq{method: "POST", path: pegawai + "/" + workflows.UpdateSubmitPlan, role: rPegawai,
		body: plan(row("utama", "", "Laporan keuangan"))}), "items[0].parent", "baris 1: SKP atasan belum disetujui")

	// The head of bidang-a (the penilai) records the unit's goals; a stranger of the unit reads them, may not add.
	goals := cy + "/units/bidang-a/goals"
	refused(t, e.do(azReq{method: "POST", path: goals, role: rPenilai, body: map[string]any{"goal": "  "}}), "goal", "wajib diisi")
	e.must(azReq{method: "POST", path: goals, role: rStranger, body: map[string]any{"goal": "Sasaran lain"}}, 403)
	g1 := e.must(azReq{method: "POST", path: goals, role: rPenilai, body: map[string]any{"goal": "Meningkatnya akurasi data kepegawaian"}}, 201).json(t)
	e.must(azReq{method: "POST", path: goals, role: rHRScoped, body: map[string]any{"goal": "Tersedianya layanan kepegawaian digital"}}, 201)
	if list := e.must(azReq{method: "GET", path: goals, role: rStranger}, 200).json(t)["goals"].([]any); len(list) != 2 {
		t.Fatalf("goals: %v", list)
	}
	goalRef := fmt.Sprintf("goal:%d", int64(g1["id"].(float64)))

	// The penilai heads the unit and their penilai (the atasan) is outside the cycle: the unit's goals.
	p = e.must(azReq{method: "GET", path: penilai + "/rhk-parents", role: rPenilai}, 200).json(t)
	if c := p["candidates"].([]any); p["source"] != "sasaran_unit" || len(c) != 2 || c[0].(map[string]any)["ref"] != goalRef {
		t.Fatalf("the head's parents: %v", p)
	}
	submit := func(path string, r azRole, body map[string]any) azResp {
		return untilStarted(t, e, azReq{method: "POST", path: path + "/" + workflows.UpdateSubmitPlan, role: r, body: body})
	}
	refused(t, submit(penilai, rPenilai, plan(row("utama", "", "Data kepegawaian akurat"))), "items[0].parent", "baris 1: pilih sasaran unit")
	refused(t, submit(penilai, rPenilai, plan(row("utama", goalRef, "Data akurat"), row("utama", "goal:999999", "Layanan digital"))),
		"items[1].parent", "baris 2: sasaran unit tidak ditemukan")
	e.must(azReq{method: "POST", path: penilai + "/" + workflows.UpdateSubmitPlan, role: rPenilai, body: plan(
		row("utama", goalRef, "Tersusunnya data kepegawaian yang mutakhir"),
		row("utama", goalRef, "Terselesaikannya verifikasi usulan kenaikan pangkat"),
		row("tambahan", "", "Terlaksananya pendampingan magang"))}, 200)
	e.must(azReq{method: "POST", path: penilai + "/" + workflows.UpdateApprovePlan, role: rAtasan}, 200)
	waitApproved(t, e, azPenilai)

	// Now the pegawai lists the penilai's RHK and must pick one for each utama row.
	p = e.must(azReq{method: "GET", path: pegawai + "/rhk-parents", role: rPegawai}, 200).json(t)
	cands := p["candidates"].([]any)
	if p["source"] != "skp_atasan" || len(cands) != 3 || cands[1].(map[string]any)["text"] != "Terselesaikannya verifikasi usulan kenaikan pangkat" {
		t.Fatalf("the pegawai's parents: %v", p)
	}
	ref0, ref1 := cands[0].(map[string]any)["ref"].(string), cands[1].(map[string]any)["ref"].(string)
	var skpID int64
	if _, err := fmt.Sscanf(ref0, "rhk:%d:0", &skpID); err != nil {
		t.Fatalf("ref %q: %v", ref0, err)
	}
	refused(t, submit(pegawai, rPegawai, plan(row("utama", ref0, "Data A"), row("utama", "", "Data B"))),
		"items[1].parent", "baris 2: pilih RHK atasan")
	refused(t, submit(pegawai, rPegawai, plan(row("utama", ref0, "Data A"), row("utama", fmt.Sprintf("rhk:%d:7", skpID), "Data B"))),
		"items[1].parent", "baris 2: RHK atasan tidak ditemukan")
	refused(t, submit(pegawai, rPegawai, plan(row("utama", ref0, "Data A"), row("tambahan", goalRef, "Data B"))),
		"items[1].parent", "baris 2: RHK atasan tidak ditemukan") // a goal is not the penilai's RHK
	refused(t, submit(pegawai, rPegawai, plan(row("utama", "rhk:x", "Data A"))), "items[0].parent", "tidak terbaca")
	e.must(azReq{method: "POST", path: pegawai + "/" + workflows.UpdateSubmitPlan, role: rPegawai, body: plan(
		row("utama", ref1, "Terverifikasinya berkas kenaikan pangkat"),
		row("utama", ref0, "Termutakhirkannya data pegawai bidang A"),
		row("tambahan", "", "Terdokumentasinya rapat"))}, 200)

	// Stored with the parent pinned, and the parent's text as the row's "RHK atasan".
	for end := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		var parentSKP, parentSeq *int64
		var superior string
		err := e.pool.QueryRow(context.Background(), `SELECT i.parent_skp_id, i.parent_seq, i.superior_rhk FROM skp_items i
			JOIN skp s ON s.id = i.skp_id WHERE s.cycle_id = $1 AND s.nip = $2 AND i.seq = 0`, e.cycle, azPegawai).Scan(&parentSKP, &parentSeq, &superior)
		if err == nil {
			if parentSKP == nil || *parentSKP != skpID || *parentSeq != 1 || superior != "Terselesaikannya verifikasi usulan kenaikan pangkat" {
				t.Fatalf("stored parent: %v %v %q", parentSKP, parentSeq, superior)
			}
			break
		}
		if time.Now().After(end) {
			t.Fatalf("the submitted SKP never reached Postgres: %v", err)
		}
	}
	y := e.must(azReq{method: "GET", path: pegawai, role: rPenilai}, 200).json(t)["year"].(map[string]any)
	if it := y["plan"].(map[string]any)["items"].([]any)[1].(map[string]any); it["parent"] != ref0 {
		t.Errorf("the year's plan row 2: %v", it)
	}

	// The penilai's tree: own RHK → the pegawai's rows serving them; nobody left unlinked.
	tree := e.must(azReq{method: "GET", path: penilai + "/rhk-cascade", role: rPenilai}, 200).json(t)
	items := tree["items"].([]any)
	kids := func(i int) []any { return items[i].(map[string]any)["children"].([]any) }
	if len(items) != 3 || len(kids(0)) != 1 || len(kids(1)) != 1 || len(kids(2)) != 0 ||
		kids(1)[0].(map[string]any)["rhk"] != "Terverifikasinya berkas kenaikan pangkat" || kids(1)[0].(map[string]any)["name"] != "Budi" ||
		len(tree["unlinked"].([]any)) != 0 {
		t.Errorf("cascade: %v", tree)
	}
	// The atasan sees it too (the penilai's year is theirs to see); a stranger sees no such year.
	e.must(azReq{method: "GET", path: penilai + "/rhk-cascade", role: rAtasan}, 200)
	e.must(azReq{method: "GET", path: penilai + "/rhk-cascade", role: rStranger}, 404)
}
