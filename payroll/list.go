package payroll

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/pay"
)

// RunSummary is a run as the list of runs shows it: its month, scope, state and what it pays.
// The totals are those stored in the run (storeTotals) once its lines were complete; while it
// computes (Totals false) only the errors so far are known.
type RunSummary struct {
	ID          int64     `json:"id"`
	Month       pay.Month `json:"month"`
	ScopeUnitID *string   `json:"scope_unit_id"`
	ScopeName   string    `json:"scope_name"` // "" for the whole region
	State       string    `json:"state"`
	Employees   int       `json:"employees_total"`
	// Totals says the amounts and counts below are the run's complete totals.
	Totals   bool `json:"totals"`
	Computed int  `json:"employees_done"`
	Lines    int  `json:"lines"`
	// Gross is what the lines pay (TPP, annual reward or cut, PPh 21 allowance); Deductions what
	// they take off (PPh 21, IWP) as a positive amount; Carried the shortfalls carried in or out;
	// Employer the employer's BPJS share, not part of the transfer.
	Gross      int64 `json:"gross"`
	Deductions int64 `json:"deductions"`
	Carried    int64 `json:"carried"`
	Employer   int64 `json:"employer"`
	// Transfer is what the run's lines add up to (bpjs left out, reversals included): the net.
	Transfer  int64     `json:"transfer"`
	Errors    int       `json:"errors"`
	Excluded  int       `json:"excluded"`
	CreatedAt time.Time `json:"created_at"`
}

// ListRuns reads the latest 100 runs, newest first, with their stored totals; the caller keeps
// those its scope covers. No run's lines are summed here.
func ListRuns(ctx context.Context, q querier) ([]RunSummary, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.month, r.scope_unit_id, coalesce(u.name, ''), r.state, r.employees_total,
			r.totals_at IS NOT NULL, r.employees_done, r.lines_count, r.gross, r.deductions, r.carried, r.employer, r.net,
			CASE WHEN r.totals_at IS NULL
				THEN (SELECT coalesce(sum(jsonb_array_length(p.errors)), 0) FROM payroll_run_pages p WHERE p.run_id = r.id)
				ELSE r.errors_count END,
			r.excluded_count, r.created_at
		FROM payroll_runs r LEFT JOIN org_units u ON u.id = r.scope_unit_id ORDER BY r.id DESC LIMIT 100`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RunSummary, error) {
		var s RunSummary
		var month time.Time
		err := r.Scan(&s.ID, &month, &s.ScopeUnitID, &s.ScopeName, &s.State, &s.Employees, &s.Totals, &s.Computed, &s.Lines,
			&s.Gross, &s.Deductions, &s.Carried, &s.Employer, &s.Transfer, &s.Errors, &s.Excluded, &s.CreatedAt)
		s.Month = MonthOf(month)
		return s, err
	})
}

// PaidMonths are the months nip has lines for in approved runs, newest first: the months a
// statement has something to show.
func PaidMonths(ctx context.Context, q querier, nip string) ([]pay.Month, error) {
	rows, err := q.Query(ctx, `SELECT DISTINCT l.period FROM pay_lines l JOIN payroll_runs r ON r.id = l.run_id AND r.state = 'approved'
		WHERE l.nip = $1 ORDER BY l.period DESC`, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (pay.Month, error) {
		var d time.Time
		err := r.Scan(&d)
		return MonthOf(d), err
	})
}

// Unit is an org unit a run may be scoped to.
type Unit struct {
	ID, Name string
	Parent   string `json:"-"` // "" for a root
}

// Units lists the org units by name, with their parents, for choosing a run's scope.
func Units(ctx context.Context, q querier) ([]Unit, error) {
	rows, err := q.Query(ctx, `SELECT id, name, coalesce(parent_id, '') FROM org_units ORDER BY name, id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Unit])
}
