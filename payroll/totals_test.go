package payroll_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/payroll"
)

// listed is run id's row of the list of runs.
func (e *env) listed(id int64) payroll.RunSummary {
	e.t.Helper()
	rs, err := payroll.ListRuns(context.Background(), e.pool)
	if err != nil {
		e.t.Fatal(err)
	}
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	e.t.Fatalf("run %d not in the list", id)
	return payroll.RunSummary{}
}

// checkTotals compares the totals the list reads for run id with the sums of its pay_lines,
// added up here by kind, and with the run's pages.
func (e *env) checkTotals(id int64) payroll.RunSummary {
	e.t.Helper()
	ctx := context.Background()
	rows, err := e.pool.Query(ctx, `SELECT kind, amount FROM pay_lines WHERE run_id = $1`, id)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var want payroll.RunSummary
	for rows.Next() {
		var kind string
		var amount int64
		if err := rows.Scan(&kind, &amount); err != nil {
			e.t.Fatal(err)
		}
		want.Lines++
		switch kind {
		case "tpp", "annual_reward", "annual_cut", "pph21_allowance":
			want.Gross += amount
		case "pph21", "iwp":
			want.Deductions -= amount
		case "carry_out", "carry_in":
			want.Carried += amount
		case "bpjs":
			want.Employer += amount
		default:
			e.t.Fatalf("line kind %q not summed", kind)
		}
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	want.Transfer = want.Gross - want.Deductions + want.Carried
	run, err := payroll.GetRun(ctx, e.pool, id)
	if err != nil {
		e.t.Fatal(err)
	}
	got := e.listed(id)
	if !got.Totals || got.Lines != want.Lines || got.Gross != want.Gross || got.Deductions != want.Deductions ||
		got.Carried != want.Carried || got.Employer != want.Employer || got.Transfer != want.Transfer {
		e.t.Errorf("run %d listed totals %+v, its lines sum to %+v", id, got, want)
	}
	if got.Computed != run.EmployeesDone || got.Lines != run.Lines || got.Errors != len(run.Errors) || got.Excluded != len(run.Exclusions) {
		e.t.Errorf("run %d listed counts %+v, its pages: done %d, lines %d, errors %d, exclusions %d",
			id, got, run.EmployeesDone, run.Lines, len(run.Errors), len(run.Exclusions))
	}
	return got
}

// The list of runs reads each run's totals stored with it: absent while it computes, equal to
// its lines' sums once they are complete, and kept so through exclusion, approval and a later
// run of reversals.
func TestRunTotalsAreTheLinesSums(t *testing.T) {
	// Manado's rule pays no long leave: z cannot be computed, so the run has an error to exclude.
	e := newEnv(t, 3, policyWithID(pay.Manado(), "manado-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	x, y, z := nipOf(1), nipOf(2), nipOf(3)
	for _, n := range []string{x, y, z, nipHead} {
		e.predikat(n, march, "baik", "")
	}
	if _, err := e.pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-03-01', '2026-03-01', 'cuti', 1)`, z); err != nil {
		t.Fatal(err)
	}
	r, err := payroll.CreateRun(ctx, e.pool, march, nil, nipHR, e.now)
	if err != nil {
		t.Fatal(err)
	}
	eng := payroll.Engine{Pool: e.pool}
	bounds, err := eng.Plan(ctx, r.ID, 2)
	if err != nil || len(bounds) < 2 {
		t.Fatalf("pages %v (%v), want at least two", bounds, err)
	}
	if _, err := eng.RunPage(ctx, r.ID, bounds[0], bounds[1]); err != nil {
		t.Fatal(err)
	}
	if got := e.listed(r.ID); got.Totals || got.Transfer != 0 {
		t.Errorf("a run still computing is listed with totals: %+v", got)
	}
	for i, after := range bounds[1:] {
		upto := ""
		if i+2 < len(bounds) {
			upto = bounds[i+2]
		}
		if _, err := eng.RunPage(ctx, r.ID, after, upto); err != nil {
			t.Fatal(err)
		}
	}
	if err := payroll.FinishComputing(ctx, e.pool, r.ID, e.now); err != nil {
		t.Fatal(err)
	}
	got := e.checkTotals(r.ID)
	if got.Lines == 0 || got.Gross <= 0 || got.Errors != 1 || got.Excluded != 0 {
		t.Errorf("March once computed: %+v, want lines, a gross and z's one error", got)
	}
	if err := payroll.Exclude(ctx, e.pool, r.ID, z, "cuti dicatat keliru; dibayar bulan depan", nipHR, e.now); err != nil {
		t.Fatal(err)
	}
	if got := e.checkTotals(r.ID); got.Excluded != 1 {
		t.Errorf("after z's exclusion: %+v, want 1 excluded", got)
	}
	if err := payroll.Decide(ctx, e.pool, r.ID, true, nipHR, e.now); err != nil {
		t.Fatal(err)
	}
	if got := e.checkTotals(r.ID); got.State != payroll.StateApproved {
		t.Errorf("after approval: %+v", got)
	}

	// March's predikat of x is corrected: April's run reverses x's March and pays it again,
	// besides April itself; its totals take the reversals in.
	e.predikat(x, march, "kurang", "keberatan diputus")
	if _, err := e.pool.Exec(ctx, `DELETE FROM pay_leaves WHERE nip = $1`, z); err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{x, y, z, nipHead} {
		e.predikat(n, april, "baik", "")
	}
	apr := e.run(april, 2)
	var reversals int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pay_lines WHERE run_id = $1 AND entry = 'reversal'`, apr.ID).Scan(&reversals); err != nil || reversals == 0 {
		t.Fatalf("April's run has %d reversals (%v), want x's March reversed", reversals, err)
	}
	e.checkTotals(apr.ID)

	// A run cancelled while computing is listed with the totals of what it wrote.
	if _, err := e.pool.Exec(ctx, `INSERT INTO pay_leaves (nip, first_month, last_month, kind, months) VALUES ($1, '2026-05-01', '2026-05-01', 'cuti', 1)`, y); err != nil {
		t.Fatal(err)
	}
	may, err := payroll.CreateRun(ctx, e.pool, pay.MonthOf(2026, 5), nil, nipHR, e.now)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := eng.RunPage(ctx, may.ID, "", ""); err != nil {
		t.Fatal(err)
	}
	if err := payroll.Decide(ctx, e.pool, may.ID, false, nipHR, e.now); err != nil {
		t.Fatal(err)
	}
	if got := e.checkTotals(may.ID); got.State != payroll.StateCancelled || got.Lines == 0 {
		t.Errorf("May cancelled while computing: %+v", got)
	}
}

// Both ledgers refuse a change through one trigger function (migration 0033) that names the table.
func TestPayLinesStayAppendOnly(t *testing.T) {
	e := newEnv(t, 1, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	e.predikat(nipOf(1), march, "baik", "")
	e.run(march, 10)
	if len(e.lines(nipOf(1))) == 0 {
		t.Fatal("no lines to change")
	}
	for _, stmt := range []string{`UPDATE pay_lines SET amount = amount + 1`, `UPDATE pay_lines SET cause = 'diubah'`,
		`DELETE FROM pay_lines`, `TRUNCATE pay_lines CASCADE`} {
		_, err := e.pool.Exec(ctx, stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" || !strings.HasPrefix(pe.Message, "pay_lines is append-only") {
			t.Errorf("%s: %v, want pay_lines' append-only refusal", stmt, err)
		}
	}
	var fns []string
	rows, err := e.pool.Query(ctx, `SELECT DISTINCT p.proname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
		WHERE t.tgrelid IN ('pay_lines'::regclass, 'payroll_postings'::regclass) AND p.proname LIKE '%append_only' ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			t.Fatal(err)
		}
		fns = append(fns, f)
	}
	if strings.Join(fns, ",") != "ledger_append_only" {
		t.Errorf("the ledgers' triggers call %v, want ledger_append_only alone", fns)
	}
	var copies int
	if err := e.pool.QueryRow(ctx, `SELECT count(*) FROM pg_proc WHERE proname = 'pay_lines_append_only'`).Scan(&copies); err != nil || copies != 0 {
		t.Errorf("pay_lines_append_only still defined (%d, %v)", copies, err)
	}
}
