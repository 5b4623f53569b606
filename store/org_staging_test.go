package store_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// TestStagedOrgFileRoundTrip: a file over several chunks comes back byte for byte with the hash
// and size of what was stored; it is claimed once, and dropped or swept with its chunks.
func TestStagedOrgFileRoundTrip(t *testing.T) {
	ctx := context.Background()
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	content := make([]byte, 2<<20+12345) // two full chunks and a part
	_, _ = rand.Read(content)
	sum := sha256.Sum256(content)
	checked := time.Now().UTC().Truncate(time.Microsecond)
	key := []byte("kunci-berkas-satu")
	f, err := st.StageOrgFile(ctx, store.StagedOrgFile{TokenHash: key, NIP: "199001012020011001", FileName: "organisasi.csv",
		CheckedAt: checked}, bytes.NewReader(content))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(f.SHA256, sum[:]) || f.Size != int64(len(content)) {
		t.Errorf("stored: size %d hash %x, want %d %x", f.Size, f.SHA256, len(content), sum)
	}
	var chunks int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM org_file_staged_chunks WHERE token_hash = $1`, key).Scan(&chunks); err != nil || chunks != 3 {
		t.Errorf("%d chunks (%v), want 3", chunks, err)
	}
	got, err := st.ClaimStagedOrgFile(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if got.NIP != f.NIP || got.FileName != f.FileName || !got.CheckedAt.Equal(checked) || !bytes.Equal(got.SHA256, sum[:]) || got.Size != f.Size {
		t.Errorf("claimed %+v, want %+v", got, f)
	}
	back, err := io.ReadAll(st.StagedOrgFileContent(ctx, key))
	if err != nil || !bytes.Equal(back, content) {
		t.Errorf("read back %d bytes (%v), want the %d stored", len(back), err, len(content))
	}
	if _, err := st.ClaimStagedOrgFile(ctx, key); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a second claim: %v, want ErrNotFound", err)
	}
	if err := st.DropStagedOrgFile(ctx, key); err != nil {
		t.Fatal(err)
	}
	// An old file goes with the sweep, a fresh one stays.
	for i, at := range []time.Time{checked.Add(-2 * time.Hour), checked} {
		if _, err := st.StageOrgFile(ctx, store.StagedOrgFile{TokenHash: []byte{byte(i)}, NIP: "199001012020011001", FileName: "a.csv",
			CheckedAt: at}, bytes.NewReader([]byte("NIP\n"))); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SweepStagedOrgFiles(ctx, checked.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	var files, left int
	if err := pool.QueryRow(ctx, `SELECT (SELECT count(*) FROM org_file_staged), (SELECT count(*) FROM org_file_staged_chunks)`).Scan(&files, &left); err != nil {
		t.Fatal(err)
	}
	if files != 1 || left != 1 {
		t.Errorf("after drop and sweep: %d files, %d chunks; want the fresh one", files, left)
	}
}
