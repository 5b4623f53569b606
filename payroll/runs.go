package payroll

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kinerja/platform/internal/pay"
)

// Run is a payroll run with its progress.
type Run struct {
	ID             int64           `json:"id"`
	Month          pay.Month       `json:"month"`
	ScopeUnitID    *string         `json:"scope_unit_id"`
	State          string          `json:"state"`
	WorkflowID     string          `json:"workflow_id"`
	EmployeesTotal int             `json:"employees_total"`
	EmployeesDone  int             `json:"employees_done"`
	Lines          int             `json:"lines"`
	Errors         []EmployeeError `json:"errors"`
	CreatedBy      string          `json:"created_by"`
	CreatedAt      time.Time       `json:"created_at"`
	ComputedAt     *time.Time      `json:"computed_at,omitempty"`
	DecidedBy      *string         `json:"decided_by,omitempty"`
	DecidedAt      *time.Time      `json:"decided_at,omitempty"`
}

// ErrRunOpen: another run is computing or awaiting approval.
var ErrRunOpen = errors.New("masih ada penggajian TPP yang sedang dihitung atau menunggu persetujuan; setujui atau batalkan dulu")

// ErrNoRun is a run that does not exist.
var ErrNoRun = errors.New("penggajian TPP tidak ditemukan")

// CreateRun records a computing run for month m and scope (nil: the whole region).
func CreateRun(ctx context.Context, db interface {
	Begin(context.Context) (pgx.Tx, error)
}, m pay.Month, scope *string, by string, at time.Time) (Run, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return Run{}, err
	}
	defer tx.Rollback(ctx)
	total, err := CountScope(ctx, tx, scope)
	if err != nil {
		return Run{}, err
	}
	var id int64
	// The workflow id is random: run ids repeat across databases sharing a Temporal server.
	var wfID string
	err = tx.QueryRow(ctx, `INSERT INTO payroll_runs (month, scope_unit_id, workflow_id, employees_total, created_by, created_at)
		VALUES ($1, $2, 'payroll-run-' || gen_random_uuid(), $3, $4, $5) RETURNING id, workflow_id`,
		DateOf(m), scope, total, by, at).Scan(&id, &wfID)
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) && pgErr.ConstraintName == "payroll_runs_one_open" {
		return Run{}, ErrRunOpen
	}
	if err != nil {
		return Run{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Run{}, err
	}
	return Run{ID: id, Month: m, ScopeUnitID: scope, State: StateComputing, WorkflowID: wfID, EmployeesTotal: total, CreatedBy: by, CreatedAt: at}, nil
}

// GetRun reads a run and its progress (summed over the pages written).
func GetRun(ctx context.Context, q querier, id int64) (Run, error) {
	var r Run
	var month time.Time
	err := q.QueryRow(ctx, `SELECT id, month, scope_unit_id, state, workflow_id, employees_total, created_by, created_at, computed_at, decided_by, decided_at,
			(SELECT coalesce(sum(employees), 0) FROM payroll_run_pages WHERE run_id = r.id),
			(SELECT coalesce(sum(lines), 0) FROM payroll_run_pages WHERE run_id = r.id)
		FROM payroll_runs r WHERE id = $1`, id).Scan(&r.ID, &month, &r.ScopeUnitID, &r.State, &r.WorkflowID, &r.EmployeesTotal, &r.CreatedBy,
		&r.CreatedAt, &r.ComputedAt, &r.DecidedBy, &r.DecidedAt, &r.EmployeesDone, &r.Lines)
	if errors.Is(err, pgx.ErrNoRows) {
		return Run{}, ErrNoRun
	}
	if err != nil {
		return Run{}, err
	}
	r.Month = MonthOf(month)
	rows, err := q.Query(ctx, `SELECT e FROM payroll_run_pages p, jsonb_array_elements(p.errors) e WHERE run_id = $1 ORDER BY after_nip`, id)
	if err != nil {
		return Run{}, err
	}
	r.Errors, err = pgx.CollectRows(rows, pgx.RowTo[EmployeeError])
	if r.Errors == nil {
		r.Errors = []EmployeeError{}
	}
	return r, err
}

// Exec is what state changes need: a pool or a transaction.
type Exec interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// FinishComputing moves a computing run to awaiting approval; again is harmless.
func FinishComputing(ctx context.Context, db Exec, id int64, at time.Time) error {
	_, err := db.Exec(ctx, `UPDATE payroll_runs SET state = 'awaiting_approval', computed_at = $2 WHERE id = $1 AND state = 'computing'`, id, at)
	return err
}

// Decide approves or cancels a run awaiting approval (or, cancelling, one still computing);
// again with the same decision is harmless.
func Decide(ctx context.Context, db Exec, id int64, approve bool, by string, at time.Time) error {
	state, from := StateCancelled, []string{StateComputing, StateAwaitingApproval}
	if approve {
		state, from = StateApproved, []string{StateAwaitingApproval}
	}
	_, err := db.Exec(ctx, `UPDATE payroll_runs SET state = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND state = ANY($5)`,
		id, state, by, at, from)
	return err
}
