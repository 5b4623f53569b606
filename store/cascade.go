package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/cascade"
	"github.com/kinerja/platform/internal/skp"
)

// Cascading (migration 0028): what an employee's RHK rows may point to, the unit goals a unit head
// points to when the penilai is outside the cycle, and the superior's view of who serves which RHK.

// UnitGoal is one goal (sasaran) of a unit in a cycle.
type UnitGoal struct {
	ID        int64     `json:"id"`
	CycleID   int64     `json:"cycle_id"`
	UnitID    string    `json:"unit_id"`
	Goal      string    `json:"goal"`
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
}

// UnitGoals lists a unit's goals in a cycle in the order they were recorded.
func (s *Store) UnitGoals(ctx context.Context, cycleID int64, unitID string) ([]UnitGoal, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, cycle_id, unit_id, goal, created_by, created_at FROM unit_goals
		WHERE cycle_id = $1 AND unit_id = $2 ORDER BY id`, cycleID, unitID)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[UnitGoal])
}

// AddUnitGoal records a goal of a unit, with its audit row in the same transaction.
func (s *Store) AddUnitGoal(ctx context.Context, cycleID int64, unitID, goal, by string, at time.Time) (UnitGoal, error) {
	g := UnitGoal{CycleID: cycleID, UnitID: unitID, Goal: goal, CreatedBy: by, CreatedAt: at}
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO unit_goals (cycle_id, unit_id, goal, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, cycleID, unitID, goal, by, at).Scan(&g.ID); err != nil {
			return err
		}
		return auditUnit(ctx, tx, cycleID, by, "unit_goal.added", nil, g)
	})
	return g, err
}

// RHKParents answers what the rows of an employee's SKP in a cycle may point to: the RHK of the
// penilai's SKP when it is approved, nothing yet when it is not, and, for the head of a unit whose
// penilai is not enrolled in the cycle (outside the cycle or the region), the unit's goals.
func (s *Store) RHKParents(ctx context.Context, en Enrolment) (cascade.Parents, error) {
	p := cascade.Parents{PenilaiNIP: en.PenilaiNIP, UnitID: en.UnitID, Candidates: []cascade.Candidate{}}
	if err := s.Pool.QueryRow(ctx, `SELECT name FROM employees WHERE nip = $1`, en.PenilaiNIP).Scan(&p.PenilaiName); err != nil {
		return p, fmt.Errorf("penilai %s: %w", en.PenilaiNIP, err)
	}
	var enrolled bool
	if err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employee_cycles WHERE cycle_id = $1 AND nip = $2)`,
		en.CycleID, en.PenilaiNIP).Scan(&enrolled); err != nil {
		return p, err
	}
	if !enrolled {
		// Only the unit's head serves the unit's goals; anyone else under a penilai outside the
		// cycle keeps the free text.
		head, err := s.UnitHead(ctx, en.UnitID)
		if err != nil {
			return p, err
		}
		var goals []UnitGoal
		if head == en.NIP {
			if goals, err = s.UnitGoals(ctx, en.CycleID, en.UnitID); err != nil {
				return p, err
			}
		}
		p.Source = cascade.Nothing
		if len(goals) > 0 {
			p.Source = cascade.UnitGoals
		}
		for i, g := range goals {
			p.Candidates = append(p.Candidates, cascade.Candidate{Ref: skp.ParentRef{GoalID: g.ID}.Ref(), Text: g.Goal, No: i + 1})
		}
		p.Note = cascade.NoteOf(p.Source, p.PenilaiName)
		return p, nil
	}
	var id int64
	var status string
	err := s.Pool.QueryRow(ctx, `SELECT id, version, status FROM skp WHERE cycle_id = $1 AND nip = $2
		ORDER BY version DESC LIMIT 1`, en.CycleID, en.PenilaiNIP).Scan(&id, &p.SKPVersion, &status)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return p, err
	}
	p.Source = cascade.SuperiorPending
	if status == "approved" {
		p.Source = cascade.SuperiorSKP
		rows, err := s.Pool.Query(ctx, `SELECT seq, kind, rhk FROM skp_items WHERE skp_id = $1 ORDER BY seq`, id)
		if err != nil {
			return p, err
		}
		var seq int
		var kind, rhk string
		if _, err := pgx.ForEachRow(rows, []any{&seq, &kind, &rhk}, func() error {
			p.Candidates = append(p.Candidates, cascade.Candidate{Ref: skp.ParentRef{SKPID: id, Seq: seq}.Ref(), Text: rhk, Kind: kind, No: seq + 1})
			return nil
		}); err != nil {
			return p, err
		}
	}
	p.Note = cascade.NoteOf(p.Source, p.PenilaiName)
	return p, nil
}

// Cascade is a superior's approved SKP with, under each RHK, the rows of subordinates' SKP that
// serve it (each subordinate's latest version).
type Cascade struct {
	NIP     string        `json:"nip"`
	Name    string        `json:"name"`
	Version int           `json:"version"` // the approved version shown; 0 when none is approved
	Items   []CascadeNode `json:"items"`
	// Stale are rows still pointing at an earlier version of this SKP: they must be chosen again.
	Stale []CascadeRow `json:"stale"`
	// Unlinked are the employees this one rates in the cycle whose latest SKP serves none of its RHK.
	Unlinked []CascadeMember `json:"unlinked"`
}

