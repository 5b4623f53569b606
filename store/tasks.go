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
}

// OpenTasks is a person's inbox: tasks assigned to them, plus HR's shared tasks when they are HR.
// Earliest due first, tasks without a due date last.
func (s *Store) OpenTasks(ctx context.Context, nip string, isHR bool) ([]Task, error) {
	rows, err := s.Pool.Query(ctx, `SELECT t.id, t.cycle_id, t.subject_nip, e.name, t.kind, t.assignee_role, t.title,
		t.due_at, t.opened_at, t.done_at
		FROM tasks t JOIN employees e ON e.nip = t.subject_nip
		WHERE t.done_at IS NULL AND (t.assignee_nip = $1 OR ($2 AND t.assignee_role = 'hr'))
		ORDER BY t.due_at NULLS LAST, t.id`, nip, isHR)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Task])
}

// TasksOf lists every task, open or done, about one employee in one cycle.
func (s *Store) TasksOf(ctx context.Context, cycleID int64, nip string) ([]Task, error) {
	rows, err := s.Pool.Query(ctx, `SELECT t.id, t.cycle_id, t.subject_nip, e.name, t.kind, t.assignee_role, t.title,
		t.due_at, t.opened_at, t.done_at
		FROM tasks t JOIN employees e ON e.nip = t.subject_nip
		WHERE t.cycle_id = $1 AND t.subject_nip = $2 ORDER BY t.id`, cycleID, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Task])
}
