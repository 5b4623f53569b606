package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

func count(t *testing.T, pool *pgxpool.Pool, query string, args ...any) int {
	t.Helper()
	var n int
	if err := pool.QueryRow(context.Background(), query, args...).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestDeadlineMoveReachesOpenTasksAndTheirHolders(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool}
	ctx := context.Background()
	oldDue := time.Date(2026, 1, 31, 16, 59, 0, 0, time.UTC)
	newDue := time.Date(2026, 2, 14, 16, 59, 0, 0, time.UTC)
	other := oldDue.Add(48 * time.Hour)
	apply := func(s activities.Step) {
		t.Helper()
		if _, err := a.ApplyStep(ctx, s); err != nil {
			t.Fatal(err)
		}
	}
	apply(activities.Step{Key: "wf/enrolled", Seq: 1, CycleID: cycle, NIP: nipEmployee, ActorNIP: "system", Action: "cycle.enrolled",
		At: time.Now(), After: activities.Snapshot{Phase: "perencanaan"}, OpenTasks: []activities.TaskSpec{
			{Kind: "draft_plan", Role: activities.RolePegawai, AssigneeNIP: nipEmployee, Title: "Susun SKP", DueAt: &oldDue},
			{Kind: "other", Role: activities.RolePenilai, AssigneeNIP: nipPenilai, Title: "Lain", DueAt: &other}}})
	before := count(t, pool, `SELECT count(*) FROM notification_outbox`)
	apply(activities.Step{Key: "wf/deadline-moved", Seq: 2, CycleID: cycle, NIP: nipEmployee, ActorNIP: "system", Action: "deadline.moved",
		At: time.Now(), After: activities.Snapshot{Phase: "perencanaan"},
		Record: activities.Record{DeadlineMoved: &activities.DeadlineMoved{Name: "plan_due", From: oldDue, To: newDue}}})

	var due time.Time
	if err := pool.QueryRow(ctx, `SELECT due_at FROM tasks WHERE kind = 'draft_plan'`).Scan(&due); err != nil || !due.Equal(newDue) {
		t.Errorf("draft task due %v (%v), want %v", due, err, newDue)
	}
	if err := pool.QueryRow(ctx, `SELECT due_at FROM tasks WHERE kind = 'other'`).Scan(&due); err != nil || !due.Equal(other) {
		t.Errorf("a task of another date moved to %v (%v)", due, err)
	}
	var to, subject, body string
	err := pool.QueryRow(ctx, `SELECT to_email, subject, body_text FROM notification_outbox ORDER BY id DESC LIMIT 1`).Scan(&to, &subject, &body)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM notification_outbox`); n != before+1 {
		t.Errorf("%d emails for one moved task", n-before)
	}
	var holderEmail string
	_ = pool.QueryRow(ctx, `SELECT email FROM employees WHERE nip = $1`, nipEmployee).Scan(&holderEmail)
	if to != holderEmail || !strings.Contains(body, "14 Februari 2026 pukul 23.59 WIB") || !strings.Contains(body, "31 Januari 2026 pukul 23.59 WIB") {
		t.Errorf("moved-deadline email to %s: %s\n%s", to, subject, body)
	}
}

func TestHRSetPlanClosedYearAndAllTasksClosed(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool}
	ctx := context.Background()
	plan := skp.Plan{Approach: "kuantitatif", Items: []skp.Item{{Kind: "utama", RHK: "Layanan", Aspect: "kuantitas",
		IKI: "Jumlah izin", Target: "10", Unit: "izin"}}}
	steps := []activities.Step{
		{Key: "wf/enrolled", Seq: 1, Action: "cycle.enrolled", ActorNIP: "system", After: activities.Snapshot{Phase: "perencanaan"},
			OpenTasks: []activities.TaskSpec{{Kind: "draft_plan", Role: activities.RolePegawai, AssigneeNIP: nipEmployee, Title: "Susun SKP"},
				{Kind: "plan_overdue", Role: activities.RoleHR, Title: "SKP terlambat"}}},
		{Key: "wf/set", Seq: 2, Action: "plan.set_by_hr", ActorNIP: nipHR, After: activities.Snapshot{Phase: "pelaksanaan", PlanState: "approved"},
			Record: activities.Record{PlanSet: &activities.PlanSubmitted{Version: 1, Plan: plan}}, CloseTasks: []string{"draft_plan", "plan_overdue"}},
		{Key: "wf/monitoring", Seq: 3, Action: "monitoring.opened", ActorNIP: "system", After: activities.Snapshot{Phase: "pemantauan"},
			OpenTasks: []activities.TaskSpec{{Kind: "report_midyear", Role: activities.RolePegawai, AssigneeNIP: nipEmployee, Title: "Lapor"}}},
		{Key: "wf/closed", Seq: 4, Action: "year.closed", ActorNIP: nipHR, After: activities.Snapshot{Phase: "ditutup"}, CloseAllTasks: true,
			Record: activities.Record{YearClosed: &activities.YearClosed{Reason: "pensiun", Notes: "SK 800/1"}}},
	}
	for _, s := range steps {
		s.CycleID, s.NIP, s.At = cycle, nipEmployee, time.Now()
		if _, err := a.ApplyStep(ctx, s); err != nil {
			t.Fatalf("%s: %v", s.Action, err)
		}
	}
	y, err := st.Year(ctx, cycle, nipEmployee)
	if err != nil {
		t.Fatal(err)
	}
	if y.Plan == nil || y.Plan.Status != "approved" || y.Plan.Version != 1 {
		t.Errorf("plan = %+v", y.Plan)
	}
	if y.Enrolment.Phase != "ditutup" || y.Enrolment.ClosedReason != "pensiun" {
		t.Errorf("enrolment = %+v", y.Enrolment)
	}
	if n := count(t, pool, `SELECT count(*) FROM tasks WHERE done_at IS NULL`); n != 0 {
		t.Errorf("%d tasks open after the year was closed", n)
	}
	if n := count(t, pool, `SELECT count(*) FROM skp WHERE decided_by = $1`, nipHR); n != 1 {
		t.Errorf("the plan HR set is not recorded as decided by HR (%d)", n)
	}
}

func TestMarkBlockedShowsAlertsOnceAndClears(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool}
	ctx := context.Background()
	if _, err := a.ApplyStep(ctx, activities.Step{Key: "wf/enrolled", Seq: 1, CycleID: cycle, NIP: nipEmployee, ActorNIP: "system",
		Action: "cycle.enrolled", At: time.Now(), After: activities.Snapshot{Phase: "perencanaan"}}); err != nil {
		t.Fatal(err)
	}
	b := activities.Blocked{Key: "wf/tpp-posted", CycleID: cycle, NIP: nipEmployee, Action: "payroll.posted",
		Reason: "tpp_basic jabatan belum diisi", At: time.Now()}
	for range 2 { // the workflow may mark the same failure again after a restart
		if err := a.MarkBlocked(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	en, err := st.Enrolment(ctx, cycle, nipEmployee)
	if err != nil || en.Blocked != b.Reason {
		t.Errorf("enrolment while blocked = %+v (%v)", en, err)
	}
	if n := count(t, pool, `SELECT count(*) FROM tasks WHERE kind = $1 AND assignee_role = 'hr' AND done_at IS NULL`, activities.TaskYearBlocked); n != 1 {
		t.Errorf("%d open blocked tasks for HR, want 1", n)
	}
	var hrEmails, alerts int
	_ = pool.QueryRow(ctx, `SELECT count(*) FROM employees WHERE is_hr`).Scan(&hrEmails)
	alerts = count(t, pool, `SELECT count(*) FROM notification_outbox WHERE body_text LIKE '%tpp_basic jabatan belum diisi%'`)
	if hrEmails == 0 || alerts != hrEmails {
		t.Errorf("%d alert emails for %d HR users", alerts, hrEmails)
	}
	b.Reason = ""
	if err := a.MarkBlocked(ctx, b); err != nil {
		t.Fatal(err)
	}
	en, _ = st.Enrolment(ctx, cycle, nipEmployee)
	if en.Blocked != "" || count(t, pool, `SELECT count(*) FROM tasks WHERE kind = $1 AND done_at IS NULL`, activities.TaskYearBlocked) != 0 {
		t.Errorf("still blocked after the step landed: %+v", en)
	}
	// A year whose enrolment row is gone still alerts HR rather than failing the marker.
	if err := a.MarkBlocked(ctx, activities.Blocked{Key: "wf2/x", CycleID: cycle + 1000, NIP: nipEmployee, Action: "cycle.enrolled",
		Reason: "pegawai tidak terdaftar", At: time.Now()}); err != nil {
		t.Errorf("marking a year without its row: %v", err)
	}
}

// TestHRDigestReachesOnlyHRInScope: what arrives for HR (tasks, escalations) waits for the daily
// digest, which goes to region-wide HR and HR of the employee's unit or a unit above it, once per
// day, never to HR of another subtree or of a unit below.
func TestHRDigestReachesOnlyHRInScope(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	ctx := context.Background()
	const (
		nipHRDinas  = "198601012010012011"
		nipHRLain   = "198601012010012012"
		nipHRBidang = "198601012010012013"
	)
	hrOf := func(nip, unit, scope string) store.Employee {
		return store.Employee{NIP: nip, Name: "HR " + scope, Email: nip + "@contoh.go.id", Status: "PNS", UnitID: unit,
			PositionID: "staf", SuperiorNIP: nipHead, IsHR: true, HRScopeUnitID: scope}
	}
	if err := st.ImportOrg(ctx, store.OrgImport{
		Units: []store.Unit{{ID: "dinas-lain", Name: "Dinas Lain"}, {ID: "bidang", Name: "Bidang", ParentID: "dinas"}},
		Employees: []store.Employee{hrOf(nipHRDinas, "dinas", "dinas"), hrOf(nipHRLain, "dinas-lain", "dinas-lain"),
			hrOf(nipHRBidang, "bidang", "bidang")},
	}); err != nil {
		t.Fatal(err)
	}
	a := &activities.Activities{Pool: pool}
	now := time.Now()
	due := now.Add(-time.Hour) // already overdue
	if _, err := a.ApplyStep(ctx, activities.Step{Key: "wf/overdue", Seq: 1, CycleID: cycle, NIP: nipEmployee, ActorNIP: "system",
		Action: "deadline.escalated", At: now.Add(-2 * time.Hour), After: activities.Snapshot{Phase: "perencanaan"},
		OpenTasks: []activities.TaskSpec{{Kind: "plan_overdue", Role: activities.RoleHR, Title: "SKP Budi terlambat", DueAt: &due}},
		Notices:   []activities.Notice{{Kind: "escalation", Role: activities.RoleHR, Title: "Pemantauan Budi terlambat"}}}); err != nil {
		t.Fatal(err)
	}
	if n := count(t, pool, `SELECT count(*) FROM notification_outbox`); n != 0 {
		t.Fatalf("%d emails at once; HR hears of these in the digest", n)
	}
	run := activities.DigestRun{Since: now.Add(-24 * time.Hour), At: now}
	got, err := a.SendHRDigests(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `SELECT split_part(to_email, '@', 1), subject, body_text FROM notification_outbox ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	var to []string
	for rows.Next() {
		var nip, subject, body string
		_ = rows.Scan(&nip, &subject, &body)
		to = append(to, nip)
		if !strings.Contains(subject, "2 baru, 1 melewati batas waktu") || !strings.Contains(body, "SKP Budi terlambat") ||
			!strings.Contains(body, "Pemantauan Budi terlambat") || !strings.Contains(body, nipEmployee) {
			t.Errorf("digest to %s: %s\n%s", nip, subject, body)
		}
	}
	if want := []string{nipHR, nipHRDinas}; strings.Join(to, ",") != strings.Join(want, ",") || got.Sent != 2 {
		t.Errorf("digests went to %v (sent %d), want %v", to, got.Sent, want)
	}
	// The same day again: nothing twice.
	if again, err := a.SendHRDigests(ctx, run); err != nil || again.Sent != 0 {
		t.Errorf("a repeated run sent %d (%v)", again.Sent, err)
	}
	// HR of another subtree has nothing to hear of.
	if n := count(t, pool, `SELECT count(*) FROM notification_outbox WHERE to_email LIKE $1`, nipHRLain+"%"); n != 0 {
		t.Errorf("HR of another subtree got %d digests", n)
	}
}
