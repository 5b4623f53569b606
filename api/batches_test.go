package api_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/kinerja/platform/store"
)

// TestCancelledBatchEndsItsPendingItems: cancelling a batch marks every item it never reached
// cancelled with the reason, shown in its counts and in /items; a page that was under way when
// the batch was cancelled still records how its items really ended.
func TestCancelledBatchEndsItsPendingItems(t *testing.T) {
	e := newAzEnv(t)
	id := e.newBatch(store.BatchRunning) // a reassignment of dinas-x: the pegawai's running year
	path := fmt.Sprintf("/api/batches/%d", id)
	before := e.must(azReq{method: "GET", path: path, role: rHRScoped}, 200).json(t)
	if before["pending"] != 1.0 || before["cancelled"] != 0.0 {
		t.Fatalf("batch before the cancel: %v", before)
	}

	b := e.must(azReq{method: "POST", path: path + "/cancel", role: rHRScoped}, 200).json(t)
	if b["state"] != "cancelled" || b["pending"] != 0.0 || b["cancelled"] != 1.0 || b["total"] != 1.0 || b["eta_seconds"] != nil {
		t.Fatalf("cancel answered %v", b)
	}
	items := e.must(azReq{method: "GET", path: path + "/items?status=cancelled", role: rHRScoped}, 200).json(t)["items"].([]any)
	if len(items) != 1 {
		t.Fatalf("cancelled items: %v", items)
	}
	it := items[0].(map[string]any)
	if it["nip"] != azPegawai || it["status"] != "cancelled" || it["message"] != store.MsgItemCancelled || it["done_at"] == nil {
		t.Errorf("cancelled item: %v", it)
	}
	if pending := e.must(azReq{method: "GET", path: path + "/items?status=pending", role: rHRScoped}, 200).json(t)["items"].([]any); len(pending) != 0 {
		t.Errorf("pending items after the cancel: %v", pending)
	}
	// Cancelling again is refused, and changes nothing.
	e.must(azReq{method: "POST", path: path + "/cancel", role: rHRScoped}, 409)

	// The page under way records its result after the cancel: that work was done.
	if err := e.st.RecordBatchItems(context.Background(), id, []store.ItemResult{{NIP: azPegawai, Status: store.ItemDone}}); err != nil {
		t.Fatal(err)
	}
	after := e.must(azReq{method: "GET", path: path, role: rHRScoped}, 200).json(t)
	if after["done"] != 1.0 || after["cancelled"] != 0.0 || after["pending"] != 0.0 || after["state"] != "cancelled" {
		t.Errorf("batch after the page under way recorded: %v", after)
	}
	if res := e.do(azReq{method: "GET", path: path + "/items?status=bogus", role: rHRScoped}); res.status != 400 {
		t.Errorf("status=bogus: %d %s", res.status, res.body)
	}
}
