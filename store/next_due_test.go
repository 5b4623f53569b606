package store_test

import (
	"context"
	"testing"

	"github.com/kinerja/platform/internal/testenv"
)

// TestNextDueFollowsBulkTaskWrites: inserts and deletes of many tasks in one statement leave every
// year's next_due_at at the earliest due date of its open tasks (NULL with none), as recomputing
// it from tasks does: the statement-level triggers of migration 0034.
func TestNextDueFollowsBulkTaskWrites(t *testing.T) {
	ctx := context.Background()
	pool := testenv.DB(t)
	cycle := seedYears(t, pool, 30)
	wrong := func(step string) {
		t.Helper()
		var bad, set int
		if err := pool.QueryRow(ctx, `SELECT count(*) FILTER (WHERE ec.next_due_at IS DISTINCT FROM (SELECT min(due_at) FROM tasks t
				WHERE t.cycle_id = ec.cycle_id AND t.subject_nip = ec.nip AND t.done_at IS NULL)),
			count(*) FILTER (WHERE ec.next_due_at IS NOT NULL)
			FROM employee_cycles ec WHERE ec.cycle_id = $1`, cycle).Scan(&bad, &set); err != nil {
			t.Fatal(err)
		}
		if bad != 0 {
			t.Errorf("%s: %d years' next_due_at differ from their open tasks (%d set)", step, bad, set)
		}
		t.Logf("%s: %d years with a next due date", step, set)
	}
	steps := []struct{ name, sql string }{
		// Every third year gets nothing; the others an open task due on a day spread over a month.
		{"first tasks", `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
			SELECT $1, nip, 'draft_plan', nip, 'pegawai', 'Susun SKP', '2026-03-01'::timestamptz + (i % 29) * interval '1 day'
			FROM (SELECT nip, row_number() OVER (ORDER BY nip) AS i FROM employee_cycles WHERE cycle_id = $1) e WHERE i % 3 <> 0`},
		// Earlier tasks for some, later ones for others, done ones (which do not count) for a few.
		{"more tasks", `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at, done_at)
			SELECT $1, nip, k.kind, nip, 'pegawai', k.kind, '2026-03-15'::timestamptz + (i % 7 - 3) * interval '1 day' * k.sign,
				CASE WHEN i % 5 = 0 THEN now() END
			FROM (SELECT nip, row_number() OVER (ORDER BY nip) AS i FROM employee_cycles WHERE cycle_id = $1) e,
				(VALUES ('approve_plan', 1), ('plan_overdue', -2)) k(kind, sign) WHERE i % 2 = 0`},
		{"one task done", `UPDATE tasks SET done_at = now() WHERE id = (SELECT min(id) FROM tasks WHERE cycle_id = $1)`},
		// The earliest task of each year that has one goes.
		{"earliest deleted", `DELETE FROM tasks WHERE id IN (SELECT DISTINCT ON (subject_nip) id FROM tasks
			WHERE cycle_id = $1 AND done_at IS NULL ORDER BY subject_nip, due_at)`},
		{"a kind deleted", `DELETE FROM tasks WHERE cycle_id = $1 AND kind = 'draft_plan'`},
		{"all deleted", `DELETE FROM tasks WHERE cycle_id = $1`},
	}
	for _, s := range steps {
		if _, err := pool.Exec(ctx, s.sql, cycle); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		wrong(s.name)
	}
}
