package payroll

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kinerja/platform/audit"
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
	// Exclusions are the employees HR left out of the run (each with an error above) so it
	// could be approved; a later run pays their months late.
	Exclusions []Exclusion `json:"exclusions"`
	CreatedBy  string      `json:"created_by"`
	CreatedAt  time.Time   `json:"created_at"`
	ComputedAt *time.Time  `json:"computed_at,omitempty"`
	DecidedBy  *string     `json:"decided_by,omitempty"`
	DecidedAt  *time.Time  `json:"decided_at,omitempty"`
}

// ErrRunOpen: another open run (computing or awaiting approval) covers some of the same
// employees. CreateRun answers a *RunOpenError, which is ErrRunOpen.
var ErrRunOpen = errors.New("masih ada penggajian TPP yang sedang dihitung atau menunggu persetujuan untuk lingkup yang beririsan; setujui atau batalkan dulu")

// RunOpenError names the open run whose scope overlaps the one asked for.
type RunOpenError struct {
	RunID int64
	Month pay.Month
	Scope string // the unit's name, or "seluruh daerah"
}

func (e *RunOpenError) Error() string {
	return fmt.Sprintf("penggajian TPP #%d (%s, %s) masih dihitung atau menunggu persetujuan dan lingkupnya beririsan dengan lingkup ini; "+
		"setujui atau batalkan dulu, atau pilih unit yang tidak beririsan", e.RunID, e.Month, e.Scope)
}

func (e *RunOpenError) Is(target error) bool { return target == ErrRunOpen }

// ErrNoRun is a run that does not exist.
var ErrNoRun = errors.New("penggajian TPP tidak ditemukan")

// runsLock serialises run creation, so two overlapping runs cannot both pass the check below.
const runsLock = 7_262_020

// CreateRun records a computing run for month m and scope (nil: the whole region). Runs may be
// open together when their scopes are disjoint subtrees of units (any month): a scope equal to,
// inside or around an open run's, or the whole region while any run is open, is refused with a
// *RunOpenError, so two runs never pay the same employee's difference.
func CreateRun(ctx context.Context, db Begins, m pay.Month, scope *string, by string, at time.Time) (Run, error) {
	tx, err := db.Begin(ctx)
	if err != nil {
		return Run{}, err
	}
	defer tx.Rollback(ctx)
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, runsLock); err != nil {
		return Run{}, err
	}
	var open RunOpenError
	var month time.Time
	err = tx.QueryRow(ctx, `WITH RECURSIVE up AS (
			SELECT id, parent_id FROM org_units WHERE id = $1::text
			UNION SELECT o.id, o.parent_id FROM org_units o JOIN up ON o.id = up.parent_id
		), down AS (
			SELECT id FROM org_units WHERE id = $1::text
			UNION SELECT c.id FROM org_units c JOIN down ON c.parent_id = down.id
		) SELECT r.id, r.month, coalesce(u.name, 'seluruh daerah') FROM payroll_runs r LEFT JOIN org_units u ON u.id = r.scope_unit_id
		WHERE r.state IN ('computing', 'awaiting_approval')
		AND ($1::text IS NULL OR r.scope_unit_id IS NULL OR r.scope_unit_id IN (SELECT id FROM up) OR r.scope_unit_id IN (SELECT id FROM down))
		ORDER BY r.id LIMIT 1`, scope).Scan(&open.RunID, &month, &open.Scope)
	if err == nil {
		open.Month = MonthOf(month)
		return Run{}, &open
	}
	if !errors.Is(err, pgx.ErrNoRows) {
		return Run{}, err
	}
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
	if err != nil {
		return Run{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Run{}, err
	}
	return Run{ID: id, Month: m, ScopeUnitID: scope, State: StateComputing, WorkflowID: wfID, EmployeesTotal: total, CreatedBy: by, CreatedAt: at,
		Errors: []EmployeeError{}, Exclusions: []Exclusion{}}, nil
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
	if r.Errors, err = pgx.CollectRows(rows, pgx.RowTo[EmployeeError]); err != nil {
		return Run{}, err
	}
	if r.Errors == nil {
		r.Errors = []EmployeeError{}
	}
	rows, err = q.Query(ctx, `SELECT nip, reason, excluded_by, excluded_at FROM payroll_run_exclusions WHERE run_id = $1 ORDER BY nip`, id)
	if err != nil {
		return Run{}, err
	}
	r.Exclusions, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Exclusion])
	if r.Exclusions == nil {
		r.Exclusions = []Exclusion{}
	}
	return r, err
}

// Exclusion is an employee HR left out of a run, with the reason.
type Exclusion struct {
	NIP        string    `json:"nip"`
	Reason     string    `json:"reason"`
	ExcludedBy string    `json:"excluded_by"`
	ExcludedAt time.Time `json:"excluded_at"`
}

// UnresolvedError refuses the approval of a run some of whose employees could not be computed
// and were not excluded: it lists who and why.
type UnresolvedError struct {
	Errors []EmployeeError `json:"errors"`
}

func (e *UnresolvedError) Error() string {
	parts := make([]string, len(e.Errors))
	for i, x := range e.Errors {
		parts[i] = fmt.Sprintf("%s (%s): %s", x.NIP, x.Month, x.Message)
	}
	return fmt.Sprintf("penggajian belum dapat disetujui: %d pegawai gagal dihitung dan belum dikecualikan: %s. "+
		"Perbaiki datanya lalu jalankan ulang, atau kecualikan pegawai tersebut dengan alasan (dibayar pada penggajian berikutnya)",
		len(e.Errors), strings.Join(parts, "; "))
}

