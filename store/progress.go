package store

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// ProgressQuery is what HR's progress view asks of one cycle. Unit is the subtree it looks at ("":
// the whole organisation, for region-wide HR only; the API never passes "" for scoped HR).
type ProgressQuery struct {
	CycleID int64
	Unit    string
	Now     time.Time
	// Filters of the employee page.
	Phase   string
	Overdue bool // only years with an open task past its due date
	Blocked bool // only years that cannot go on
	After   string
	Limit   int
}

// Counts are a set of years summed up.
type Counts struct {
	Enrolled     int            `json:"enrolled"`
	ByPhase      map[string]int `json:"by_phase"`
	ResultsFinal int            `json:"results_final"`
	Blocked      int            `json:"blocked"`
	Overdue      int            `json:"overdue"` // years with at least one open task past its due date
}

// UnitProgress is one unit under the one looked at, with its whole subtree counted.
type UnitProgress struct {
	UnitID string `json:"unit_id"`
	Name   string `json:"name"`
	Counts
}

// Progress is the answer: the subtree's counts, the same per unit one level down (drill-down),
// and a page of its employees' years.
type Progress struct {
	Counts
	Units     []UnitProgress `json:"units"`
	Employees []Enrolment    `json:"employees"`
	// NextAfter continues the employee page (?after=); empty on the last page.
	NextAfter string `json:"next_after,omitempty"`
}

// progressScope lists the units in the subtree of $2 ("" for all), each with the top unit under
// $2 it falls in (top); $2 itself is its own top.
const progressScope = `WITH RECURSIVE tree AS (
		SELECT id, id AS top FROM org_units WHERE ($2::text = '' AND parent_id IS NULL) OR ($2::text <> '' AND parent_id = $2::text)
		UNION -- not ALL: a loop in the unit data ends instead of running forever
		SELECT c.id, tree.top FROM org_units c JOIN tree ON c.parent_id = tree.id
	), scope AS (
		SELECT id, top FROM tree
		UNION ALL SELECT $2::text, $2::text WHERE $2::text <> ''
	)`

// Progress sums up a cycle's years in a subtree from the counts the database keeps per unit and
// phase (migration 0025) and the years' earliest open due date, never by loading every year.
func (s *Store) Progress(ctx context.Context, q ProgressQuery) (Progress, error) {
	p := Progress{Counts: Counts{ByPhase: map[string]int{}}, Units: []UnitProgress{}, Employees: []Enrolment{}}
	// One row per (top, phase) with the counts, and one per top with its overdue years (phase '').
	rows, err := s.Pool.Query(ctx, progressScope+`
		SELECT s.top, pc.phase, sum(pc.enrolled)::int, sum(pc.final)::int, sum(pc.blocked)::int, 0
		FROM progress_counts pc JOIN scope s ON s.id = pc.unit_id
		WHERE pc.cycle_id = $1 AND pc.enrolled > 0
		GROUP BY s.top, pc.phase
		UNION ALL
		SELECT s.top, '', 0, 0, 0, count(*)::int
		FROM employee_cycles ec JOIN scope s ON s.id = ec.unit_id
		WHERE ec.cycle_id = $1 AND ec.next_due_at < $3
		GROUP BY s.top`, q.CycleID, q.Unit, q.Now)
	if err != nil {
		return p, err
	}
	byUnit := map[string]*UnitProgress{}
	var top, phase string
	var n, final, blocked, overdue int
	_, err = pgx.ForEachRow(rows, []any{&top, &phase, &n, &final, &blocked, &overdue}, func() error {
		p.add(phase, n, final, blocked, overdue)
		if top == q.Unit {
			return nil // employees of the unit itself, not of a unit under it
		}
		u, ok := byUnit[top]
		if !ok {
			u = &UnitProgress{UnitID: top, Counts: Counts{ByPhase: map[string]int{}}}
			byUnit[top] = u
		}
		u.add(phase, n, final, blocked, overdue)
		return nil
	})
	if err != nil {
		return p, err
	}
	if err := s.nameUnits(ctx, byUnit); err != nil {
		return p, err
	}
	for _, u := range byUnit {
		p.Units = append(p.Units, *u)
	}
	slices.SortFunc(p.Units, func(a, b UnitProgress) int { return strings.Compare(a.UnitID, b.UnitID) })

	limit := q.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	rows, err = s.Pool.Query(ctx, progressScope+`
		SELECT `+enrolmentColumns+` FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip JOIN scope s ON s.id = ec.unit_id
		WHERE ec.cycle_id = $1 AND ($4::text = '' OR ec.phase = $4::text) AND (NOT $5::bool OR ec.next_due_at < $3)
			AND (NOT $6::bool OR ec.blocked_reason IS NOT NULL) AND ec.nip > $7::text
		ORDER BY ec.nip LIMIT $8`, q.CycleID, q.Unit, q.Now, q.Phase, q.Overdue, q.Blocked, q.After, limit+1)
	if err != nil {
		return p, err
	}
	ens, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Enrolment])
	if err != nil {
		return p, err
	}
	if len(ens) > limit {
		ens = ens[:limit]
		p.NextAfter = ens[limit-1].NIP
	}
	p.Employees = ens
	return p, nil
}

// add sums one row of counts in; a row without a phase carries only overdue years.
func (c *Counts) add(phase string, n, final, blocked, overdue int) {
	if phase != "" {
		c.ByPhase[phase] += n
	}
	c.Enrolled += n
	c.ResultsFinal += final
	c.Blocked += blocked
	c.Overdue += overdue
}

// nameUnits fills in the names of the units of a drill-down.
func (s *Store) nameUnits(ctx context.Context, units map[string]*UnitProgress) error {
	ids := make([]string, 0, len(units))
	for id := range units {
		ids = append(ids, id)
	}
	rows, err := s.Pool.Query(ctx, `SELECT id, name FROM org_units WHERE id = ANY($1)`, ids)
	if err != nil {
		return err
	}
	var id, name string
	_, err = pgx.ForEachRow(rows, []any{&id, &name}, func() error {
		units[id].Name = name
		return nil
	})
	return err
}
