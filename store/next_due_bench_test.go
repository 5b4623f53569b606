package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// nextDueTriggers are the ways tasks' inserts may keep employee_cycles.next_due_at: as migration
// 0034 does (once per statement), as 0025 did (once per row), or not at all (the floor).
var nextDueTriggers = []struct{ name, sql string }{
	{"statement", ``},
	{"row", `DROP TRIGGER tasks_next_due_insert ON tasks;
		CREATE TRIGGER tasks_next_due_insert_delete AFTER INSERT OR DELETE ON tasks
			FOR EACH ROW EXECUTE FUNCTION employee_cycles_next_due()`},
	{"off", `ALTER TABLE tasks DISABLE TRIGGER tasks_next_due_insert`},
}

// BenchmarkTaskInsertNextDue inserts one open task for each of BENCH_TASKS years (default 10,000)
// in one statement, as a launch's or a reminder sweep's bulk insert would, with next_due_at kept
// by each trigger; each case runs on its own database. Compare ns/op between the cases.
func BenchmarkTaskInsertNextDue(b *testing.B) {
	n := 10_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_TASKS")); err == nil && v > 0 {
		n = v
	}
	for _, tr := range nextDueTriggers {
		b.Run(tr.name, func(b *testing.B) {
			ctx := context.Background()
			pool := testenv.DB(b)
			cycle := seedYears(b, pool, n)
			if tr.sql != "" {
				if _, err := pool.Exec(ctx, tr.sql); err != nil {
					b.Fatal(err)
				}
			}
			insert := `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
				SELECT $1, nip, 'draft_plan', nip, 'pegawai', 'Susun SKP', $2::timestamptz + (row_number() OVER (ORDER BY nip) % 90) * interval '1 day'
				FROM employee_cycles WHERE cycle_id = $1`
			for b.Loop() {
				b.StopTimer()
				if _, err := pool.Exec(ctx, `DELETE FROM tasks WHERE cycle_id = $1`, cycle); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := pool.Exec(ctx, insert, cycle, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			var set int
			if err := pool.QueryRow(ctx, `SELECT count(*) FROM employee_cycles WHERE cycle_id = $1 AND next_due_at IS NOT NULL`, cycle).Scan(&set); err != nil {
				b.Fatal(err)
			}
			if want := map[bool]int{true: 0, false: n}[tr.name == "off"]; set != want {
				b.Fatalf("%d years with next_due_at, want %d", set, want)
			}
			b.ReportMetric(float64(n), "tasks/op")
		})
	}
}

// seedYears enrols n employees of one unit in a new cycle, without tasks.
func seedYears(tb testing.TB, pool *pgxpool.Pool, n int) int64 {
	tb.Helper()
	ctx := context.Background()
	dl := map[string]time.Time{}
	for i, name := range store.DeadlineColumns {
		dl[name] = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, 0)
	}
	head := "197001011995031001"
	for _, sql := range []string{
		`INSERT INTO org_units VALUES ('pemda', 'Pemda', NULL)`,
		`INSERT INTO positions VALUES ('staf', 'Staf', 'pelaksana', 7, 4000000)`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id)
			VALUES ('` + head + `', 'Kepala', 'kepala@contoh.go.id', 'PNS', 'pemda', 'staf')`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
			SELECT '19900101' || lpad(i::text, 10, '0'), 'Pegawai ' || i, 'p' || i || '@contoh.go.id', 'PNS', 'pemda', 'staf', '` + head + `'
			FROM generate_series(1, @n::int) i`,
	} {
		if _, err := pool.Exec(ctx, sql, pgx.NamedArgs{"n": n}); err != nil {
			tb.Fatal(err)
		}
	}
	cy, err := (&store.Store{Pool: pool}).CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: 14 * 24 * time.Hour, DecisionSLA: 14 * 24 * time.Hour, ReminderLead: 72 * time.Hour, CreatedBy: head})
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase)
		SELECT $1, nip, 'wf-' || nip, superior_nip, superior_nip, 'perencanaan' FROM employees WHERE nip LIKE '19900101%'`, cy); err != nil {
		tb.Fatal(err)
	}
	return cy
}
