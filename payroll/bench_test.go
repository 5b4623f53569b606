package payroll_test

import (
	"context"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/worker"
	"github.com/kinerja/platform/workflows"
)

// BenchmarkPayrollRun runs a whole month for n employees through the real workflow and worker
// (pages of 1000, each loaded in bulk, computed with internal/pay and written with COPY) and, in
// the same database, a raw COPY of as many rows of the same shape and size into a copy of the
// ledger table: the run's rate as a share of COPY's ("x_copy_rate", target ≥ 0.5), and the
// worker process's peak Go heap during the run ("peak_heap_MB", which must stay flat from
// 10,000 to 100,000 employees).
func BenchmarkPayrollRun(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprintf("employees=%d", n), func(b *testing.B) { benchRun(b, n) })
	}
}

func benchRun(b *testing.B, n int) {
	ctx := context.Background()
	pool := testenv.DB(b)
	seedRegion(b, pool, n)
	tc := testenv.TemporalClient(b)
	w := worker.New(tc, &activities.Activities{Pool: pool})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()
	month := pay.MonthOf(2026, 3)

	for i := 0; i < b.N; i++ {
		b.StopTimer()
		// Each iteration pays the month afresh: the previous run is cancelled (its lines never count).
		runtime.GC()
		var peak atomic.Uint64
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			var ms runtime.MemStats
			for {
				runtime.ReadMemStats(&ms)
				if ms.HeapAlloc > peak.Load() {
					peak.Store(ms.HeapAlloc)
				}
				select {
				case <-stop:
					return
				case <-time.After(20 * time.Millisecond):
				}
			}
		}()
		b.StartTimer()
		start := time.Now()
		r, err := payroll.CreateRun(ctx, pool, month, nil, benchHR, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: r.WorkflowID, TaskQueue: workflows.TaskQueue},
			workflows.PayrollRunWorkflow, workflows.PayrollRunInput{RunID: r.ID, PageSize: 1000}); err != nil {
			b.Fatal(err)
		}
		for {
			got, err := payroll.GetRun(ctx, pool, r.ID)
			if err != nil {
				b.Fatal(err)
			}
			if got.State == payroll.StateAwaitingApproval {
				r = got
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		runTime := time.Since(start)
		b.StopTimer()
		close(stop)
		wg.Wait()
		if r.EmployeesDone != n+1 || len(r.Errors) > 0 {
			b.Fatalf("run: %d of %d employees, errors %v", r.EmployeesDone, n+1, r.Errors[:min(3, len(r.Errors))])
		}

		runRate := float64(r.Lines) / runTime.Seconds()
		copyRate := float64(r.Lines) / rawCopy(b, pool, r.ID, r.Lines, true).Seconds()
		bareRate := float64(r.Lines) / rawCopy(b, pool, r.ID, r.Lines, false).Seconds()
		b.ReportMetric(float64(r.Lines), "lines")
		b.ReportMetric(runRate, "run_lines/s")
		b.ReportMetric(copyRate, "copy_lines/s")
		b.ReportMetric(runRate/copyRate, "x_copy_rate")
		b.ReportMetric(runRate/bareRate, "x_bare_copy_rate")
		b.ReportMetric(float64(peak.Load())/(1<<20), "peak_heap_MB")

		if err := payroll.Decide(ctx, pool, r.ID, false, benchHR, time.Now()); err != nil {
			b.Fatal(err)
		}
		h, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: r.WorkflowID, UpdateName: workflows.UpdateDecideRun,
			UpdateID: "cancel", Args: []any{activities.PayrollDecision{By: benchHR, At: time.Now()}}, WaitForStage: client.WorkflowUpdateStageCompleted})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// rawCopy copies the run's own rows (`lines` of them) into a fresh copy of the ledger table with its indexes and checks and, with
