package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// TestProgressSumsBySubtreeAndPages: pemda ⊃ {dinas-a ⊃ bidang-1, dinas-b}; twelve years spread
// over them, one blocked, one overdue. The counts come from SQL per subtree, one level down per
// unit, and the employee page is filtered and continued by NIP.
// region is a small organisation with a running cycle: pemda ⊃ {dinas-a ⊃ bidang-1, dinas-b},
// twelve years spread over them (every third in pelaksanaan), one blocked, one overdue task.
type region struct {
	pool  *pgxpool.Pool
	st    *store.Store
	cycle int64
	head  string
	now   time.Time
}

func (r region) nip(i int) string { return fmt.Sprintf("1990010120200110%02d", i) }

func seedRegion(t *testing.T) region {
	t.Helper()
	pool := testenv.DB(t)
	r := region{pool: pool, st: &store.Store{Pool: pool}, head: "197001011995031001", now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}
	st, ctx, head, nip := r.st, context.Background(), r.head, r.nip
	units := []store.Unit{{ID: "pemda", Name: "Pemda"}, {ID: "dinas-a", Name: "Dinas A", ParentID: "pemda"},
		{ID: "bidang-1", Name: "Bidang 1", ParentID: "dinas-a"}, {ID: "dinas-b", Name: "Dinas B", ParentID: "pemda"}}
	unitOf := []string{"pemda", "dinas-a", "bidang-1", "bidang-1", "bidang-1", "dinas-b", "dinas-b", "dinas-b", "dinas-b", "dinas-b", "dinas-a", "bidang-1"}
	emps := []store.Employee{{NIP: head, Name: "Kepala", Email: "k@contoh.go.id", Status: "PNS", UnitID: "pemda", PositionID: "staf"}}
	for i, u := range unitOf {
		emps = append(emps, store.Employee{NIP: nip(i), Name: fmt.Sprintf("Pegawai %d", i), Email: nip(i) + "@contoh.go.id",
			Status: "PNS", UnitID: u, PositionID: "staf", SuperiorNIP: head})
	}
	if err := st.ImportOrg(ctx, store.OrgImport{Units: units,
		Positions: []store.Position{{ID: "staf", Name: "Staf", JenisJabatan: "pelaksana", KelasJabatan: 7, TPPBasic: 4_000_000}},
		Employees: emps}); err != nil {
		t.Fatal(err)
	}
	dl := map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		dl[n] = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).AddDate(0, i, 0)
	}
	var err error
	r.cycle, err = st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: 14 * 24 * time.Hour, DecisionSLA: 14 * 24 * time.Hour, ReminderLead: 72 * time.Hour, CreatedBy: head})
	if err != nil {
		t.Fatal(err)
	}
	for i := range unitOf {
		phase := "perencanaan"
		if i%3 == 0 {
			phase = "pelaksanaan"
		}
		if _, err := st.Enrol(ctx, store.Enrolment{CycleID: r.cycle, NIP: nip(i), WorkflowID: "wf-" + nip(i), PenilaiNIP: head, AtasanNIP: head, Phase: phase}); err != nil {
			t.Fatal(err)
		}
	}
	now := r.now
	mustExec := func(sql string, args ...any) {
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	mustExec(`UPDATE employee_cycles SET blocked_reason = 'x' WHERE nip = $1`, nip(6)) // dinas-b
	mustExec(`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_role, title, due_at) VALUES ($1, $2, 'draft_plan', 'pegawai', 'SKP', $3)`,
		r.cycle, nip(3), now.Add(-time.Hour)) // bidang-1, overdue
	mustExec(`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_role, title, due_at) VALUES ($1, $2, 'draft_plan', 'pegawai', 'SKP', $3)`,
		r.cycle, nip(4), now.Add(time.Hour)) // bidang-1, not yet due

	return r
}

// Both ways of reading the employee page (few matching years sorted by unit, many walked in NIP
// order) give the same answers.
func TestProgressSumsBySubtreeAndPages(t *testing.T) {
	for _, few := range []int{5_000, 0} {
		t.Run(fmt.Sprintf("few=%d", few), func(t *testing.T) {
			defer store.SetFewMatchingYears(few)()
			testProgressSumsBySubtreeAndPages(t)
		})
	}
}

