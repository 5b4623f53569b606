package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// TeamMember is one year a supervisor has a part in (as penilai or atasan), with the open tasks
// of that year assigned to the supervisor or to those they act for: what waits on them.
type TeamMember struct {
	Enrolment
	Waiting  []string   // titles of the open tasks, earliest due first
	FirstDue *time.Time // the earliest due date among them
}

// Team lists the years whose penilai or atasan is one of nips (the caller, then the officials they
// act for), newest cycle first, then by name. The API keeps the rows internal/access lets the
// caller see; waiting counts tasks assigned to any of nips.
func (s *Store) Team(ctx context.Context, nips []string) ([]TeamMember, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+enrolmentColumns+`, coalesce(w.titles, '{}'), w.first_due
		FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		LEFT JOIN LATERAL (SELECT array_agg(t.title ORDER BY t.due_at NULLS LAST, t.id) AS titles, min(t.due_at) AS first_due
			FROM tasks t WHERE t.cycle_id = ec.cycle_id AND t.subject_nip = ec.nip AND t.done_at IS NULL
			AND t.assignee_nip = ANY($1)) w ON true
		WHERE (ec.penilai_nip = ANY($1) OR ec.atasan_nip = ANY($1) OR ec.former_penilai_nip = ANY($1))
		ORDER BY ec.cycle_id DESC, e.name, ec.nip`, nips)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(r pgx.CollectableRow) (TeamMember, error) {
		var m TeamMember
		en := &m.Enrolment
		err := r.Scan(&en.CycleID, &en.NIP, &en.Name, &en.WorkflowID, &en.PenilaiNIP, &en.AtasanNIP, &en.Phase, &en.Predikat,
			&en.ResultFinal, &en.UpdatedAt, &en.UnitID, &en.Blocked, &en.ClosedReason, &en.WorkflowState, &en.FormerPenilaiNIP, &m.Waiting, &m.FirstDue)
		return m, err
	})
}
