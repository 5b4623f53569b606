package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/distribution"
)

// UnitDistribution is one unit's distribution check in a cycle (Monitoring Kurva).
type UnitDistribution struct {
	UnitID   string `json:"unit_id"`
	UnitName string `json:"unit_name"`
	// Org is the unit's own predikat; empty while nobody has set it (the rule does not apply yet).
	Org           distribution.OrgPredikat `json:"org_predikat,omitempty"`
	Counts        map[string]int           `json:"counts"` // per employee predikat, employees of the unit's subtree
	Check         *distribution.Result     `json:"check,omitempty"`
	Justified     bool                     `json:"justified"`
	Justification string                   `json:"justification,omitempty"`
	// Holds: the cycle blocks and the unit breaks the rule without a justification.
	Holds bool `json:"holds"`
}

// subtreeOf selects the unit $2 and every unit under it.
const subtreeOf = `WITH RECURSIVE sub AS (
		SELECT id FROM org_units WHERE id = $2
		UNION
		SELECT c.id FROM org_units c JOIN sub ON c.parent_id = sub.id
	)`

// Distribution checks one unit of a cycle: the predikat of the enrolled employees of its subtree
// against the rule of its own predikat.
func (s *Store) Distribution(ctx context.Context, cycleID int64, unitID string) (d UnitDistribution, err error) {
	err = readOnly(ctx, s.Pool, func(tx pgx.Tx) error {
		d, err = unitDistribution(ctx, tx, cycleID, unitID)
		return err
	})
	return d, err
}

func unitDistribution(ctx context.Context, tx pgx.Tx, cycleID int64, unitID string) (UnitDistribution, error) {
	d := UnitDistribution{UnitID: unitID, Counts: map[string]int{}}
	var mode string
	var org, justification *string
	err := tx.QueryRow(ctx, `SELECT u.name, c.distribution_mode, op.predikat, dj.justification
		FROM org_units u JOIN cycles c ON c.id = $1
		LEFT JOIN org_predikat op ON op.cycle_id = c.id AND op.unit_id = u.id
		LEFT JOIN distribution_justifications dj ON dj.cycle_id = c.id AND dj.unit_id = u.id
		WHERE u.id = $2`, cycleID, unitID).Scan(&d.UnitName, &mode, &org, &justification)
	if errors.Is(err, pgx.ErrNoRows) {
		return d, fmt.Errorf("unit %s di siklus %d: %w", unitID, cycleID, ErrNotFound)
	}
	if err != nil {
		return d, err
	}
	rows, err := tx.Query(ctx, subtreeOf+`
		SELECT ec.predikat, count(*) FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 AND ec.predikat IS NOT NULL AND ec.closed_reason IS NULL AND e.unit_id IN (SELECT id FROM sub)
		GROUP BY ec.predikat`, cycleID, unitID)
	if err != nil {
		return d, err
	}
	counts := distribution.Counts{}
	var p string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&p, &n}, func() error {
		counts[appraisal.Predikat(p)] = n
		d.Counts[p] = n
		return nil
	})
	if err != nil {
		return d, err
	}
	if justification != nil {
		d.Justified, d.Justification = true, *justification
	}
	if org == nil {
		return d, nil
	}
	d.Org = distribution.OrgPredikat(*org)
	res, err := distribution.Check(d.Org, counts)
	if err != nil {
		return d, err
	}
	d.Check = &res
	d.Holds = mode == "block" && !res.OK && !d.Justified
	return d, nil
}

// GoverningUnit is the nearest unit, from the employee's own up, whose predikat is set for the
// cycle: the one whose rule the employee's predikat counts under. "" when none is set.
func (s *Store) GoverningUnit(ctx context.Context, cycleID int64, nip string) (string, error) {
	var unit string
	err := s.Pool.QueryRow(ctx, `WITH RECURSIVE up AS (
			SELECT u.id, u.parent_id, 0 AS depth FROM org_units u JOIN employees e ON e.unit_id = u.id WHERE e.nip = $2
			UNION
			SELECT p.id, p.parent_id, up.depth + 1 FROM org_units p JOIN up ON p.id = up.parent_id WHERE up.depth < 100
		)
		SELECT up.id FROM up JOIN org_predikat op ON op.unit_id = up.id AND op.cycle_id = $1
		ORDER BY up.depth LIMIT 1`, cycleID, nip).Scan(&unit)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return unit, err
}

// SetOrgPredikat records a unit's own predikat for a cycle, audited with the one who set it.
func (s *Store) SetOrgPredikat(ctx context.Context, cycleID int64, unitID string, p distribution.OrgPredikat, by string, at time.Time) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var before *string
		err := tx.QueryRow(ctx, `SELECT predikat FROM org_predikat WHERE cycle_id = $1 AND unit_id = $2 FOR UPDATE`,
			cycleID, unitID).Scan(&before)
		if err != nil && !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if _, err := tx.Exec(ctx, `INSERT INTO org_predikat (cycle_id, unit_id, predikat, set_by, set_at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (cycle_id, unit_id) DO UPDATE SET predikat = $3, set_by = $4, set_at = $5`,
			cycleID, unitID, string(p), by, at); err != nil {
			return err
		}
		return auditUnit(ctx, tx, cycleID, by, "distribution.org_predikat_set", map[string]any{"unit_id": unitID, "predikat": before},
			map[string]any{"unit_id": unitID, "predikat": p})
	})
}

