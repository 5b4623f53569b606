package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/kinerja/platform/internal/period"
)

// DeadlineColumns are the cycles columns HR may move, by the name the workflow uses.
var DeadlineColumns = []string{
	"plan_due", "monitoring_start", "monitoring_due", "evaluation_start", "evaluation_due", "dialog_due", "followup_due",
}

type Cycle struct {
	ID           int64                `json:"id"`
	Year         int                  `json:"year"`
	Name         string               `json:"name"`
	Deadlines    map[string]time.Time `json:"deadlines"`
	AppealWindow time.Duration        `json:"-"`
	DecisionSLA  time.Duration        `json:"-"`
	ReminderLead time.Duration        `json:"-"`
	CreatedBy    string               `json:"created_by"`
	CreatedAt    time.Time            `json:"created_at"`
	// DistributionMode is block or warn: what a unit breaking the distribution rule does (migration 0017).
	DistributionMode string `json:"distribution_mode"`
	// EvaluationPeriod is monthly or quarterly (internal/period, migration 0024); "" is the
	// single mid-year check-in.
	EvaluationPeriod string `json:"evaluation_period"`
	// Calendar is when each period's report opens and its report and rating are due (migration
	// 0032), fixed when the cycle is created.
	Calendar period.Calendar `json:"period_calendar"`
}

// CreateCycle saves a cycle and its audit row (cycle.created, actor c.CreatedBy) in one transaction;
// a cycle without a period calendar gets period.DefaultCalendar.
func (s *Store) CreateCycle(ctx context.Context, c Cycle) (int64, error) {
	d := c.Deadlines
	if c.Calendar == (period.Calendar{}) { // none set: the default (an empty calendar is no calendar)
		c.Calendar = period.DefaultCalendar
	}
	var id int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO cycles (year, name, plan_due, monitoring_start, monitoring_due,
			evaluation_start, evaluation_due, dialog_due, followup_due, appeal_window, decision_sla, reminder_lead, created_by,
			evaluation_period, period_opens_days, period_report_days, period_rating_days)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULLIF($14, ''), $15, $16, $17) RETURNING id`,
			c.Year, c.Name, d["plan_due"], d["monitoring_start"], d["monitoring_due"], d["evaluation_start"],
			d["evaluation_due"], d["dialog_due"], d["followup_due"], c.AppealWindow, c.DecisionSLA, c.ReminderLead, c.CreatedBy,
			c.EvaluationPeriod, c.Calendar.OpensDays, c.Calendar.ReportDays, c.Calendar.RatingDays,
		).Scan(&id); err != nil {
			return err
		}
		after, err := json.Marshal(map[string]any{"year": c.Year, "name": c.Name, "deadlines": d,
			"appeal_window": c.AppealWindow.String(), "decision_sla": c.DecisionSLA.String(), "reminder_lead": c.ReminderLead.String(),
			"evaluation_period": c.EvaluationPeriod, "period_calendar": c.Calendar})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, cycle_id, after) VALUES ($1, 'cycle.created', $2, $3)`,
			c.CreatedBy, id, after)
		return err
	})
	return id, err
}

func (s *Store) Cycle(ctx context.Context, id int64) (Cycle, error) { return cycle(ctx, s.Pool, id) }

// ErrCycleInUse refuses to delete a cycle something already refers to.
var ErrCycleInUse = errors.New("siklus ini sudah dipakai")

