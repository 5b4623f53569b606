package demo

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// batchView is what GET /api/batches/:id answers, as far as the demo reads it.
type batchView struct {
	ID      int64  `json:"batch_id"`
	State   string `json:"state"`
	Total   int    `json:"total"`
	Done    int    `json:"done"`
	Failed  int    `json:"failed"`
	Skipped int    `json:"skipped"`
	Items   []struct {
		NIP     string `json:"nip"`
		Message string `json:"message"`
	} `json:"failed_items"`
}

// runBatch sends a request that answers 202 with a batch and polls the batch until it is no
// longer running (WaitTimeout at most). A batch with failed items is an error naming them.
func (d *demoRun) runBatch(ctx context.Context, method, path string, body any) (batchView, error) {
	var b batchView
	if err := d.c.do(ctx, method, path, d.hr, body, &b); err != nil {
		return b, err
	}
	end := time.Now().Add(d.opts.WaitTimeout)
	for b.State == "running" {
		if time.Now().After(end) {
			return b, fmt.Errorf("batch %d (%s) belum selesai setelah %s: %d dari %d", b.ID, path, d.opts.WaitTimeout,
				b.Done+b.Failed+b.Skipped, b.Total)
		}
		select {
		case <-ctx.Done():
			return b, ctx.Err()
		case <-time.After(d.opts.PollInterval):
		}
		if err := d.c.do(ctx, http.MethodGet, fmt.Sprintf("/api/batches/%d", b.ID), d.hr, nil, &b); err != nil {
			return b, err
		}
	}
	if b.Failed > 0 {
		var msgs []string
		for _, it := range b.Items {
			msgs = append(msgs, it.NIP+": "+it.Message)
		}
		return b, fmt.Errorf("%s %s: %d pegawai gagal: %s", method, path, b.Failed, strings.Join(msgs, "; "))
	}
	return b, nil
}
