package payroll_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/store"
)

func TestMain(m *testing.M) { testenv.Main(m) }

const nipHR = "198501012010012001"

// nipOf is the i-th staff member's NIP.
func nipOf(i int) string { return fmt.Sprintf("1990010120150110%02d", i) }

// env is a database with a small organisation: HR, a head (basic 15.000.000) and n staff
// (basic 10.000.000, PNS), one cycle of 2026, and policy p stored through the store.
type env struct {
	t     *testing.T
	pool  *pgxpool.Pool
	st    *store.Store
	cycle int64
	now   time.Time
}

const nipHead = "197001011995031001"

func newEnv(t *testing.T, n int, p pay.Policy) *env {
	t.Helper()
	ctx := context.Background()
	pool := testenv.DB(t)
	e := &env{t: t, pool: pool, st: &store.Store{Pool: pool}, now: time.Date(2026, 4, 2, 9, 0, 0, 0, time.UTC)}
	emps := []store.Employee{
		{NIP: nipHR, Name: "Rina", Email: "hr@contoh.go.id", Status: "PNS", UnitID: "bkpsdm", PositionID: "staf", IsHR: true},
		{NIP: nipHead, Name: "Hadi", Email: "kadis@contoh.go.id", Status: "PNS", UnitID: "dinas", PositionID: "kadis"},
	}
	for i := 1; i <= n; i++ {
		emps = append(emps, store.Employee{NIP: nipOf(i), Name: fmt.Sprintf("Pegawai %d", i), Email: fmt.Sprintf("p%d@contoh.go.id", i),
			Status: "PNS", UnitID: "bidang", PositionID: "staf", SuperiorNIP: nipHead})
	}
	err := e.st.ImportOrg(ctx, store.OrgImport{
		Units: []store.Unit{{ID: "pemda", Name: "Pemda"}, {ID: "bkpsdm", Name: "BKPSDM", ParentID: "pemda"},
			{ID: "dinas", Name: "Dinas", ParentID: "pemda"}, {ID: "bidang", Name: "Bidang", ParentID: "dinas"}},
		Positions: []store.Position{{ID: "kadis", Name: "Kepala Dinas", JenisJabatan: "jpt", KelasJabatan: 14, TPPBasic: 15_000_000},
			{ID: "staf", Name: "Pranata Komputer", JenisJabatan: "fungsional", KelasJabatan: 8, TPPBasic: 10_000_000}},
		Employees: emps,
	})
	if err != nil {
		t.Fatal(err)
	}
	dl := map[string]time.Time{}
	for i, name := range store.DeadlineColumns {
		dl[name] = time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * 30 * 24 * time.Hour)
	}
	if e.cycle, err = e.st.CreateCycle(ctx, store.Cycle{Year: 2026, Name: "Penilaian Kinerja 2026", Deadlines: dl,
		AppealWindow: time.Hour, DecisionSLA: time.Hour, ReminderLead: time.Minute, CreatedBy: nipHR}); err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddPolicy(ctx, p, nipHR, e.now); err != nil {
		t.Fatal(err)
	}
	return e
}

// predikat sets nip's predikat for month m.
func (e *env) predikat(nip string, m pay.Month, predikat, note string) {
	e.t.Helper()
	start := payroll.DateOf(m)
	if err := e.st.SetPeriodResult(context.Background(), store.PeriodResult{CycleID: e.cycle, NIP: nip, PeriodStart: start,
		PeriodEnd: start.AddDate(0, 1, -1), Predikat: predikat, DecidedAt: e.now, Note: note}); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) attendance(rows ...store.AttendanceRow) {
	e.t.Helper()
	if _, err := e.st.ImportAttendance(context.Background(), rows, nipHR, e.now); err != nil {
		e.t.Fatal(err)
	}
}

