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

// progressYears selects the years of the cycle ($1) in the subtree of $2 ("" for all), each with
// the top unit under $2 it falls in (top), and whether it has an overdue task at $3.
const progressYears = `WITH RECURSIVE tree AS (
		SELECT id, id AS top FROM org_units WHERE ($2::text = '' AND parent_id IS NULL) OR ($2::text <> '' AND parent_id = $2::text)
		UNION -- not ALL: a loop in the unit data ends instead of running forever
		SELECT c.id, tree.top FROM org_units c JOIN tree ON c.parent_id = tree.id
	), scope AS (
		SELECT id, top FROM tree
		UNION ALL SELECT $2::text, $2::text WHERE $2::text <> ''
	), years AS (
		SELECT ec.*, e.unit_id, s.top,
			EXISTS (SELECT 1 FROM tasks t WHERE t.cycle_id = ec.cycle_id AND t.subject_nip = ec.nip
				AND t.done_at IS NULL AND t.due_at < $3) AS overdue
		FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip JOIN scope s ON s.id = e.unit_id
		WHERE ec.cycle_id = $1
	)`

// Progress sums up a cycle's years in a subtree by SQL aggregates, never by loading every row.
func (s *Store) Progress(ctx context.Context, q ProgressQuery) (p Progress, err error) {
	err = readWithoutJIT(ctx, s.Pool, func(tx pgx.Tx) error {
		p, err = progress(ctx, tx, q)
		return err
	})
	return p, err
}

func progress(ctx context.Context, tx pgx.Tx, q ProgressQuery) (Progress, error) {
	p := Progress{Counts: Counts{ByPhase: map[string]int{}}, Units: []UnitProgress{}, Employees: []Enrolment{}}
	rows, err := tx.Query(ctx, progressYears+`
		SELECT top, coalesce(u.name, ''), phase, count(*), count(*) FILTER (WHERE result_final),
			count(*) FILTER (WHERE blocked_reason IS NOT NULL), count(*) FILTER (WHERE overdue)
		FROM years LEFT JOIN org_units u ON u.id = years.top
		GROUP BY top, u.name, phase ORDER BY top, phase`, q.CycleID, q.Unit, q.Now)
	if err != nil {
		return p, err
	}
	byUnit := map[string]*UnitProgress{}
	err = forEach(rows, func(r pgx.Rows) error {
		var top, name, phase string
		var n, final, blocked, overdue int
		if err := r.Scan(&top, &name, &phase, &n, &final, &blocked, &overdue); err != nil {
			return err
		}
		p.add(phase, n, final, blocked, overdue)
		if top == q.Unit {
			return nil // employees of the unit itself, not of a unit under it
		}
		u, ok := byUnit[top]
		if !ok {
			u = &UnitProgress{UnitID: top, Name: name, Counts: Counts{ByPhase: map[string]int{}}}
			byUnit[top] = u
		}
		u.add(phase, n, final, blocked, overdue)
		return nil
	})
	if err != nil {
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
	rows, err = tx.Query(ctx, progressYears+`
		SELECT `+enrolmentColumns+` FROM years ec JOIN employees e ON e.nip = ec.nip
		WHERE ($4::text = '' OR ec.phase = $4::text) AND (NOT $5::bool OR ec.overdue) AND (NOT $6::bool OR ec.blocked_reason IS NOT NULL)
			AND ec.nip > $7::text
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

func (c *Counts) add(phase string, n, final, blocked, overdue int) {
	c.Enrolled += n
	c.ByPhase[phase] += n
	c.ResultsFinal += final
	c.Blocked += blocked
	c.Overdue += overdue
}
