package payroll

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/pay"
)

// RunSummary is a run as the list of runs shows it: its month, scope, state and what it pays.
type RunSummary struct {
	ID          int64     `json:"id"`
	Month       pay.Month `json:"month"`
	ScopeUnitID *string   `json:"scope_unit_id"`
	ScopeName   string    `json:"scope_name"` // "" for the whole region
	State       string    `json:"state"`
	Employees   int       `json:"employees_total"`
	Lines       int       `json:"lines"`
	// Transfer is what the run's lines add up to (bpjs left out, reversals included).
	Transfer  int64     `json:"transfer"`
	Errors    int       `json:"errors"`
	CreatedAt time.Time `json:"created_at"`
}

// ListRuns reads the latest 100 runs, newest first, with its totals; the caller keeps those its scope covers.
func ListRuns(ctx context.Context, q querier) ([]RunSummary, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.month, r.scope_unit_id, coalesce(u.name, ''), r.state, r.employees_total,
			(SELECT count(*) FROM pay_lines l WHERE l.run_id = r.id),
			(SELECT coalesce(sum(l.amount), 0) FROM pay_lines l WHERE l.run_id = r.id AND l.kind <> 'bpjs'),
			(SELECT coalesce(sum(jsonb_array_length(p.errors)), 0) FROM payroll_run_pages p WHERE p.run_id = r.id),
			r.created_at
		FROM payroll_runs r LEFT JOIN org_units u ON u.id = r.scope_unit_id ORDER BY r.id DESC LIMIT 100`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (RunSummary, error) {
		var s RunSummary
		var month time.Time
		err := r.Scan(&s.ID, &month, &s.ScopeUnitID, &s.ScopeName, &s.State, &s.Employees, &s.Lines, &s.Transfer, &s.Errors, &s.CreatedAt)
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
