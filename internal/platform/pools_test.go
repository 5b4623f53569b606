package platform

import (
	"context"
	"net/http"
	"testing"

	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// TestAPIHasItsOwnPool: the API and the worker hold separate pools of the sizes asked for, so a
// page is read while every worker connection is taken (as in a deadline burst of step writes);
// without a worker the API's pool serves everything, at its default size.
func TestAPIHasItsOwnPool(t *testing.T) {
	ctx := context.Background()
	start := func(cfg Config) *Platform {
		t.Helper()
		cfg.DatabaseURL, cfg.TemporalAddress, cfg.TemporalNamespace = testenv.DBURL(t), testenv.Temporal(t), "default"
		cfg.HTTPAddr, cfg.Payloads, cfg.Logger, cfg.DevAuth = "127.0.0.1:0", testenv.Payloads(t), testenv.Logger(), true
		p, err := Start(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = p.Stop(context.Background()) })
		return p
	}
	p := start(Config{APIConns: 3, WorkerConns: 2})
	if p.workerPool == p.Pool || p.Pool.Config().MaxConns != 3 || p.workerPool.Config().MaxConns != 2 {
		t.Fatalf("pools: API %d connections, worker %d, shared %v; want 3 and 2, apart",
			p.Pool.Config().MaxConns, p.workerPool.Config().MaxConns, p.workerPool == p.Pool)
	}
	const hr = "198501012010012001"
	if err := (&store.Store{Pool: p.Pool}).ImportOrg(ctx, store.OrgImport{
		Units:     []store.Unit{{ID: "bkpsdm", Name: "BKPSDM"}},
		Positions: []store.Position{{ID: "analis", Name: "Analis SDM", JenisJabatan: "fungsional", KelasJabatan: 8, TPPBasic: 5_000_000}},
		Employees: []store.Employee{{NIP: hr, Name: "Rina Kusuma", Email: "rina@contoh.go.id", Status: "PNS", UnitID: "bkpsdm",
			PositionID: "analis", IsHR: true}},
	}); err != nil {
		t.Fatal(err)
	}
	for range p.workerPool.Config().MaxConns {
		conn, err := p.workerPool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Release()
	}
	if st := p.workerPool.Stat(); st.AcquiredConns() != st.MaxConns() {
		t.Fatalf("worker pool: %d of %d connections taken", st.AcquiredConns(), st.MaxConns())
	}
	req, _ := http.NewRequest("GET", "http://"+p.Addr+"/api/me/tasks", nil)
	req.Header.Set("X-Dev-NIP", hr)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Errorf("HR's tasks with the worker's pool full: %d", res.StatusCode)
	}

	alone := start(Config{NoWorker: true})
	if alone.workerPool != alone.Pool || alone.Pool.Config().MaxConns != DefaultAPIConns {
		t.Errorf("without a worker: %d connections, shared %v; want one pool of %d", alone.Pool.Config().MaxConns,
			alone.workerPool == alone.Pool, DefaultAPIConns)
	}
}
