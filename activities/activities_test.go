package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const (
	nipHR       = testenv.NIPHR
	nipHead     = testenv.NIPHead
	nipPenilai  = testenv.NIPPenilai
	nipEmployee = testenv.NIPEmployee
)

func seed(t *testing.T, st *store.Store) int64 { return testenv.SeedCycle(t, st) }

func TestApplyStepWritesOnceAndNotifies(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool}
	ctx := context.Background()
	due := time.Now().Add(time.Hour)

	step := activities.Step{Key: "wf/appeal-window-opened", CycleID: cycle, NIP: nipEmployee, ActorNIP: "system",
		Action: "appeal.window_opened", At: time.Now(), Seq: 2, After: activities.Snapshot{Phase: "keberatan", Predikat: "baik"},
		OpenTasks: []activities.TaskSpec{{Kind: "confirm_followup", Role: activities.RoleHR, Title: "Tetapkan tindak lanjut", DueAt: &due}},
		Notices: []activities.Notice{{Kind: "info", Role: activities.RolePegawai, NIP: nipEmployee, DueAt: &due,
			Title: "Hasil penilaian kinerja Anda: Baik", Detail: "Anda dapat mengajukan keberatan."}}}
	first, err := a.ApplyStep(ctx, step)
	if err != nil {
		t.Fatal(err)
	}
	// One notice to the employee; HR's task waits for HR's daily digest.
	if len(first.EmailKeys) != 1 {
		t.Fatalf("email keys = %v", first.EmailKeys)
	}
	again, err := a.ApplyStep(ctx, step)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.EmailKeys) != 1 || again.EmailKeys[0] != first.EmailKeys[0] {
		t.Errorf("retry returned %v, want %v", again.EmailKeys, first.EmailKeys)
	}
	counts := map[string]int{}
	for _, table := range []string{"audit_log", "tasks", "notification_outbox"} {
		var n int
		if err := pool.QueryRow(ctx, "SELECT count(*) FROM "+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		counts[table] = n
	}
	// Two audit rows: the seeded cycle's creation and the step, once.
	if counts["audit_log"] != 2 || counts["tasks"] != 1 || counts["notification_outbox"] != 1 {
		t.Errorf("rows after a retried step: %v", counts)
	}
	en, err := st.Enrolment(ctx, cycle, nipEmployee)
	if err != nil || en.Phase != "keberatan" || en.Predikat != "baik" {
		t.Errorf("projection = %+v, %v", en, err)
	}
}

// The year's payment step writes no money of its own since migration 0027: the final result
// in employee_cycles is what the monthly payroll pays from, and payroll_postings takes no row.
func TestPaymentStepLeavesPayToThePayroll(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool}
	ctx := context.Background()
	for i, key := range []string{"wf/tpp-posted", "wf/tpp-posted"} {
		_, err := a.ApplyStep(ctx, activities.Step{Key: key, Seq: 1, CycleID: cycle, NIP: nipEmployee, ActorNIP: "system",
			Action: "payroll.posted", At: time.Now(), After: activities.Snapshot{Phase: "selesai", Predikat: "butuh_perbaikan", ResultFinal: true},
			Record: activities.Record{Posting: &activities.Posting{Period: "2026", Kind: "tpp_kinerja_tahunan", Predikat: "butuh_perbaikan"}}})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	y, err := st.Year(ctx, cycle, nipEmployee)
	if err != nil {
		t.Fatal(err)
	}
	var predikat string
	var final bool
	var audited int
	if err := pool.QueryRow(ctx, `SELECT predikat, result_final, (SELECT count(*) FROM audit_log WHERE action = 'payroll.posted')
		FROM employee_cycles WHERE cycle_id = $1 AND nip = $2`, cycle, nipEmployee).Scan(&predikat, &final, &audited); err != nil {
		t.Fatal(err)
	}
	if len(y.Postings) != 0 || predikat != "butuh_perbaikan" || !final || audited != 1 {
		t.Errorf("postings %+v, result %s final %v, %d audit rows; want no posting, the final result, one audit row", y.Postings, predikat, final, audited)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO payroll_postings (nip, cycle_id, period, kind, amount, basis) VALUES ($1, $2, '2026', 'tpp_kinerja_tahunan', 1, '{}')`,
		nipEmployee, cycle); err == nil || !strings.Contains(err.Error(), "history only") {
		t.Errorf("a new payroll_postings row: %v, want a refusal", err)
	}
}

func TestLateStepDoesNotRewindTheProjection(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool}
	ctx := context.Background()
	// An update handler's step (seq 5) and the main loop's next step (seq 6) run concurrently;
	// the older one commits last.
	for _, s := range []struct {
		seq   int64
		phase string
	}{{6, "keberatan"}, {5, "dialog_kinerja"}} {
		if _, err := a.ApplyStep(ctx, activities.Step{Key: "wf/" + s.phase, Seq: s.seq, CycleID: cycle, NIP: nipEmployee,
			ActorNIP: nipEmployee, Action: "test", At: time.Now(), After: activities.Snapshot{Phase: s.phase}}); err != nil {
			t.Fatal(err)
		}
	}
	en, err := st.Enrolment(ctx, cycle, nipEmployee)
	if err != nil || en.Phase != "keberatan" {
		t.Errorf("phase = %q, %v; want the newest step's", en.Phase, err)
	}
}