// foreignKeys, the ledger's foreign keys (employee, run, policy) as the run's own COPY has them;
// streamed as COPY does. It returns how long the COPY took.
func rawCopy(b *testing.B, pool *pgxpool.Pool, runID int64, lines int, foreignKeys bool) time.Duration {
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `DROP TABLE IF EXISTS pay_lines_copy;
		CREATE TABLE pay_lines_copy (LIKE pay_lines INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING INDEXES)`); err != nil {
		b.Fatal(err)
	}
	if foreignKeys {
		if _, err := pool.Exec(ctx, `ALTER TABLE pay_lines_copy ADD FOREIGN KEY (nip) REFERENCES employees (nip),
			ADD FOREIGN KEY (policy_id) REFERENCES tpp_policies (id), ADD FOREIGN KEY (run_id) REFERENCES payroll_runs (id)`); err != nil {
			b.Fatal(err)
		}
	}
	// The run's own rows, to a file first (not timed), then the COPY from the file, timed.
	f, err := os.CreateTemp(b.TempDir(), "lines-*.copy")
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	conn, err := pool.Acquire(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Release()
	const cols = "run_id, nip, period, kind, entry, amount, policy_id, reverses_id, cause, detail"
	if _, err := conn.Conn().PgConn().CopyTo(ctx, f, fmt.Sprintf("COPY (SELECT %s FROM pay_lines WHERE run_id = %d) TO STDOUT", cols, runID)); err != nil {
		b.Fatal(err)
	}
	if _, err := f.Seek(0, 0); err != nil {
		b.Fatal(err)
	}
	start := time.Now()
	tag, err := conn.Conn().PgConn().CopyFrom(ctx, f, "COPY pay_lines_copy ("+cols+") FROM STDIN")
	if err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(start)
	if tag.RowsAffected() != int64(lines) {
		b.Fatalf("copied %d rows, the run wrote %d", tag.RowsAffected(), lines)
	}
	return elapsed
}

const benchHR = "198501012010012001"

// seedRegion writes n staff in ten OPDs (plus HR), a Balangan policy, a predikat for March for
// everyone and an attendance exception for one in ten, with COPY.
func seedRegion(b *testing.B, pool *pgxpool.Pool, n int) {
	ctx := context.Background()
	st := &store.Store{Pool: pool}
	units := []store.Unit{{ID: "pemda", Name: "Pemda"}}
	for u := range 10 {
		units = append(units, store.Unit{ID: fmt.Sprintf("opd-%d", u), Name: fmt.Sprintf("OPD %d", u), ParentID: "pemda"})
	}
	var positions []store.Position
	for p := range 5 {
		positions = append(positions, store.Position{ID: fmt.Sprintf("pos-%d", p), Name: fmt.Sprintf("Jabatan %d", p),
			JenisJabatan: "pelaksana", KelasJabatan: 5 + p, TPPBasic: int64(3_000_000 + p*1_500_000)})
	}
	if err := st.ImportOrg(ctx, store.OrgImport{Units: units, Positions: positions, Employees: []store.Employee{
		{NIP: benchHR, Name: "HR", Email: "hr@contoh.go.id", Status: "PNS", UnitID: "pemda", PositionID: "pos-0", IsHR: true}}}); err != nil {
		b.Fatal(err)
	}
	nip := func(i int) string { return fmt.Sprintf("2%017d", i) }
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"employees"}, []string{"nip", "name", "email", "status", "unit_id", "position_id"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			status := "PNS"
			if i%20 == 0 {
				status = "CPNS"
			}
			return []any{nip(i), fmt.Sprintf("Pegawai %d", i), fmt.Sprintf("p%d@contoh.go.id", i), status, fmt.Sprintf("opd-%d", i%10), fmt.Sprintf("pos-%d", i%5)}, nil
		})); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"pay_profiles"}, []string{"nip", "salary", "ptkp", "bank_name", "bank_account"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			return []any{nip(i), int64(3_000_000 + (i%7)*500_000), []string{"TK/0", "K/1", "K/3"}[i%3], "Bank Daerah", fmt.Sprintf("%010d", i)}, nil
		})); err != nil {
		b.Fatal(err)
	}
	p := pay.Balangan2025()
	p.ID, p.EffectiveFrom = "balangan-2026", pay.MonthOf(2026, 1)
	if err := st.AddPolicy(ctx, p, benchHR, time.Now()); err != nil {
		b.Fatal(err)
	}
	dl := map[string]time.Time{}
	for i, name := range store.DeadlineColumns {
		dl[name] = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 30 * 24 * time.Hour)
	}
	cycle, err := st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: benchHR})
	if err != nil {
		b.Fatal(err)
	}
	march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	predikats := []string{"sangat_baik", "baik", "baik", "baik", "butuh_perbaikan"}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"period_results"}, []string{"cycle_id", "nip", "period_start", "period_end", "predikat", "decided_at"},
		pgx.CopyFromSlice(n, func(i int) ([]any, error) {
			return []any{cycle, nip(i), march, march.AddDate(0, 1, -1), predikats[i%5], march}, nil
		})); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.CopyFrom(ctx, pgx.Identifier{"attendance_days"}, []string{"nip", "day", "kind", "late_minutes", "imported_by"},
		pgx.CopyFromSlice(n/10, func(i int) ([]any, error) {
			if i%2 == 0 {
				return []any{nip(i * 10), march.AddDate(0, 0, 9), "absent_unexcused", 0, benchHR}, nil
			}
			return []any{nip(i * 10), march.AddDate(0, 0, 10), "present", 40, benchHR}, nil
		})); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
}