// CascadeNode is one RHK of the superior and the rows that serve it.
type CascadeNode struct {
	No       int          `json:"no"`
	Kind     string       `json:"kind"`
	RHK      string       `json:"rhk"`
	Children []CascadeRow `json:"children"`
}

// CascadeRow is one subordinate's RHK row.
type CascadeRow struct {
	NIP       string `json:"nip"`
	Name      string `json:"name"`
	Version   int    `json:"version"`
	Status    string `json:"status"` // of the subordinate's SKP: submitted, returned, approved
	No        int    `json:"no"`
	Kind      string `json:"kind"`
	RHK       string `json:"rhk"`
	IKI       string `json:"iki"`
	Target    string `json:"target"`
	Unit      string `json:"unit"`
	ParentRHK string `json:"parent_rhk"` // the superior's RHK as it read when chosen
	parentID  int64
	parentSeq int
}

// CascadeMember is a subordinate and the state of their SKP ("" when none is submitted).
type CascadeMember struct {
	NIP    string `json:"nip"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// Cascade reads the tree of an employee's approved SKP in a cycle.
func (s *Store) Cascade(ctx context.Context, cycleID int64, nip string) (Cascade, error) {
	c := Cascade{NIP: nip, Items: []CascadeNode{}, Stale: []CascadeRow{}, Unlinked: []CascadeMember{}}
	if err := s.Pool.QueryRow(ctx, `SELECT name FROM employees WHERE nip = $1`, nip).Scan(&c.Name); err != nil {
		return c, fmt.Errorf("pegawai %s: %w", nip, err)
	}
	var current int64
	err := s.Pool.QueryRow(ctx, `SELECT id, version FROM skp WHERE cycle_id = $1 AND nip = $2 AND status = 'approved'
		ORDER BY version DESC LIMIT 1`, cycleID, nip).Scan(&current, &c.Version)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return c, err
	}
	if current != 0 {
		rows, err := s.Pool.Query(ctx, `SELECT seq + 1, kind, rhk FROM skp_items WHERE skp_id = $1 ORDER BY seq`, current)
		if err != nil {
			return c, err
		}
		if c.Items, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (CascadeNode, error) {
			n := CascadeNode{Children: []CascadeRow{}}
			return n, r.Scan(&n.No, &n.Kind, &n.RHK)
		}); err != nil {
			return c, err
		}
	}
	// Rows of each subordinate's latest version that point at any version of this SKP (index
	// skp_items_parent_idx), so the cost follows the team, not the cycle.
	rows, err := s.Pool.Query(ctx, `SELECT s.nip, e.name, s.version, s.status, si.seq + 1, si.kind, si.rhk, si.iki, si.target,
			si.unit, p.rhk, si.parent_skp_id, si.parent_seq
		FROM skp sup
		JOIN skp_items si ON si.parent_skp_id = sup.id
		JOIN skp_items p ON p.skp_id = si.parent_skp_id AND p.seq = si.parent_seq
		JOIN skp s ON s.id = si.skp_id
		JOIN employees e ON e.nip = s.nip
		WHERE sup.cycle_id = $1 AND sup.nip = $2
		  AND s.version = (SELECT max(version) FROM skp l WHERE l.cycle_id = s.cycle_id AND l.nip = s.nip)
		ORDER BY e.name, s.nip, si.seq`, cycleID, nip)
	if err != nil {
		return c, err
	}
	linked := map[string]bool{}
	var r CascadeRow
	if _, err := pgx.ForEachRow(rows, []any{&r.NIP, &r.Name, &r.Version, &r.Status, &r.No, &r.Kind, &r.RHK, &r.IKI,
		&r.Target, &r.Unit, &r.ParentRHK, &r.parentID, &r.parentSeq}, func() error {
		if r.parentID != current || r.parentSeq >= len(c.Items) {
			c.Stale = append(c.Stale, r)
			return nil
		}
		linked[r.NIP] = true
		c.Items[r.parentSeq].Children = append(c.Items[r.parentSeq].Children, r)
		return nil
	}); err != nil {
		return c, err
	}
	rows, err = s.Pool.Query(ctx, `SELECT ec.nip, e.name, coalesce((SELECT status FROM skp l WHERE l.cycle_id = ec.cycle_id
			AND l.nip = ec.nip ORDER BY version DESC LIMIT 1), '')
		FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 AND ec.penilai_nip = $2 ORDER BY e.name, ec.nip`, cycleID, nip)
	if err != nil {
		return c, err
	}
	members, err := pgx.CollectRows(rows, pgx.RowToStructByPos[CascadeMember])
	if err != nil {
		return c, err
	}
	for _, m := range members {
		if !linked[m.NIP] {
			c.Unlinked = append(c.Unlinked, m)
		}
	}
	return c, nil
}