// DeleteCycle removes a cycle nothing refers to yet (no year enrolled, no batch, no unit goal or
// organisation predikat: every table that points at a cycle keeps it) and audits it with what it
// held; a cycle in use is ErrCycleInUse, wrapped with what uses it.
func (s *Store) DeleteCycle(ctx context.Context, id int64, by string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		c, err := cycle(ctx, tx, id)
		if err != nil {
			return err
		}
		var years, batches int
		if err := tx.QueryRow(ctx, `SELECT (SELECT count(*) FROM employee_cycles WHERE cycle_id = $1),
			(SELECT count(*) FROM batches WHERE cycle_id = $1)`, id).Scan(&years, &batches); err != nil {
			return err
		}
		switch {
		case years > 0:
			return fmt.Errorf("%w: %d pegawai sudah terdaftar di dalamnya", ErrCycleInUse, years)
		case batches > 0:
			return fmt.Errorf("%w: peluncuran atau proses lain sudah dimulai untuknya", ErrCycleInUse)
		}
		before, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM cycles WHERE id = $1`, id); err != nil {
			var pgErr *pgconn.PgError
			if errors.As(err, &pgErr) && pgErr.Code == "23503" { // foreign_key_violation: a goal, a predikat, …
				return fmt.Errorf("%w: data lain (sasaran unit, predikat unit) sudah dicatat untuknya", ErrCycleInUse)
			}
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, cycle_id, before) VALUES ($1, 'cycle.deleted', $2, $3)`,
			by, id, before)
		return err
	})
}

func cycle(ctx context.Context, db interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}, id int64) (Cycle, error) {
	c := Cycle{Deadlines: map[string]time.Time{}}
	var t [7]time.Time
	err := db.QueryRow(ctx, `SELECT id, year, name, plan_due, monitoring_start, monitoring_due, evaluation_start,
		evaluation_due, dialog_due, followup_due, appeal_window, decision_sla, reminder_lead, created_by, created_at,
		distribution_mode, coalesce(evaluation_period, ''), period_opens_days, period_report_days, period_rating_days
		FROM cycles WHERE id = $1`, id).Scan(&c.ID, &c.Year, &c.Name, &t[0], &t[1], &t[2], &t[3], &t[4], &t[5], &t[6],
		&c.AppealWindow, &c.DecisionSLA, &c.ReminderLead, &c.CreatedBy, &c.CreatedAt, &c.DistributionMode, &c.EvaluationPeriod,
		&c.Calendar.OpensDays, &c.Calendar.ReportDays, &c.Calendar.RatingDays)
	if errors.Is(err, pgx.ErrNoRows) {
		return Cycle{}, fmt.Errorf("siklus %d: %w", id, ErrNotFound)
	}
	for i, n := range DeadlineColumns {
		c.Deadlines[n] = t[i]
	}
	return c, err
}

// MoveDeadline sets one date of a cycle; name must be one of DeadlineColumns.
// MoveDeadline sets one deadline of a cycle and writes its audit row (cycle.deadline_moved, with
// the date before and after) in one transaction. check sees the cycle as it stands, locked, so two
// concurrent moves cannot together break what each alone keeps; its error is returned as is.
func (s *Store) MoveDeadline(ctx context.Context, cycleID int64, name string, at time.Time, actor string, check func(Cycle) error) error {
	known := false
	for _, n := range DeadlineColumns {
		known = known || n == name
	}
	if !known {
		return fmt.Errorf("batas waktu %s: %w", name, ErrNotFound)
	}
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT 1 FROM cycles WHERE id = $1 FOR UPDATE`, cycleID); err != nil {
			return err
		}
		c, err := cycle(ctx, tx, cycleID)
		if err != nil {
			return err
		}
		if err := check(c); err != nil {
			return err
		}
		// name is one of the fixed column names above, never user text.
		if _, err := tx.Exec(ctx, `UPDATE cycles SET `+name+` = $2 WHERE id = $1`, cycleID, at); err != nil {
			return err
		}
		before, err := json.Marshal(map[string]any{"name": name, "at": c.Deadlines[name]})
		if err != nil {
			return err
		}
		after, err := json.Marshal(map[string]any{"name": name, "at": at})
		if err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, cycle_id, before, after)
			VALUES ($1, 'cycle.deadline_moved', $2, $3, $4)`, actor, cycleID, before, after)
		return err
	})
}