// Unresolved lists the run's errors whose employee HR has not excluded.
func Unresolved(ctx context.Context, q querier, runID int64) ([]EmployeeError, error) {
	rows, err := q.Query(ctx, `SELECT e FROM payroll_run_pages p, jsonb_array_elements(p.errors) e
		WHERE p.run_id = $1 AND NOT EXISTS (SELECT 1 FROM payroll_run_exclusions x WHERE x.run_id = p.run_id AND x.nip = e->>'nip')
		ORDER BY p.after_nip`, runID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[EmployeeError])
}

// CheckApprovable answers an *UnresolvedError when the run has errors HR did not exclude.
func CheckApprovable(ctx context.Context, q querier, runID int64) error {
	errs, err := Unresolved(ctx, q, runID)
	if err != nil {
		return err
	}
	if len(errs) > 0 {
		return &UnresolvedError{Errors: errs}
	}
	return nil
}

// ExclusionError is a refused exclusion: the field and why, in Bahasa Indonesia.
type ExclusionError struct{ Field, Message string }

func (e *ExclusionError) Error() string { return e.Field + ": " + e.Message }

// Exclude leaves nip out of run runID (awaiting approval) with HR's reason, audited, so the run
// can be approved without them. Only an employee the run could not compute can be excluded; the
// month is paid late by the next run that computes it. Excluding again is harmless.
func Exclude(ctx context.Context, db Begins, runID int64, nip, reason, by string, at time.Time) error {
	reason = strings.TrimSpace(reason)
	if len([]rune(reason)) < 5 {
		return &ExclusionError{"reason", "alasan pengecualian wajib diisi (paling sedikit 5 huruf)"}
	}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		var state string
		err := tx.QueryRow(ctx, `SELECT state FROM payroll_runs WHERE id = $1 FOR UPDATE`, runID).Scan(&state)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNoRun
		}
		if err != nil {
			return err
		}
		if state != StateAwaitingApproval {
			return &ExclusionError{"run", "pegawai hanya dapat dikecualikan dari penggajian yang menunggu persetujuan"}
		}
		rows, err := tx.Query(ctx, `SELECT e FROM payroll_run_pages p, jsonb_array_elements(p.errors) e WHERE p.run_id = $1 AND e->>'nip' = $2`, runID, nip)
		if err != nil {
			return err
		}
		errs, err := pgx.CollectRows(rows, pgx.RowTo[EmployeeError])
		if err != nil {
			return err
		}
		if len(errs) == 0 {
			return &ExclusionError{"nip", fmt.Sprintf("pegawai %s dihitung tanpa kesalahan dalam penggajian ini; hanya pegawai yang gagal dihitung yang dapat dikecualikan", nip)}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO payroll_run_exclusions (run_id, nip, reason, excluded_by, excluded_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (run_id, nip) DO NOTHING`, runID, nip, reason, by, at)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		if err := storeTotals(ctx, tx, runID, at); err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{Actor: by, Action: "payroll.excluded", Subject: nip,
			After: map[string]any{"run_id": runID, "reason": reason, "errors": errs}})
	})
}

// Exec is what state changes need: a pool or a transaction.
type Exec interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Begins is what a change made in one transaction needs: a pool (or a transaction, for a savepoint).
type Begins interface {
	Begin(context.Context) (pgx.Tx, error)
}

// storeTotals stores the run's totals (lines summed by kind, pages' counts, exclusions) in its row,
// where the list of runs reads them (migration 0033's payroll_run_store_totals, the one place
// they are summed). Called whenever what they sum may have changed: the lines complete, an
// exclusion, a decision.
func storeTotals(ctx context.Context, db Exec, id int64, at time.Time) error {
	_, err := db.Exec(ctx, `SELECT payroll_run_store_totals($1, $2)`, id, at)
	return err
}

// FinishComputing moves a computing run to awaiting approval and stores its totals, its lines
// being complete; again is harmless.
func FinishComputing(ctx context.Context, db Begins, id int64, at time.Time) error {
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE payroll_runs SET state = 'awaiting_approval', computed_at = $2 WHERE id = $1 AND state = 'computing'`, id, at)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return storeTotals(ctx, tx, id, at)
	})
}

// Decide approves or cancels a run awaiting approval (or, cancelling, one still computing);
// again with the same decision is harmless. Approval is refused (*UnresolvedError) while an
// employee the run could not compute is not excluded (CheckApprovable, which callers ask first).
// The totals are stored again with the decision: a run cancelled while computing gets them then.
func Decide(ctx context.Context, db Begins, id int64, approve bool, by string, at time.Time) error {
	state, from := StateCancelled, []string{StateComputing, StateAwaitingApproval}
	return pgx.BeginFunc(ctx, db, func(tx pgx.Tx) error {
		if approve {
			state, from = StateApproved, []string{StateAwaitingApproval}
			if err := CheckApprovable(ctx, tx, id); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `UPDATE payroll_runs SET state = $2, decided_by = $3, decided_at = $4 WHERE id = $1 AND state = ANY($5)`,
			id, state, by, at, from)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return storeTotals(ctx, tx, id, at)
	})
}
