package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/store"
)

var stagedToken = regexp.MustCompile(`name="token" value="([0-9a-f]{32})"`)

// TestOrgImportAppliesOnAnotherInstance: "Periksa" on one API instance and "Terapkan" on another
// that shares only the database (as behind a load balancer) saves exactly the file checked; a
// token is spent once, a file whose stored content changed or whose check is over an hour old is
// refused with the reason and saves nothing, and files nobody applied are swept.
func TestOrgImportAppliesOnAnotherInstance(t *testing.T) {
	e := startWorld(t)
	ctx := context.Background()
	pool, err := store.Open(ctx, e.p.Pool.Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	other := httptest.NewServer((&api.Server{Store: &store.Store{Pool: pool}, Temporal: e.p.Temporal, SecureCookies: true,
		PublicURL: "http://kinerja.contoh.go.id"}).Handler())
	t.Cleanup(other.Close)
	hc, csrf := e.session(nipHR)
	count := func(sql string) int {
		var n int
		e.row(sql, &n)
		return n
	}
	check := func() string {
		t.Helper()
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		_ = mw.WriteField("csrf_token", csrf)
		fw, _ := mw.CreateFormFile("file", "organisasi.csv")
		_, _ = io.WriteString(fw, orgFile(nipKaban))
		_ = mw.Close()
		res, err := hc.Post(e.base+"/organisasi/impor", mw.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := stagedToken.FindSubmatch(page)
		if res.StatusCode != http.StatusOK || m == nil {
			t.Fatalf("check: %d, no token in %s", res.StatusCode, page)
		}
		return string(m[1])
	}
	apply := func(base, token string, want int, says string) {
		t.Helper()
		res, err := hc.PostForm(base+"/organisasi/impor/terapkan", url.Values{"csrf_token": {csrf}, "token": {token}})
		if err != nil {
			t.Fatal(err)
		}
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != want || !strings.Contains(string(page), says) {
			t.Errorf("apply on %s: %d, want %d saying %q: %s", base, res.StatusCode, want, says, page)
		}
	}
	before := count(`SELECT count(*) FROM employees`)

	// A file whose content changed in the database since its check saves nothing.
	token := check()
	if n := count(`SELECT count(*) FROM org_file_staged s JOIN org_file_staged_chunks c USING (token_hash)`); n != 1 {
		t.Fatalf("a checked file is kept as %d chunks, want 1", n)
	}
	if _, err := e.p.Pool.Exec(ctx, `UPDATE org_file_staged_chunks SET data = convert_to(replace(convert_from(data, 'UTF8'), 'Lina', 'Lena'), 'UTF8')`); err != nil {
		t.Fatal(err)
	}
	apply(other.URL, token, http.StatusUnprocessableEntity, "telah berubah sejak diperiksa")
	// A check over an hour old saves nothing either.
	token = check()
	if _, err := e.p.Pool.Exec(ctx, `UPDATE org_file_staged SET checked_at = checked_at - interval '61 minutes'`); err != nil {
		t.Fatal(err)
	}
	apply(other.URL, token, http.StatusUnprocessableEntity, "sudah kedaluwarsa")
	if n := count(`SELECT count(*) FROM employees`); n != before || count(`SELECT count(*) FROM org_file_staged`) != 0 {
		t.Errorf("refused applies saved %d employees (had %d) or left files kept", n, before)
	}

	// Checked here, applied there.
	token = check()
	apply(other.URL, token, http.StatusOK, `id="hasil-terapkan"`)
	var lina, linaSup string
	e.row(`SELECT name, superior_nip FROM employees WHERE nip = '`+nipLina+`'`, &lina, &linaSup)
	if n := count(`SELECT count(*) FROM employees`); n != before+3 || lina != "Lina Marlina" || linaSup != nipKaban {
		t.Errorf("after the apply on the other instance: %d employees (had %d), Lina %q under %q", n, before, lina, linaSup)
	}
	if n := count(`SELECT count(*) FROM org_file_staged_chunks`); n != 0 {
		t.Errorf("an applied file leaves %d chunks", n)
	}
	// The token is spent on every instance.
	apply(e.base, token, http.StatusUnprocessableEntity, "tidak ditemukan atau sudah kedaluwarsa")

	// A file nobody applied is swept by the next check after an hour.
	check()
	if _, err := e.p.Pool.Exec(ctx, `UPDATE org_file_staged SET checked_at = checked_at - interval '2 hours'`); err != nil {
		t.Fatal(err)
	}
	fresh := check()
	var kept []byte
	e.row(`SELECT token_hash FROM org_file_staged`, &kept)
	if n := count(`SELECT count(*) FROM org_file_staged`); n != 1 || count(`SELECT count(*) FROM org_file_staged_chunks`) != 1 {
		t.Errorf("after the sweep %d files are kept, want only the fresh one (%s)", n, fresh)
	}
}
