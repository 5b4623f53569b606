package api_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// orgUpload is a multipart body with the mode field and the file.
func orgUpload(filename, mode, content string) ([]byte, string) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	if mode != "" {
		_ = w.WriteField("mode", mode)
	}
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	return b.Bytes(), w.FormDataContentType()
}

const azFileHeader = "NIP,NAMA,EMAIL,STATUS,UNOR_ID,UNOR_NAMA,UNOR_INDUK_ID,JABATAN_ID,JABATAN_NAMA,JENIS_JABATAN,KELAS_JABATAN,NIP_ATASAN,TPP_BASIC\n"

func errorMessage(t *testing.T, res azResp) string {
	t.Helper()
	e, _ := res.json(t)["error"].(map[string]any)
	msg, _ := e["message"].(string)
	return msg
}

// TestOrgFileUpload: the upload route over HTTP: bad requests are named, a file with a bad row
// applies nothing and lists it (422), a good one applies (CSV and XLSX) and re-applies unchanged.
func TestOrgFileUpload(t *testing.T) {
	e := newAzServer(t, nil)
	send := func(filename, mode, content string, want int) azResp {
		t.Helper()
		body, ct := orgUpload(filename, mode, content)
		return e.must(azReq{method: "POST", path: "/api/org/import/file", role: rHRRegion, raw: body, rawType: ct}, want)
	}
	good := azFileHeader + "199901012020011001,Nia Ramadhani,nia@contoh.go.id,PPPK,bidang-b,Bidang B,dinas-x,staf-b,Penata Layanan,pelaksana,6," +
		azAtasan + ",Rp 3.500.000\n"
	for _, tc := range []struct {
		name, filename, mode, content string
		status                        int
		want                          string
	}{
		{"no mode", "org.csv", "", good, 400, "mode: harus dry_run"},
		{"a PDF", "org.pdf", "dry_run", good, 400, "file: berkas \"org.pdf\": jenis berkas harus .csv atau .xlsx"},
		{"not a workbook", "org.xlsx", "dry_run", good, 400, "file: berkas bukan XLSX"},
		{"a bare quote", "org.csv", "dry_run", azFileHeader + "1\"2,a\n", 400, "file: baris 2: CSV tidak terbaca"},
	} {
		if msg := errorMessage(t, send(tc.filename, tc.mode, tc.content, tc.status)); !strings.HasPrefix(msg, tc.want) {
			t.Errorf("%s: %q, want %q...", tc.name, msg, tc.want)
		}
	}
	res := e.must(azReq{method: "POST", path: "/api/org/import/file", role: rHRRegion, body: map[string]any{}}, 400)
	if msg := errorMessage(t, res); !strings.HasPrefix(msg, "kirim berkas sebagai multipart/form-data") {
		t.Errorf("JSON body: %q", msg)
	}

	// A bad row: 422, the row listed, nothing saved.
	bad := good + "199901012020011002,Tanpa Atasan,ta@contoh.go.id,PNS,bidang-b,,,staf-b,,,,199901012020019999,\n"
	res = send("org.csv", "apply", bad, 422)
	m := res.json(t)
	result := m["result"].(map[string]any)
	errs := result["errors"].([]any)
	if result["error_count"] != 1.0 || len(errs) != 1 || !strings.Contains(errorMessage(t, res), "1 masalah") {
		t.Fatalf("bad row: %s", res.body)
	}
	if row := errs[0].(map[string]any); row["row"] != 3.0 || row["field"] != "NIP_ATASAN" ||
		!strings.HasPrefix(row["message"].(string), "atasan 199901012020019999 tidak ditemukan") {
		t.Errorf("bad row listed as %v", row)
	}
	var n int
	if err := e.pool.QueryRow(context.Background(), `SELECT count(*) FROM org_units WHERE id = 'bidang-b'`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("the rejected file saved its unit: %d %v", n, err)
	}

	// Good: the dry run counts, the apply saves, the same file as a workbook changes nothing.
	if r := send("org.csv", "dry_run", good, 200).json(t); r["applied"] != false || fmt.Sprint(r["employees"]) != "map[added:1 changed:0 unchanged:0]" {
		t.Errorf("dry run: %v", r)
	}
	if r := send("org.csv", "apply", good, 200).json(t); r["applied"] != true || fmt.Sprint(r["units"]) != "map[added:1 changed:0 unchanged:0]" {
		t.Errorf("apply: %v", r)
	}
	path := filepath.Join(t.TempDir(), "org.xlsx")
	x := excelize.NewFile()
	for i, line := range strings.Split(strings.TrimSpace(good), "\n") {
		for j, cell := range strings.Split(line, ",") {
			name, _ := excelize.CoordinatesToCellName(j+1, i+1)
			_ = x.SetCellStr("Sheet1", name, cell)
		}
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
	raw, _ := os.ReadFile(path)
	if r := send("org.xlsx", "apply", string(raw), 200).json(t); r["applied"] != true || fmt.Sprint(r["employees"]) != "map[added:0 changed:0 unchanged:1]" {
		t.Errorf("re-apply as XLSX: %v", r)
	}
	var tppBasic int64
	if err := e.pool.QueryRow(context.Background(), `SELECT tpp_basic FROM positions WHERE id = 'staf-b'`).Scan(&tppBasic); err != nil || tppBasic != 3_500_000 {
		t.Errorf("TPP of staf-b: %d %v", tppBasic, err)
	}
}

// TestOrgFileTooLarge: a file over 50 MiB is refused with 413 and a message saying what to do,
// whether the request says its length up front or not.
func TestOrgFileTooLarge(t *testing.T) {
	e := newAzServer(t, nil)
	row := "199901012020011001,Nia Ramadhani,nia@contoh.go.id,PPPK,bidang-a,,,staf,,,," + azAtasan + ",\n"
	big := azFileHeader + strings.Repeat(row, (50<<20)/len(row)+1)
	body, ct := orgUpload("org.csv", "dry_run", big)
	for _, chunked := range []bool{false, true} {
		req := httptest.NewRequest("POST", "/api/org/import/file", bytes.NewReader(body))
		if chunked {
			req.ContentLength = -1 // the length is not known before the body ends
		}
		req.Header.Set("Content-Type", ct)
		req.Header.Set("X-Dev-NIP", azHRRegion)
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, req)
		res := azResp{status: w.Code, body: w.Body.Bytes()}
		if res.status != http.StatusRequestEntityTooLarge || !strings.HasPrefix(errorMessage(t, res), "berkas melebihi 50 MiB") {
			t.Errorf("chunked=%v: %d %.300s", chunked, res.status, res.body)
		}
	}
}