// Justify records HR's justification for a unit that breaks the rule, audited.
func (s *Store) Justify(ctx context.Context, cycleID int64, unitID, text, by string, at time.Time) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO distribution_justifications (cycle_id, unit_id, justification, recorded_by, recorded_at)
			VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cycle_id, unit_id) DO UPDATE SET justification = $3, recorded_by = $4, recorded_at = $5`,
			cycleID, unitID, text, by, at); err != nil {
			return err
		}
		return auditUnit(ctx, tx, cycleID, by, "distribution.justified", nil, map[string]any{"unit_id": unitID, "justification": text})
	})
}

// SetDistributionMode sets whether a unit breaking the rule blocks (block) or only warns (warn), audited.
func (s *Store) SetDistributionMode(ctx context.Context, cycleID int64, mode, by string) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var before string
		if err := tx.QueryRow(ctx, `SELECT distribution_mode FROM cycles WHERE id = $1 FOR UPDATE`, cycleID).Scan(&before); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return fmt.Errorf("siklus %d: %w", cycleID, ErrNotFound)
			}
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE cycles SET distribution_mode = $2 WHERE id = $1`, cycleID, mode); err != nil {
			return err
		}
		return auditUnit(ctx, tx, cycleID, by, "distribution.mode_set", map[string]any{"mode": before}, map[string]any{"mode": mode})
	})
}

// HeldYears lists the workflows of a unit's subtree whose results wait on the distribution rule.
func (s *Store) HeldYears(ctx context.Context, cycleID int64, unitID string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, subtreeOf+`
		SELECT ec.workflow_id FROM tasks t JOIN employee_cycles ec ON ec.cycle_id = t.cycle_id AND ec.nip = t.subject_nip
		JOIN employees e ON e.nip = ec.nip
		WHERE t.cycle_id = $1 AND t.kind = 'distribution_hold' AND t.done_at IS NULL AND e.unit_id IN (SELECT id FROM sub)
		ORDER BY ec.nip`, cycleID, unitID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// UnitHead is the head of a unit: its employee whose superior works outside it (or who has none).
func (s *Store) UnitHead(ctx context.Context, unitID string) (string, error) {
	var nip string
	err := s.Pool.QueryRow(ctx, `SELECT e.nip FROM employees e LEFT JOIN employees sup ON sup.nip = e.superior_nip
		WHERE e.unit_id = $1 AND `+headsUnit+` ORDER BY e.nip LIMIT 1`, unitID).Scan(&nip)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return nip, err
}

// headsUnit holds for an employee e (sup their superior) who heads their unit: the superior works
// outside it, or there is none.
const headsUnit = `(sup.nip IS NULL OR sup.unit_id <> e.unit_id)`

// LedUnit is the unit an employee heads and its organisation predikat in a cycle.
type LedUnit struct {
	UnitID   string                   `json:"unit_id"`
	UnitName string                   `json:"unit_name"`
	Org      distribution.OrgPredikat `json:"org_predikat"`
}

// LedUnitOf answers the unit nip heads when that unit's own predikat is set in the cycle; the
// zero LedUnit otherwise (nip heads no unit, or nobody set its predikat yet).
func (s *Store) LedUnitOf(ctx context.Context, cycleID int64, nip string) (LedUnit, error) {
	var l LedUnit
	err := s.Pool.QueryRow(ctx, `SELECT u.id, u.name, op.predikat FROM employees e LEFT JOIN employees sup ON sup.nip = e.superior_nip
		JOIN org_units u ON u.id = e.unit_id JOIN org_predikat op ON op.cycle_id = $1 AND op.unit_id = e.unit_id
		WHERE e.nip = $2 AND `+headsUnit, cycleID, nip).Scan(&l.UnitID, &l.UnitName, &l.Org)
	if errors.Is(err, pgx.ErrNoRows) {
		return LedUnit{}, nil
	}
	return l, err
}

func auditUnit(ctx context.Context, tx pgx.Tx, cycleID int64, actor, action string, before, after any) error {
	b, err := json.Marshal(before)
	if err != nil {
		return err
	}
	a, err := json.Marshal(after)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, cycle_id, before, after) VALUES ($1, $2, $3, $4, $5)`,
		actor, action, cycleID, b, a)
	return err
}

// OrgPredikatUnits lists the units whose predikat is set for the cycle.
func (s *Store) OrgPredikatUnits(ctx context.Context, cycleID int64) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT unit_id FROM org_predikat WHERE cycle_id = $1 ORDER BY unit_id`, cycleID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// SupervisesIn tells whether nip is the penilai or atasan of someone enrolled in the cycle whose
// unit lies in the unit's subtree.
func (s *Store) SupervisesIn(ctx context.Context, cycleID int64, unitID, nip string) (bool, error) {
	if nip == "" {
		return false, nil
	}
	var ok bool
	err := s.Pool.QueryRow(ctx, subtreeOf+`
		SELECT EXISTS (SELECT 1 FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 AND (ec.penilai_nip = $3 OR ec.atasan_nip = $3) AND e.unit_id IN (SELECT id FROM sub))`,
		cycleID, unitID, nip).Scan(&ok)
	return ok, err
}
