package platform_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"testing"

	"github.com/kinerja/platform/internal/platform"
)

// upload sends an organisation file as HR and decodes the answer, failing unless it has status want.
func (e *e2e) upload(mode, filename, content string, want int) map[string]any {
	e.t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	_ = w.WriteField("mode", mode)
	fw, _ := w.CreateFormFile("file", filename)
	_, _ = fw.Write([]byte(content))
	_ = w.Close()
	req, _ := http.NewRequest("POST", e.base+"/api/org/import/file", &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	req.Header.Set("X-Dev-NIP", nipHR)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != want {
		e.t.Fatalf("upload %s: status %d, want %d: %s", mode, res.StatusCode, want, raw)
	}
	var out map[string]any
	if err := json.Unmarshal(raw, &out); err != nil {
		e.t.Fatalf("upload: not JSON: %s", raw)
	}
	return out
}

// TestOrgFileMovesSuperiorOfARunningYear: an org file gives the employee a new superior while
// their plan waits for review. The dry run says one running year would differ and writes
// nothing; the apply saves it, HR sees the year with both pairs of supervisors, and the durable
// reassign moves it, after which nothing differs.
func TestOrgFileMovesSuperiorOfARunningYear(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	const nipWati = "198702142012012007"
	cycle := e.planSubmitted()
	file := "NIP,NAMA,EMAIL,STATUS,UNOR_ID,JABATAN_ID,NIP_ATASAN\n" +
		nipWati + ",Wati Susanti,wati@contoh.go.id,PNS,diskominfo,kabid," + nipHead + "\n" +
		nipEmployee + ",Budi Santoso,budi@contoh.go.id,PNS,diskominfo,pranata," + nipWati + "\n"
	changes := func() map[string]any {
		return e.call("GET", fmt.Sprintf("/api/cycles/%d/supervisor-changes", cycle), nipHR, nil, 200)
	}

	dry := e.upload("dry_run", "mutasi.csv", file, 200)
	if dry["applied"] != false || dry["running_years_supervisors_differ_total"] != 1.0 {
		t.Fatalf("dry run: %v", dry)
	}
	if got := changes(); got["total"] != 0.0 {
		t.Fatalf("the dry run changed the org data: %v", got)
	}
	res := e.upload("apply", "mutasi.csv", file, 200)
	if res["applied"] != true || fmt.Sprint(res["employees"]) != "map[added:1 changed:1 unchanged:0]" ||
		fmt.Sprint(res["running_years_supervisors_differ"]) != fmt.Sprintf("[map[count:1 cycle_id:%d]]", cycle) {
		t.Fatalf("apply: %v", res)
	}
	got := changes()
	years := got["years"].([]any)
	if got["total"] != 1.0 || len(years) != 1 {
		t.Fatalf("supervisor changes: %v", got)
	}
	y := years[0].(map[string]any)
	if y["nip"] != nipEmployee || y["penilai_nip"] != nipPenilai || y["atasan_nip"] != nipHead ||
		y["org_penilai_nip"] != nipWati || y["org_penilai_name"] != "Wati Susanti" || y["org_atasan_nip"] != nipHead {
		t.Errorf("the year: %v", y)
	}
	e.call("GET", fmt.Sprintf("/api/cycles/%d/supervisor-changes", cycle), nipPenilai, nil, 403)

	bulk, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/reassign", cycle), nipHR, nil)
	if bulk["done"] != 1.0 || items[nipEmployee]["status"] != "done" {
		t.Fatalf("reassign: %v %v", bulk, items)
	}
	waitFor(t, func() bool { return changes()["total"] == 0.0 })
}
