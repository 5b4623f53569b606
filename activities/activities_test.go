package activities_test

import (
	"context"
	"testing"
	"time"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/internal/tpp"
	"github.com/kinerja/platform/store"
)

const (
	nipHR       = "198501012010012001"
	nipHead     = "197001011995031001"
	nipPenilai  = "198001012005011002"
	nipEmployee = "199203152018011003"
)

// seed creates a small organisation, a cycle and one enrolment; it returns the cycle id.
func seed(t *testing.T, st *store.Store) int64 {
	t.Helper()
	ctx := context.Background()
	emp := func(nip, name, status, pos, sup string, hr bool) store.Employee {
		return store.Employee{NIP: nip, Name: name, Email: nip + "@contoh.go.id", Status: status, UnitID: "dinas",
			PositionID: pos, SuperiorNIP: sup, IsHR: hr}
	}
	err := st.ImportOrg(ctx, store.OrgImport{
		Units: []store.Unit{{ID: "dinas", Name: "Dinas"}},
		Positions: []store.Position{{ID: "kadis", Name: "Kepala Dinas", JenisJabatan: "jpt", KelasJabatan: 14, TPPBasic: 15_000_000},
			{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8, TPPBasic: 5_000_000}},
		Employees: []store.Employee{emp(nipHead, "Hadi", "PNS", "kadis", "", false), emp(nipPenilai, "Sari", "PNS", "kadis", nipHead, false),
			emp(nipEmployee, "Budi", "CPNS", "staf", nipPenilai, false), emp(nipHR, "Rina", "PNS", "staf", nipHead, true)},
	})
	if err != nil {
		t.Fatal(err)
	}
	dl := map[string]time.Time{}
	for i, n := range store.DeadlineColumns {
		dl[n] = time.Now().Add(time.Duration(i+1) * time.Hour)
	}
	id, err := st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: nipHR})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Enrol(ctx, store.Enrolment{CycleID: id, NIP: nipEmployee, WorkflowID: "wf", PenilaiNIP: nipPenilai,
		AtasanNIP: nipHead, Phase: "perencanaan"}); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestApplyStepWritesOnceAndNotifies(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool, Policy: tpp.Balangan2025}
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
	// One task email to the only HR user, one notice to the employee.
	if len(first.EmailKeys) != 2 {
		t.Fatalf("email keys = %v", first.EmailKeys)
	}
	again, err := a.ApplyStep(ctx, step)
	if err != nil {
		t.Fatal(err)
	}
	if len(again.EmailKeys) != 2 || again.EmailKeys[0] != first.EmailKeys[0] {
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
	if counts["audit_log"] != 1 || counts["tasks"] != 1 || counts["notification_outbox"] != 2 {
		t.Errorf("rows after a retried step: %v", counts)
	}
	en, err := st.Enrolment(ctx, cycle, nipEmployee)
	if err != nil || en.Phase != "keberatan" || en.Predikat != "baik" {
		t.Errorf("projection = %+v, %v", en, err)
	}
}

func TestPostingFollowsPolicyAndIsWrittenOnce(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool, Policy: tpp.Balangan2025}
	ctx := context.Background()
	for i, key := range []string{"wf/tpp-posted", "wf/tpp-posted-again"} {
		// Even a second step asking for the same (employee, cycle, period, kind) writes no second row.
		_, err := a.ApplyStep(ctx, activities.Step{Key: key, CycleID: cycle, NIP: nipEmployee, ActorNIP: "system",
			Action: "payroll.posted", At: time.Now(), After: activities.Snapshot{Phase: "selesai"},
			Record: activities.Record{Posting: &activities.Posting{Period: "2026", Kind: "tpp_kinerja_tahunan", Predikat: "butuh_perbaikan"}}})
		if err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	y, err := st.Year(ctx, cycle, nipEmployee)
	if err != nil {
		t.Fatal(err)
	}
	// CPNS Butuh Perbaikan: 5.000.000 × 60% × 80% × 80% = 1.920.000.
	if len(y.Postings) != 1 || y.Postings[0].Amount != 1_920_000 {
		t.Fatalf("postings = %+v", y.Postings)
	}
}

func TestLateStepDoesNotRewindTheProjection(t *testing.T) {
	pool := testenv.DB(t)
	st := &store.Store{Pool: pool}
	cycle := seed(t, st)
	a := &activities.Activities{Pool: pool, Policy: tpp.Balangan2025}
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