func testProgressSumsBySubtreeAndPages(t *testing.T) {
	r := seedRegion(t)
	st, ctx, cycle, now, nip := r.st, context.Background(), r.cycle, r.now, r.nip
	all, err := st.Progress(ctx, store.ProgressQuery{CycleID: cycle, Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if all.Enrolled != 12 || all.Blocked != 1 || all.Overdue != 1 || all.ByPhase["pelaksanaan"] != 4 || len(all.Units) != 1 ||
		all.Units[0].UnitID != "pemda" || all.Units[0].Enrolled != 12 {
		t.Errorf("whole organisation = %+v", all)
	}
	pemda, err := st.Progress(ctx, store.ProgressQuery{CycleID: cycle, Unit: "pemda", Now: now})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"dinas-a": 6, "dinas-b": 5} // dinas-a counts bidang-1 too; pemda's own employee in no unit below
	if pemda.Enrolled != 12 || len(pemda.Units) != 2 || pemda.Units[0].Enrolled != want["dinas-a"] || pemda.Units[1].Enrolled != want["dinas-b"] ||
		pemda.Units[1].Blocked != 1 || pemda.Units[0].Overdue != 1 {
		t.Errorf("pemda drill-down = %+v", pemda.Units)
	}
	bidang, _ := st.Progress(ctx, store.ProgressQuery{CycleID: cycle, Unit: "bidang-1", Now: now})
	if bidang.Enrolled != 4 || len(bidang.Units) != 0 || len(bidang.Employees) != 4 {
		t.Errorf("bidang-1 = %+v", bidang)
	}
	overdue, _ := st.Progress(ctx, store.ProgressQuery{CycleID: cycle, Unit: "pemda", Now: now, Overdue: true})
	if len(overdue.Employees) != 1 || overdue.Employees[0].NIP != nip(3) {
		t.Errorf("overdue page = %+v", overdue.Employees)
	}
	blocked, _ := st.Progress(ctx, store.ProgressQuery{CycleID: cycle, Now: now, Blocked: true})
	if len(blocked.Employees) != 1 || blocked.Employees[0].NIP != nip(6) || blocked.Employees[0].Blocked != "x" {
		t.Errorf("blocked page = %+v", blocked.Employees)
	}
	// Pages of five, in NIP order, each continuing where the last stopped.
	var seen []string
	after := ""
	for range 4 {
		page, err := st.Progress(ctx, store.ProgressQuery{CycleID: cycle, Now: now, Limit: 5, After: after, Phase: "perencanaan"})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range page.Employees {
			seen = append(seen, e.NIP)
		}
		if after = page.NextAfter; after == "" {
			break
		}
	}
	if len(seen) != 8 || seen[0] != nip(1) || seen[7] != nip(11) {
		t.Errorf("paged through %v", seen)
	}
}

// TestProgressCountsFollowTheYears: the counts the database keeps (migration 0025) follow a
// year's phase, result and block, a mutasi to another unit, and the closing or moving of its
// tasks, and always equal a fresh aggregate over the years themselves.
func TestProgressCountsFollowTheYears(t *testing.T) {
	r := seedRegion(t)
	ctx, pool, nip := context.Background(), r.pool, r.nip
	exec := func(sql string, args ...any) {
		t.Helper()
		if _, err := pool.Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	progress := func(unit string) store.Progress {
		t.Helper()
		p, err := r.st.Progress(ctx, store.ProgressQuery{CycleID: r.cycle, Unit: unit, Now: r.now})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	exec(`UPDATE employee_cycles SET phase = 'evaluasi', result_final = true WHERE nip = $1`, nip(1)) // dinas-a
	exec(`UPDATE employees SET unit_id = 'dinas-a' WHERE nip = $1`, nip(6))                           // blocked, from dinas-b
	exec(`UPDATE tasks SET done_at = now() WHERE subject_nip = $1`, nip(3))                           // the overdue one is done
	exec(`UPDATE tasks SET due_at = $2 WHERE subject_nip = $1`, nip(4), r.now.Add(-time.Minute))      // now overdue
	exec(`UPDATE employee_cycles SET blocked_reason = NULL WHERE nip = $1`, nip(6))

	p := progress("pemda")
	if p.Enrolled != 12 || p.Blocked != 0 || p.Overdue != 1 || p.ResultsFinal != 1 || p.ByPhase["evaluasi"] != 1 {
		t.Errorf("pemda = %+v", p.Counts)
	}
	if len(p.Units) != 2 || p.Units[0].UnitID != "dinas-a" || p.Units[0].Enrolled != 7 || p.Units[1].Enrolled != 4 ||
		p.Units[0].Overdue != 1 || p.Units[0].Name != "Dinas A" {
		t.Errorf("pemda drill-down = %+v", p.Units)
	}
	// The kept counts equal the aggregate over the years, unit by unit and phase by phase.
	var diff int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM (
		SELECT unit_id, phase, enrolled, final, blocked FROM progress_counts WHERE enrolled > 0
		EXCEPT
		SELECT e.unit_id, ec.phase, count(*), count(*) FILTER (WHERE result_final), count(*) FILTER (WHERE blocked_reason IS NOT NULL)
		FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip GROUP BY 1, 2) d`).Scan(&diff); err != nil || diff != 0 {
		t.Errorf("%d kept counts differ from the years (%v)", diff, err)
	}
}
