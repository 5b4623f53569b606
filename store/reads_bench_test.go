package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// regionAtScale is a region of BENCH_REGION_SIZE staff (default 100,000) in one running cycle:
// pemda ⊃ 40 dinas ⊃ 10 bidang each; each bidang has a head (the staff's penilai) under the kepala;
// every employee has an open task, every tenth a task for the penilai, every fiftieth an
// overdue task for HR. Written in SQL: the point is to read it.
type regionAtScale struct {
	st    *store.Store
	cycle int64
	head  string
	now   time.Time
}

func seedRegionAtScale(b *testing.B, pool *pgxpool.Pool, staff int) regionAtScale {
	b.Helper()
	ctx := context.Background()
	r := regionAtScale{st: &store.Store{Pool: pool}, head: "197001011995031001", now: time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)}
	dl := map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		dl[n] = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, 0)
	}
	for _, sql := range []string{
		`INSERT INTO org_units VALUES ('pemda', 'Pemda', NULL)`,
		`INSERT INTO org_units SELECT 'dinas-' || d, 'Dinas ' || d, 'pemda' FROM generate_series(1, 40) d`,
		`INSERT INTO org_units SELECT 'bidang-' || d || '-' || k, 'Bidang ' || k, 'dinas-' || d
			FROM generate_series(1, 40) d, generate_series(1, 10) k`,
		`INSERT INTO positions VALUES ('staf', 'Staf', 'pelaksana', 7, 4000000)`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id)
			VALUES ('` + r.head + `', 'Kepala', 'kepala@contoh.go.id', 'PNS', 'pemda', 'staf')`,
		// Bidang heads: NIP 1980... + bidang number.
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
			SELECT '19800101' || lpad(((d - 1) * 10 + k)::text, 10, '0'), 'Kepala Bidang ' || d || '-' || k,
				'kabid' || d || '-' || k || '@contoh.go.id', 'PNS', 'bidang-' || d || '-' || k, 'staf', '` + r.head + `'
			FROM generate_series(1, 40) d, generate_series(1, 10) k`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
			SELECT '19900101' || lpad(i::text, 10, '0'), 'Pegawai ' || i, 'p' || i || '@contoh.go.id', 'PNS',
				'bidang-' || (i % 400 / 10 + 1) || '-' || (i % 10 + 1), 'staf', '19800101' || lpad((i % 400 + 1)::text, 10, '0')
			FROM generate_series(1, @staff::int) i`,
	} {
		if _, err := pool.Exec(ctx, sql, pgx.NamedArgs{"staff": staff}); err != nil {
			b.Fatal(err)
		}
	}
	var err error
	if r.cycle, err = r.st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: 14 * 24 * time.Hour, DecisionSLA: 14 * 24 * time.Hour, ReminderLead: 72 * time.Hour, CreatedBy: r.head}); err != nil {
		b.Fatal(err)
	}
	phases := `(ARRAY['perencanaan','pelaksanaan','evaluasi','dialog','keberatan','tindak_lanjut'])[1 + i % 6]`
	// next_due_at follows the bulk inserts once per statement (migration 0034; row by row, as
	// migration 0025 kept it, the inserts ran over six minutes).
	for _, sql := range []string{
		`INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase)
			SELECT @cycle, e.nip, 'wf-' || e.nip, e.superior_nip, '` + r.head + `', ` + phases + `
			FROM (SELECT nip, superior_nip, row_number() OVER (ORDER BY nip) AS i FROM employees
				WHERE nip LIKE '19900101%') e`,
		`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
			SELECT @cycle, nip, 'draft_plan', nip, 'pegawai', 'Susun SKP', @now::timestamptz + (i % 90 - 30) * interval '1 day'
			FROM (SELECT nip, row_number() OVER (ORDER BY nip) AS i FROM employees WHERE nip LIKE '19900101%') e`,
		`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
			SELECT @cycle, nip, 'approve_plan', superior_nip, 'penilai', 'Setujui SKP', @now::timestamptz + (i % 30) * interval '1 day'
			FROM (SELECT nip, superior_nip, row_number() OVER (ORDER BY nip) AS i FROM employees WHERE nip LIKE '19900101%') e
			WHERE i % 10 = 0`,
		`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_role, title, due_at)
			SELECT @cycle, nip, 'plan_overdue', 'hr', 'SKP terlambat', @now::timestamptz - (i % 20) * interval '1 day'
			FROM (SELECT nip, row_number() OVER (ORDER BY nip) AS i FROM employees WHERE nip LIKE '19900101%') e
			WHERE i % 50 = 0`,
		`VACUUM ANALYZE`, // as autovacuum leaves a table after a bulk load
	} {
		if _, err := pool.Exec(ctx, sql, pgx.NamedArgs{"cycle": r.cycle, "now": r.now}); err != nil {
			b.Fatal(err)
		}
	}
	return r
}

// BenchmarkReadsAtRegionScale prints p50/p99 (ms) of the inbox pages and progress views HR,
// supervisors and staff read, with a region of enrolments present, next to a one-row query's
// round trip measured in the same run (the floor any read pays). BENCH_REGION_SIZE sets the
// staff count (default 100,000); the target is p99 under 50 ms.
func BenchmarkReadsAtRegionScale(b *testing.B) {
	staff := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_REGION_SIZE")); err == nil && v > 0 {
		staff = v
	}
	pool := testenv.DB(b)
	r := seedRegionAtScale(b, pool, staff)
	ctx := context.Background()
	employee, penilai := "199001010000000123", "198001010000000124"
	reads := []struct {
		name string
		read func() error
	}{
		{"roundtrip", func() error { var one int; return pool.QueryRow(ctx, `SELECT 1`).Scan(&one) }},
		{"inbox_employee", func() error {
			_, err := r.st.Inbox(ctx, store.InboxQuery{NIP: employee, Now: r.now, Limit: 50})
			return err
		}},
		{"inbox_penilai", func() error {
			_, err := r.st.Inbox(ctx, store.InboxQuery{NIP: penilai, Now: r.now, Limit: 50})
			return err
		}},
		{"inbox_hr_region", func() error {
			_, err := r.st.Inbox(ctx, store.InboxQuery{NIP: r.head, HR: true, Now: r.now, Limit: 50})
			return err
		}},
		{"inbox_hr_dinas_overdue", func() error {
			_, err := r.st.Inbox(ctx, store.InboxQuery{NIP: r.head, HR: true, HRScope: "dinas-7", Overdue: true, Now: r.now, Limit: 50})
			return err
		}},
		{"progress_region", func() error {
			_, err := r.st.Progress(ctx, store.ProgressQuery{CycleID: r.cycle, Now: r.now, Limit: 50})
			return err
		}},
		{"progress_dinas_overdue", func() error {
			_, err := r.st.Progress(ctx, store.ProgressQuery{CycleID: r.cycle, Unit: "dinas-7", Overdue: true, Now: r.now, Limit: 50})
			return err
		}},
	}
	for _, rd := range reads {
		b.Run(rd.name, func(b *testing.B) {
			if err := rd.read(); err != nil { // warm the plan and the cache
				b.Fatal(err)
			}
			lat := make([]time.Duration, 0, b.N)
			b.ResetTimer()
			for range b.N {
				start := time.Now()
				if err := rd.read(); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			b.StopTimer()
			slices.Sort(lat)
			ms := func(q float64) float64 { return float64(lat[int(q*float64(len(lat)-1))]) / float64(time.Millisecond) }
			b.ReportMetric(ms(0.50), "p50-ms")
			b.ReportMetric(ms(0.99), "p99-ms")
			b.ReportMetric(float64(staff), "enrolments")
		})
	}
	fmt.Fprintf(os.Stderr, "reads at region scale: %d enrolments; compare each p99 with roundtrip's\n", staff)
}
