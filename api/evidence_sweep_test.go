package api_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/workflows"
)

// Uploaded bukti dukung no report links (the realisasi it came with was refused and never sent
// again) are removed, row and bytes, once older than api.EvidenceGrace; a linked file, a recent
// one and a file not named as an upload stay. Bytes a crash left without a row go too.
func TestUnlinkedEvidenceIsSwept(t *testing.T) {
	e := newAzEnv(t)
	ctx := context.Background()
	approvePlan(t, e)
	year := e.cyclePath(false) + "/employees/" + azPegawai
	upload := func(body string) (link, id string) {
		t.Helper()
		link, _ = e.must(azReq{method: "POST", path: year + "/evidence", role: rPegawai, file: []byte("%PDF-1.4 " + body)}, 201).json(t)["url"].(string)
		_, id, _ = strings.Cut(link, "/bukti/")
		if len(id) != 32 {
			t.Fatalf("upload answered %q", link)
		}
		return link, id
	}
	t0 := e.now

	// Linked: logged as the evidence of an activity.
	linkA, a := upload("laporan maret")
	e.must(azReq{method: "POST", path: year + "/activities", role: rPegawai, body: map[string]any{
		"date": fmt.Sprintf("%d-03-10", time.Now().Year()), "rhk_seq": 0, "description": "Menyusun laporan realisasi anggaran",
		"quantity": 1, "output": "dokumen", "evidence_url": linkA}}, 201)
	// Uploaded with a realisasi that is refused: linked to nothing.
	linkB, b := upload("realisasi ditolak")
	refused := e.do(azReq{method: "POST", path: year + "/" + workflows.UpdateReportRealisasi, role: rPegawai, body: map[string]any{
		"period": "annual", "items": []map[string]any{{"seq": 0, "realisasi": "", "evidence_url": linkB}}}})
	if refused.status < 400 || refused.status >= 500 {
		t.Fatalf("the realisasi was not refused: %d %s", refused.status, refused.body)
	}
	// Recent: uploaded within the grace before the sweep.
	e.now = t0.Add(2 * time.Hour)
	_, d := upload("baru saja")
	// Bytes a crash left without a row, and a file that is not an upload.
	c := strings.Repeat("c", 32)
	for _, name := range []string{c, "catatan.txt"} {
		path := filepath.Join(e.evidence, name)
		if err := os.WriteFile(path, []byte("sisa"), 0o600); err != nil {
			t.Fatal(err)
		}
		old := time.Now().Add(-48 * time.Hour)
		if err := os.Chtimes(path, old, old); err != nil {
			t.Fatal(err)
		}
	}

	sweeper := &api.Server{Store: e.st, EvidenceDir: e.evidence, Now: func() time.Time { return t0.Add(api.EvidenceGrace + time.Hour) }}
	if n, err := sweeper.SweepEvidence(ctx, api.EvidenceGrace); err != nil || n != 2 {
		t.Fatalf("sweep removed %d files (%v), want 2: the refused report's and the one without a row", n, err)
	}
	for name, want := range map[string]bool{a: true, b: false, c: false, d: true, "catatan.txt": true} {
		_, err := os.Stat(filepath.Join(e.evidence, name))
		if exists := err == nil; exists != want {
			t.Errorf("file %s on disk: %v, want %v (%v)", name, exists, want, err)
		}
	}
	for id, want := range map[string]int{a: 1, b: 0, d: 1} {
		var n int
		if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM evidence_files WHERE id = $1`, id).Scan(&n); err != nil || n != want {
			t.Errorf("evidence_files rows of %s: %d (%v), want %d", id, n, err, want)
		}
	}
	if got := e.must(azReq{method: "GET", path: year + "/evidence/" + a, role: rPegawai}, 200); string(got.body) != "%PDF-1.4 laporan maret" {
		t.Errorf("the linked file reads %q", got.body)
	}
	e.must(azReq{method: "GET", path: year + "/evidence/" + b, role: rPegawai}, 404)
	if n, err := sweeper.SweepEvidence(ctx, api.EvidenceGrace); err != nil || n != 0 {
		t.Errorf("a second sweep removed %d (%v), want nothing", n, err)
	}
	// Before the first upload there is no directory: nothing to sweep, and no error either.
	fresh := &api.Server{Store: e.st, EvidenceDir: filepath.Join(t.TempDir(), "bukti"), Now: sweeper.Now}
	if n, err := fresh.SweepEvidence(ctx, api.EvidenceGrace); err != nil || n != 0 {
		t.Errorf("a sweep before any upload: removed %d, %v", n, err)
	}
}
