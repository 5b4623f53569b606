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

// InboxQuery selects one page of the open tasks an inbox may hold: those assigned to NIP, those
// assigned to the Principals (people NIP acts for as Plt/Plh), and, with HR, HR's shared tasks
// about employees of HRScope's subtree ("" is the whole organisation) other than NIP. The API keeps
// the ones internal/access lets the caller take. Earliest due first, tasks without a due date last.
type InboxQuery struct {
	NIP        string
	HR         bool
	HRScope    string
	Principals []string
	Now        time.Time
	// Filters.
	Kind    string
	Unit    string // the subject works in this unit's subtree
	Phase   string // the subject's year is in this phase
	Overdue bool
	// Page: continue after the task named by After (see InboxPage.NextAfter); Limit 1-200.
	After *TaskCursor
	Limit int
}

// TaskCursor is where a page of the inbox stopped: the last task's due date (nil: none) and id.
type TaskCursor struct {
	DueAt *time.Time
	ID    int64
}

// InboxPage is one page of an inbox; Next continues it, nil on the last page.
type InboxPage struct {
	Tasks []Task
	Next  *TaskCursor
}

// Inbox reads one page of open tasks by the query's filters, all in SQL with the open-task indexes.
func (s *Store) Inbox(ctx context.Context, q InboxQuery) (InboxPage, error) {
	limit := q.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	var afterDue *time.Time
	var afterID int64
	if q.After != nil {
		afterDue, afterID = q.After.DueAt, q.After.ID
	}
	// One branch per way a task reaches the inbox, each walking its own index in page order and
	// stopping at the page's length; the page is the first of their union.
	branch := func(whose string) string {
		return `(SELECT t.id, t.due_at FROM tasks t JOIN employee_cycles ec ON ec.cycle_id = t.cycle_id AND ec.nip = t.subject_nip
			WHERE t.done_at IS NULL AND ` + whose + `
			AND ($5 = '' OR t.kind = $5)
			AND ($6 = '' OR ec.unit_id IN (SELECT id FROM filter_units))
			AND ($7 = '' OR ec.phase = $7)
			AND (NOT $8 OR t.due_at < $9)
			AND ($11::bigint = 0 OR ($10::timestamptz IS NULL AND t.due_at IS NULL AND t.id > $11)
				OR ($10::timestamptz IS NOT NULL AND (t.due_at IS NULL OR t.due_at > $10 OR (t.due_at = $10 AND t.id > $11))))
			ORDER BY t.due_at NULLS LAST, t.id LIMIT $12)`
	}
	rows, err := s.Pool.Query(ctx, `WITH RECURSIVE hr_units AS (
			SELECT id FROM org_units WHERE id = $4
			UNION
			SELECT c.id FROM org_units c JOIN hr_units ON c.parent_id = hr_units.id
		), filter_units AS (
			SELECT id FROM org_units WHERE id = $6
			UNION
			SELECT c.id FROM org_units c JOIN filter_units ON c.parent_id = filter_units.id
		), page AS (`+
		branch(`t.assignee_nip = $1`)+` UNION `+
		branch(`t.assignee_nip = ANY($3)`)+` UNION `+
		branch(`$2 AND t.assignee_role = 'hr' AND t.subject_nip <> $1 AND ($4 = '' OR ec.unit_id IN (SELECT id FROM hr_units))`)+`
		)
		SELECT `+taskColumns+`
		WHERE t.id IN (SELECT id FROM page)
		ORDER BY t.due_at NULLS LAST, t.id
		LIMIT $12`, q.NIP, q.HR, q.Principals, q.HRScope, q.Kind, q.Unit, q.Phase, q.Overdue, q.Now, afterDue, afterID, limit+1)
	if err != nil {
		return InboxPage{}, err
	}
	tasks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[Task])
	if err != nil {
		return InboxPage{}, err
	}
	page := InboxPage{Tasks: tasks}
	if len(tasks) > limit {
		page.Tasks = tasks[:limit]
		last := page.Tasks[limit-1]
		page.Next = &TaskCursor{DueAt: last.DueAt, ID: last.ID}
	}
	return page, nil
}

// TasksOf lists every task, open or done, about one employee in one cycle, but the 360 feedback
// requests: the year view shows them to the employee, and who was asked is not theirs to see.
func (s *Store) TasksOf(ctx context.Context, cycleID int64, nip string) ([]Task, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+taskColumns+`
		WHERE t.cycle_id = $1 AND t.subject_nip = $2 AND t.kind <> '`+FeedbackTaskKind+`' ORDER BY t.id`, cycleID, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Task])
}