// run computes month m for the whole region page by page through the engine (as the workflow's
// activity does) and approves it; it returns the run.
func (e *env) run(m pay.Month, size int) payroll.Run {
	e.t.Helper()
	ctx := context.Background()
	r, err := payroll.CreateRun(ctx, e.pool, m, nil, nipHR, e.now)
	if err != nil {
		e.t.Fatal(err)
	}
	eng := payroll.Engine{Pool: e.pool}
	bounds, err := eng.Plan(ctx, r.ID, size)
	if err != nil {
		e.t.Fatal(err)
	}
	for i, after := range bounds {
		upto := ""
		if i+1 < len(bounds) {
			upto = bounds[i+1]
		}
		if _, err := eng.RunPage(ctx, r.ID, after, upto); err != nil {
			e.t.Fatal(err)
		}
	}
	if err := payroll.FinishComputing(ctx, e.pool, r.ID, e.now); err != nil {
		e.t.Fatal(err)
	}
	if err := payroll.Decide(ctx, e.pool, r.ID, true, nipHR, e.now); err != nil {
		e.t.Fatal(err)
	}
	got, err := payroll.GetRun(ctx, e.pool, r.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	if len(got.Errors) > 0 {
		e.t.Fatalf("run %s: errors %+v", m, got.Errors)
	}
	return got
}

// line is one ledger row as tests read it.
type line struct {
	ID       int64
	RunID    int64
	Period   string
	Kind     string
	Entry    string
	Amount   int64
	Policy   string
	Reverses *int64
	Cause    string
}

func (e *env) lines(nip string) []line {
	e.t.Helper()
	rows, err := e.pool.Query(context.Background(), `SELECT id, run_id, to_char(period, 'YYYY-MM'), kind, entry, amount, policy_id, reverses_id, cause
		FROM pay_lines WHERE nip = $1 ORDER BY id`, nip)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []line
	for rows.Next() {
		var l line
		if err := rows.Scan(&l.ID, &l.RunID, &l.Period, &l.Kind, &l.Entry, &l.Amount, &l.Policy, &l.Reverses, &l.Cause); err != nil {
			e.t.Fatal(err)
		}
		out = append(out, l)
	}
	return out
}

// tpp is nip's TPP in force for month m as the slip has it: the tpp line plus the annual
// reward or cut lines.
func (e *env) tpp(nip string, m pay.Month) int64 {
	e.t.Helper()
	var v int64
	var n int
	err := e.pool.QueryRow(context.Background(), `SELECT coalesce(sum(l.amount), 0), count(*) FILTER (WHERE l.kind = 'tpp') FROM pay_lines l
		WHERE l.nip = $1 AND l.period = $2 AND l.kind IN ('tpp', 'annual_reward', 'annual_cut') AND l.entry = 'line'
		AND NOT EXISTS (SELECT 1 FROM pay_lines x WHERE x.reverses_id = l.id)`, nip, payroll.DateOf(m)).Scan(&v, &n)
	if err != nil || n != 1 {
		e.t.Fatalf("tpp of %s in %s: %d tpp lines in force, %v", nip, m, n, err)
	}
	return v
}

// inForce is the amount of nip's line of kind in force for month m (0 when none).
func (e *env) inForce(nip string, m pay.Month, kind string) int64 {
	e.t.Helper()
	var v int64
	err := e.pool.QueryRow(context.Background(), `SELECT coalesce(sum(l.amount), 0) FROM pay_lines l JOIN payroll_runs r ON r.id = l.run_id AND r.state = 'approved'
		WHERE l.nip = $1 AND l.period = $2 AND l.kind = $3 AND l.entry = 'line'
		AND NOT EXISTS (SELECT 1 FROM pay_lines x WHERE x.reverses_id = l.id)`, nip, payroll.DateOf(m), kind).Scan(&v)
	if err != nil {
		e.t.Fatal(err)
	}
	return v
}

// policyWithID is p under another id and start month.
func policyWithID(p pay.Policy, id string, from pay.Month) pay.Policy {
	p.ID, p.EffectiveFrom = id, from
	return p
}