// Enrolment is one employee's place in a cycle.
type Enrolment struct {
	CycleID     int64     `json:"cycle_id"`
	NIP         string    `json:"nip"`
	Name        string    `json:"name"`
	WorkflowID  string    `json:"workflow_id"`
	PenilaiNIP  string    `json:"penilai_nip"`
	AtasanNIP   string    `json:"atasan_nip"`
	Phase       string    `json:"phase"`
	Predikat    string    `json:"predikat,omitempty"`
	ResultFinal bool      `json:"result_final"`
	UpdatedAt   time.Time `json:"updated_at"`
	UnitID      string    `json:"unit_id"` // the employee's unit today (HR scope is checked against it)
	// Blocked is why the year cannot go on (a step its workflow cannot write); empty when it can.
	Blocked string `json:"blocked,omitempty"`
	// ClosedReason is set when HR closed the year early.
	ClosedReason string `json:"closed_reason,omitempty"`
	// WorkflowState is WorkflowStarting until the year's workflow is known to run.
	WorkflowState string `json:"workflow_state"`
	// FormerPenilaiNIP is the penilai before a mutasi while a period of the old SKP waits for
	// their rating (migration 0030); empty otherwise.
	FormerPenilaiNIP string `json:"former_penilai_nip,omitempty"`
}

// Workflow states of an enrolment (migration 0009).
const (
	WorkflowStarting = "starting" // the row is written; its workflow may not exist yet
	WorkflowStarted  = "started"  // its workflow was started
)

// Enrol records the enrolment as WorkflowStarting; false when the employee was already
// enrolled, in which case the stored row (and its workflow ID) stays as it was.
func (s *Store) Enrol(ctx context.Context, e Enrolment) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase, workflow_state)
		VALUES ($1, $2, $3, $4, $5, $6, 'starting') ON CONFLICT (cycle_id, nip) DO NOTHING`,
		e.CycleID, e.NIP, e.WorkflowID, e.PenilaiNIP, e.AtasanNIP, e.Phase)
	return tag.RowsAffected() == 1, err
}

// MarkStarted records that the enrolment's workflow runs.
func (s *Store) MarkStarted(ctx context.Context, cycleID int64, nip string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE employee_cycles SET workflow_state = 'started'
		WHERE cycle_id = $1 AND nip = $2`, cycleID, nip)
	return err
}

// StartingEnrolments lists, oldest first, the enrolments of every cycle still WorkflowStarting
// that were written before the given time.
func (s *Store) StartingEnrolments(ctx context.Context, before time.Time) ([]Enrolment, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+enrolmentColumns+` FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.workflow_state = 'starting' AND ec.enrolled_at < $1 ORDER BY ec.enrolled_at`, before)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Enrolment])
}

const enrolmentColumns = `ec.cycle_id, ec.nip, e.name, ec.workflow_id, ec.penilai_nip, coalesce(ec.atasan_nip, ''),
	ec.phase, coalesce(ec.predikat, ''), ec.result_final, ec.updated_at, e.unit_id,
	coalesce(ec.blocked_reason, ''), coalesce(ec.closed_reason, ''),
	ec.workflow_state, coalesce(ec.former_penilai_nip, '')`

func (s *Store) Enrolment(ctx context.Context, cycleID int64, nip string) (Enrolment, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+enrolmentColumns+` FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 AND ec.nip = $2`, cycleID, nip)
	if err != nil {
		return Enrolment{}, err
	}
	en, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Enrolment])
	if errors.Is(err, pgx.ErrNoRows) {
		return Enrolment{}, fmt.Errorf("pegawai %s di siklus %d: %w", nip, cycleID, ErrNotFound)
	}
	return en, err
}

// Enrolments lists a cycle's employees, ordered by NIP.
func (s *Store) Enrolments(ctx context.Context, cycleID int64) ([]Enrolment, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+enrolmentColumns+` FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 ORDER BY ec.nip`, cycleID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Enrolment])
}

// EnrolmentsOf lists the cycles one employee is enrolled in, newest first.
func (s *Store) EnrolmentsOf(ctx context.Context, nip string) ([]Enrolment, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+enrolmentColumns+` FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.nip = $1 ORDER BY ec.cycle_id DESC`, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Enrolment])
}
