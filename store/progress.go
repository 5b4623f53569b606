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

// progressScope lists the units in the subtree of $1 ("" for all), each with the top unit under
// $1 it falls in (top); $1 itself is its own top.
const progressScope = `WITH RECURSIVE tree AS (
		SELECT id, id AS top FROM org_units WHERE ($1::text = '' AND parent_id IS NULL) OR ($1::text <> '' AND parent_id = $1::text)
		UNION -- not ALL: a loop in the unit data ends instead of running forever
		SELECT c.id, tree.top FROM org_units c JOIN tree ON c.parent_id = tree.id
	)
	SELECT id, top FROM tree
	UNION ALL SELECT $1::text, $1::text WHERE $1::text <> ''`

// Progress sums up a cycle's years in a subtree from the counts the database keeps per unit and
// phase (migration 0025) and the years' earliest open due date, never by loading every year.
//
// The subtree's units are read first (a few hundred rows at most) and passed on as an array:
// with unit_id = ANY($units) the planner walks employee_cycles_unit_idx per unit, where a join
// with the recursive scope made it read every overdue year of the region and join afterwards
// (a dinas's overdue view: 23-29 ms p50, 75 ms p99 at 100,000 years; BenchmarkReadsAtRegionScale).
func (s *Store) Progress(ctx context.Context, q ProgressQuery) (Progress, error) {
	p := Progress{Counts: Counts{ByPhase: map[string]int{}}, Units: []UnitProgress{}, Employees: []Enrolment{}}
	rows, err := s.Pool.Query(ctx, progressScope, q.Unit)
	if err != nil {
		return p, err
	}
	topOf := map[string]string{}
	var id, top string
	if _, err := pgx.ForEachRow(rows, []any{&id, &top}, func() error { topOf[id] = top; return nil }); err != nil {
		return p, err
	}
	units := make([]string, 0, len(topOf))
	for id := range topOf {
		units = append(units, id)
	}
	// One row per (unit, phase) with the counts, and one per unit with its overdue years (phase '').
	rows, err = s.Pool.Query(ctx, `
		SELECT unit_id, phase, enrolled, final, blocked, 0 FROM progress_counts
		WHERE cycle_id = $1 AND unit_id = ANY($2) AND enrolled > 0
		UNION ALL
		SELECT unit_id, '', 0, 0, 0, count(*)::int FROM employee_cycles
		WHERE cycle_id = $1 AND unit_id = ANY($2) AND next_due_at < $3
		GROUP BY unit_id`, q.CycleID, units, q.Now)
	if err != nil {
		return p, err
	}
	byUnit := map[string]*UnitProgress{}
	var unit, phase string
	var n, final, blocked, overdue int
	_, err = pgx.ForEachRow(rows, []any{&unit, &phase, &n, &final, &blocked, &overdue}, func() error {
		p.add(phase, n, final, blocked, overdue)
		top := topOf[unit]
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
	// The page: few matching years are found through employee_cycles_unit_idx and sorted (the CTE
	// is materialized so the planner does not walk the cycle's NIP order hoping to meet them soon:
	// a dinas's overdue page read 6,800 years that way for its 51); many are met soon in NIP order.
	years := `employee_cycles ec`
	if matching := p.matching(q); matching <= fewMatchingYears {
		years = `(SELECT * FROM ec_page) ec`
	}
	rows, err = s.Pool.Query(ctx, `WITH ec_page AS MATERIALIZED (
			SELECT * FROM employee_cycles ec WHERE `+progressPageWhere+`)
		SELECT `+enrolmentColumns+` FROM `+years+` JOIN employees e ON e.nip = ec.nip
		WHERE `+progressPageWhere+`
		ORDER BY ec.nip LIMIT $8`, q.CycleID, units, q.Now, q.Phase, q.Overdue, q.Blocked, q.After, limit+1)
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

// progressPageWhere is the employee page's filter (ProgressQuery's).
const progressPageWhere = `ec.cycle_id = $1 AND ec.unit_id = ANY($2) AND ($4::text = '' OR ec.phase = $4::text)
	AND (NOT $5::bool OR ec.next_due_at < $3) AND (NOT $6::bool OR ec.blocked_reason IS NOT NULL) AND ec.nip > $7::text`

// fewMatchingYears: up to this many years matching the page's filters are read by unit and
// sorted rather than met walking the NIP order. A variable for the tests of both ways.
var fewMatchingYears = 5_000

// matching bounds how many years of the subtree the page's filters let through, from its counts.
func (p Progress) matching(q ProgressQuery) int {
	n := p.Enrolled
	if q.Overdue {
		n = min(n, p.Overdue)
	}
	if q.Phase != "" {
		n = min(n, p.ByPhase[q.Phase])
	}
	if q.Blocked {
		n = min(n, p.Blocked)
	}
	return n
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
