package platform_test

import (
	"fmt"
	"time"
)

// batch sends a request that answers 202 with a batch, waits until the batch is no longer
// running, and returns it with its items by NIP.
func (e *e2e) batch(method, path, nip string, body any) (map[string]any, map[string]map[string]any) {
	e.t.Helper()
	return e.waitBatch(nip, int64(e.call(method, path, nip, body, 202)["batch_id"].(float64)), 2*time.Minute)
}

// waitBatch polls GET /api/batches/:id as the NIP until the batch is no longer running.
func (e *e2e) waitBatch(nip string, id int64, within time.Duration) (map[string]any, map[string]map[string]any) {
	e.t.Helper()
	path := fmt.Sprintf("/api/batches/%d", id)
	for end := time.Now().Add(within); time.Now().Before(end); time.Sleep(50 * time.Millisecond) {
		b := e.call("GET", path, nip, nil, 200)
		if b["state"] == "running" {
			continue
		}
		items := map[string]map[string]any{}
		for after := ""; ; {
			page := e.call("GET", path+"/items?limit=1000&after="+after, nip, nil, 200)
			for _, it := range page["items"].([]any) {
				items[it.(map[string]any)["nip"].(string)] = it.(map[string]any)
			}
			if after = page["next_after"].(string); after == "" {
				break
			}
		}
		return b, items
	}
	e.t.Fatalf("batch %d still running after %s", id, within)
	return nil, nil
}

// statuses maps each item's NIP to its status.
func statuses(items map[string]map[string]any) map[string]string {
	out := map[string]string{}
	for nip, it := range items {
		out[nip] = it["status"].(string)
	}
	return out
}
