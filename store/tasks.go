package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

type Task struct {
	ID          int64      `json:"id"`
	CycleID     int64      `json:"cycle_id"`
	SubjectNIP  string     `json:"subject_nip"`
	SubjectName string     `json:"subject_name"`
	Kind        string     `json:"kind"`
	Role        string     `json:"role"`
	Title       string     `json:"title"`
	DueAt       *time.Time `json:"due_at,omitempty"`
	OpenedAt    time.Time  `json:"opened_at"`
	DoneAt      *time.Time `json:"done_at,omitempty"`
	// ActingFor is set by the API when the task is the caller's through a delegation: whose task it is.
	ActingFor string `json:"acting_for,omitempty"`

	// What the API needs to decide who sees the task (internal/access); not part of the answer.
	AssigneeNIP   string `json:"-"`
	SubjectUnitID string `json:"-"`
	PenilaiNIP    string `json:"-"`
	AtasanNIP     string `json:"-"`
}

const taskColumns = `t.id, t.cycle_id, t.subject_nip, e.name, t.kind, t.assignee_role, t.title,
	t.due_at, t.opened_at, t.done_at, ''::text, coalesce(t.assignee_nip, ''), e.unit_id, ec.penilai_nip, coalesce(ec.atasan_nip, '')
	FROM tasks t JOIN employees e ON e.nip = t.subject_nip
	JOIN employee_cycles ec ON ec.cycle_id = t.cycle_id AND ec.nip = t.subject_nip`

// OpenTasks lists the open tasks an inbox may hold: those assigned to nip, HR's shared tasks when
// hr is set, and those assigned to the principals (people the caller acts for). The API keeps the
// ones internal/access lets the caller take. Earliest due first, tasks without a due date last.
func (s *Store) OpenTasks(ctx context.Context, nip string, hr bool, principals []string) ([]Task, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+taskColumns+`
		WHERE t.done_at IS NULL AND (t.assignee_nip = $1 OR ($2 AND t.assignee_role = 'hr') OR t.assignee_nip = ANY($3))
		ORDER BY t.due_at NULLS LAST, t.id`, nip, hr, principals)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Task])
}

// TasksOf lists every task, open or done, about one employee in one cycle.
func (s *Store) TasksOf(ctx context.Context, cycleID int64, nip string) ([]Task, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+taskColumns+`
		WHERE t.cycle_id = $1 AND t.subject_nip = $2 ORDER BY t.id`, cycleID, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Task])
}
