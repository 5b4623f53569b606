package store_test

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/sheet"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const benchRows = 100_000

// benchOrg is a generated region: 241 units (pemda, 40 dinas of 6 bidang), 300 positions and
// benchRows employees in a reporting tree eight wide.
type benchOrg struct {
	units     [][]any
	positions [][]any
	employees [][]any
}

func genBenchOrg(path string) (benchOrg, error) {
	var o benchOrg
	unitIDs := []string{"pemda"}
	o.units = append(o.units, []any{"pemda", "Pemerintah Daerah", nil})
	for d := range 40 {
		dinas := fmt.Sprintf("dinas-%02d", d)
		unitIDs = append(unitIDs, dinas)
		o.units = append(o.units, []any{dinas, "Dinas " + dinas, "pemda"})
		for b := range 6 {
			id := fmt.Sprintf("%s-bidang-%d", dinas, b)
			unitIDs = append(unitIDs, id)
			o.units = append(o.units, []any{id, "Bidang " + id, dinas})
		}
	}
	parentOf := map[string]string{}
	for _, u := range o.units {
		if u[2] != nil {
			parentOf[u[0].(string)] = u[2].(string)
		}
	}
	jenis := []string{"jpt", "administrator", "pengawas", "pelaksana", "fungsional"}
	for p := range 300 {
		o.positions = append(o.positions, []any{fmt.Sprintf("jab-%03d", p), fmt.Sprintf("Jabatan %d", p), jenis[p%5],
			int32(1 + p%17), int64(1_000_000 + 10_000*p)})
	}
	f, err := os.Create(path)
	if err != nil {
		return o, err
	}
	w := bufio.NewWriter(f)
	fmt.Fprint(w, orgHeader)
	nip := func(i int) string { return fmt.Sprintf("19%016d", i) }
	for i := range benchRows {
		unit := unitIDs[i%len(unitIDs)]
		pos := o.positions[i%len(o.positions)]
		sup := ""
		if i > 0 {
			sup = nip((i - 1) / 8)
		}
		fmt.Fprintf(w, "%s,Pegawai Nomor %d,%s@contoh.go.id,PNS,%s,%s,%s,%s,%s,%s,%d,%s,%d\n", nip(i), i, nip(i), unit,
			"Unit "+unit, parentOf[unit], pos[0], pos[1], pos[2], pos[3], sup, pos[4])
		var supArg any
		if sup != "" {
			supArg = sup
		}
		o.employees = append(o.employees, []any{nip(i), fmt.Sprintf("Pegawai Nomor %d", i), nip(i) + "@contoh.go.id", "PNS",
			unit, pos[0], supArg})
	}
	// The raw COPY gets the same names the file gives.
	for _, u := range o.units {
		u[1] = "Unit " + u[0].(string)
	}
	if err := w.Flush(); err != nil {
		return o, err
	}
	return o, f.Close()
}

func clearOrg(b *testing.B, pool *pgxpool.Pool) {
	b.Helper()
	for _, sql := range []string{`DELETE FROM employees; DELETE FROM positions; DELETE FROM org_units`, `VACUUM ANALYZE employees, positions, org_units`} {
		if _, err := pool.Exec(context.Background(), sql); err != nil {
			b.Fatal(err)
		}
	}
}

// peakHeap samples the live heap every few milliseconds until stop is called.
func peakHeap() (stop func() uint64) {
	var peak atomic.Uint64
	done := make(chan struct{})
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	go func() {
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(5 * time.Millisecond):
			}
		}
	}()
	return func() uint64 { close(done); return peak.Load() }
}

// BenchmarkOrgFileImport reads, checks and applies a generated CSV of 100,000 employees (with
// their units and positions) into an empty organisation, against a raw COPY of the same rows
// into the same tables in one transaction. Reported: x_raw_copy (import time / COPY time),
// s/import, s/raw_copy, and peak_heap_MiB, the largest live heap seen during an import.
func BenchmarkOrgFileImport(b *testing.B) {
	pool := testenv.DB(b)
	st := &store.Store{Pool: pool}
	ctx := context.Background()
	path := filepath.Join(b.TempDir(), "org.csv")
	org, err := genBenchOrg(path)
	if err != nil {
		b.Fatal(err)
	}
	var imp, raw time.Duration
	var peak uint64
	b.ResetTimer()
	for range b.N {
		b.StopTimer()
		clearOrg(b, pool)
		runtime.GC()
		b.StartTimer()
		stop := peakHeap()
		start := time.Now()
		fh, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := sheet.OpenCSV(fh)
		if err != nil {
			b.Fatal(err)
		}
		f, err := store.ReadOrgFile(r)
		if err != nil {
			b.Fatal(err)
		}
		res, err := st.ImportFile(ctx, f, store.Importer{NIP: "bench", Name: "bench"}, true)
		fh.Close()
		if err != nil || !res.Applied || res.Employees.Added != benchRows {
			b.Fatalf("import: %v %+v", err, res.Errors)
		}
		imp += time.Since(start)
		peak = max(peak, stop())
		f = nil

		b.StopTimer()
		clearOrg(b, pool)
		b.StartTimer()
		start = time.Now()
		err = pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"org_units"}, []string{"id", "name", "parent_id"}, pgx.CopyFromRows(org.units)); err != nil {
				return err
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{"positions"}, []string{"id", "name", "jenis_jabatan", "kelas_jabatan", "tpp_basic"},
				pgx.CopyFromRows(org.positions)); err != nil {
				return err
			}
			_, err := tx.CopyFrom(ctx, pgx.Identifier{"employees"}, []string{"nip", "name", "email", "status", "unit_id", "position_id", "superior_nip"},
				pgx.CopyFromRows(org.employees))
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		raw += time.Since(start)
	}
	b.ReportMetric(float64(imp)/float64(raw), "x_raw_copy")
	b.ReportMetric(imp.Seconds()/float64(b.N), "s/import")
	b.ReportMetric(raw.Seconds()/float64(b.N), "s/raw_copy")
	b.ReportMetric(float64(peak)/(1<<20), "peak_heap_MiB")
}
