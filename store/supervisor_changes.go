package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// SupervisorChange is a running year whose pejabat penilai or atasan penilai differ from what
// today's org data says: the employee's superior, and that superior's superior.
type SupervisorChange struct {
	NIP        string `json:"nip"`
	Name       string `json:"name"`
	UnitID     string `json:"unit_id"`
	Phase      string `json:"phase"`
	PenilaiNIP string `json:"penilai_nip"` // as the year has them
	AtasanNIP  string `json:"atasan_nip"`
	// As the org data says today; "" when it names nobody (reassign then needs them named).
	OrgPenilaiNIP  string `json:"org_penilai_nip"`
	OrgPenilaiName string `json:"org_penilai_name"`
	OrgAtasanNIP   string `json:"org_atasan_nip"`
	OrgAtasanName  string `json:"org_atasan_name"`
	// MutasiPending is the date of a mutasi recorded and not yet in effect: until then the year
	// refuses a reassignment (the mutasi moves its supervisors at that date).
	MutasiPending *time.Time `json:"mutasi_pending,omitempty"`
}

// mutasiKept holds for a year (ec, its employee e) whose penilai came from a mutasi in effect
// while the org data still names the superior that mutasi moved away from: the org data lags
// behind the mutasi, no reorganisation happened since, and reassigning would undo the mutasi.
const mutasiKept = `EXISTS (SELECT 1 FROM mutasi m WHERE m.cycle_id = ec.cycle_id AND m.nip = ec.nip
	AND m.applied_at IS NOT NULL AND m.to_penilai_nip = ec.penilai_nip AND m.from_penilai_nip = e.superior_nip)`

// runningDiffer selects the running years (not final, not closed) whose supervisors differ from
// the org data, with e the employee, sup their superior and sup2 the superior's superior.
const runningDiffer = `FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
	LEFT JOIN employees sup ON sup.nip = e.superior_nip
	LEFT JOIN employees sup2 ON sup2.nip = sup.superior_nip
	WHERE NOT ec.result_final AND ec.closed_reason IS NULL
		AND (ec.penilai_nip IS DISTINCT FROM sup.nip OR ec.atasan_nip IS DISTINCT FROM sup2.nip)
		AND NOT ` + mutasiKept

// MutasiKept answers, of the cycle's years of nips, those whose supervisors a mutasi in effect
// set and the org data has not caught up with (mutasiKept), with the mutasi's date.
func (s *Store) MutasiKept(ctx context.Context, cycleID int64, nips []string) (map[string]time.Time, error) {
	rows, err := s.Pool.Query(ctx, `SELECT ec.nip, (SELECT max(m.effective_at) FROM mutasi m WHERE m.cycle_id = ec.cycle_id AND m.nip = ec.nip)
		FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip WHERE ec.cycle_id = $1 AND ec.nip = ANY($2) AND `+mutasiKept, cycleID, nips)
	if err != nil {
		return nil, err
	}
	out := map[string]time.Time{}
	var nip string
	var at time.Time
	_, err = pgx.ForEachRow(rows, []any{&nip, &at}, func() error { out[nip] = at; return nil })
	return out, err
}

// SupervisorChangesQuery pages through one cycle's differing years in an HR scope.
type SupervisorChangesQuery struct {
	CycleID int64
	Scope   string // a unit: that unit and the units under it; "" for every unit
	After   string // NIP the previous page ended with
	Limit   int
}

// SupervisorChanges lists a page of a cycle's differing years, by NIP, and how many there are
// in the scope.
func (s *Store) SupervisorChanges(ctx context.Context, q SupervisorChangesQuery) ([]SupervisorChange, int, error) {
	scoped := `WITH RECURSIVE sub AS (
			SELECT id FROM org_units WHERE id = $2
			UNION
			SELECT c.id FROM org_units c JOIN sub ON c.parent_id = sub.id)
		`
	where := runningDiffer + ` AND ec.cycle_id = $1 AND ($2 = '' OR e.unit_id IN (SELECT id FROM sub))`
	var total int
	if err := s.Pool.QueryRow(ctx, scoped+`SELECT count(*) `+where, q.CycleID, q.Scope).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.Pool.Query(ctx, scoped+`SELECT ec.nip, e.name, e.unit_id, ec.phase, ec.penilai_nip, coalesce(ec.atasan_nip, ''),
			coalesce(sup.nip, ''), coalesce(sup.name, ''), coalesce(sup2.nip, ''), coalesce(sup2.name, ''),
			(SELECT max(m.effective_at) FROM mutasi m WHERE m.cycle_id = ec.cycle_id AND m.nip = ec.nip AND m.applied_at IS NULL) `+where+`
			AND ec.nip > $3 ORDER BY ec.nip LIMIT $4`, q.CycleID, q.Scope, q.After, q.Limit)
	if err != nil {
		return nil, 0, err
	}
	list, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SupervisorChange])
	return list, total, err
}

// supervisorsDiffer counts the differing running years per cycle.
func supervisorsDiffer(ctx context.Context, tx pgx.Tx) ([]CycleCount, error) {
	rows, err := tx.Query(ctx, `SELECT ec.cycle_id, count(*) `+runningDiffer+` GROUP BY ec.cycle_id ORDER BY ec.cycle_id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[CycleCount])
}
