package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Batch kinds (migration 0018): what a batch does to each of its items.
const (
	BatchLaunch       = "launch"        // enrol everyone in scope not yet enrolled
	BatchEnrol        = "enrol"         // enrol the NIPs HR listed
	BatchMoveDeadline = "move_deadline" // tell every enrolled year of a moved deadline
	BatchReassign     = "reassign"      // running years in scope follow today's org data
)

// Batch states. Running and paused batches have work left; cancelled and finished ones do not.
const (
	BatchRunning   = "running"
	BatchPaused    = "paused"
	BatchCancelled = "cancelled"
	BatchFinished  = "finished"
)

// Item statuses.
const (
	ItemPending = "pending"
	ItemDone    = "done"
	ItemFailed  = "failed"
	ItemSkipped = "skipped" // nothing to do for this one (already enrolled, year finished, no change)
	// ItemCancelled: the batch was cancelled before the item's turn (migration 0029). A page
	// already under way still records how its items really ended.
	ItemCancelled = "cancelled"
)

// MsgItemCancelled is the reason a cancelled batch's untouched items carry.
const MsgItemCancelled = "batch dibatalkan sebelum pegawai ini diproses; tidak ada yang diubah untuknya"

// NewBatch is a batch to write with its selection of items.
type NewBatch struct {
	CycleID   int64
	Kind      string
	ScopeUnit string // "" is the whole region
	Params    any    // the kind's parameters, kept as JSON
	CreatedBy string
	// WorkflowID is the batch's workflow (package batch makes it).
	WorkflowID string
	// NIPs are an enrol batch's items, in HR's order; Refused of them start failed with the reason.
	NIPs    []string
	Refused map[string]string
}

// Batch is a batch with its counts, read from its items.
type Batch struct {
	ID         int64           `json:"id"`
	CycleID    int64           `json:"cycle_id"`
	Kind       string          `json:"kind"`
	ScopeUnit  string          `json:"scope_unit"`
	Params     json.RawMessage `json:"params"`
	State      string          `json:"state"`
	CreatedBy  string          `json:"created_by"`
	WorkflowID string          `json:"-"`
	StartedAt  time.Time       `json:"started_at"`
	FinishedAt *time.Time      `json:"finished_at"`
	Total      int             `json:"total"`
	Pending    int             `json:"pending"`
	Done       int             `json:"done"`
	Failed     int             `json:"failed"`
	Skipped    int             `json:"skipped"`
	Cancelled  int             `json:"cancelled"`
	// LastDoneAt is when the latest item ended; nil before the first.
	LastDoneAt *time.Time `json:"last_done_at"`
}

// BatchItem is one employee's part of a batch.
type BatchItem struct {
	NIP     string     `json:"nip"`
	Status  string     `json:"status"`
	Message string     `json:"message,omitempty"`
	DoneAt  *time.Time `json:"done_at,omitempty"`
}

// subtree is the units of $2 and below; every unit when $2 is NULL (the whole region).
const batchSubtree = `WITH RECURSIVE sub AS (
		SELECT id FROM org_units WHERE $2::text IS NULL OR id = $2
		UNION
		SELECT c.id FROM org_units c JOIN sub ON c.parent_id = sub.id
	) `

// CreateBatch writes the batch and its items in one transaction: the selection is made here,
// in SQL, from what the database holds at this moment.
func (s *Store) CreateBatch(ctx context.Context, nb NewBatch) (int64, error) {
	params, err := json.Marshal(nb.Params)
	if err != nil {
		return 0, err
	}
	if nb.Params == nil {
		params = []byte("{}")
	}
	var scope *string
	if nb.ScopeUnit != "" {
		scope = &nb.ScopeUnit
	}
	var id int64
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `INSERT INTO batches (cycle_id, kind, scope_unit, params, created_by, workflow_id)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`, nb.CycleID, nb.Kind, scope, params, nb.CreatedBy, nb.WorkflowID).Scan(&id); err != nil {
			return err
		}
		var sel string
		args := []any{id, scope, nb.CycleID} // $1 batch, $2 scope unit (batchSubtree), $3 cycle
		switch nb.Kind {
		case BatchLaunch: // those in scope whose year is not running yet (a half-done row is finished)
			sel = batchSubtree + `INSERT INTO batch_items (batch_id, nip)
				SELECT $1, e.nip FROM employees e WHERE e.unit_id IN (SELECT id FROM sub)
				AND NOT EXISTS (SELECT 1 FROM employee_cycles ec WHERE ec.cycle_id = $3 AND ec.nip = e.nip AND ec.workflow_state = 'started')`
		case BatchEnrol:
			sel = `INSERT INTO batch_items (batch_id, nip) SELECT $1, n FROM unnest($2::text[]) n ON CONFLICT DO NOTHING`
			args = []any{id, nb.NIPs}
		case BatchMoveDeadline:
			sel = `INSERT INTO batch_items (batch_id, nip) SELECT $1, ec.nip FROM employee_cycles ec WHERE ec.cycle_id = $2`
			args = []any{id, nb.CycleID}
		case BatchReassign:
			sel = batchSubtree + `INSERT INTO batch_items (batch_id, nip)
				SELECT $1, ec.nip FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
				WHERE ec.cycle_id = $3 AND NOT ec.result_final AND e.unit_id IN (SELECT id FROM sub)`
		default:
			return fmt.Errorf("batch kind %q", nb.Kind)
		}
		if _, err := tx.Exec(ctx, sel, args...); err != nil {
			return err
		}
		for nip, why := range nb.Refused {
			if _, err := tx.Exec(ctx, `UPDATE batch_items SET status = 'failed', message = $3, done_at = now()
				WHERE batch_id = $1 AND nip = $2`, id, nip, why); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// Batch reads a batch and its counts.
func (s *Store) Batch(ctx context.Context, id int64) (Batch, error) {
	var b Batch
	err := s.Pool.QueryRow(ctx, `SELECT b.id, b.cycle_id, b.kind, coalesce(b.scope_unit, ''), b.params, b.state, b.created_by, b.workflow_id,
			b.started_at, b.finished_at, count(i.nip), count(*) FILTER (WHERE i.status = 'pending'),
			count(*) FILTER (WHERE i.status = 'done'), count(*) FILTER (WHERE i.status = 'failed'),
			count(*) FILTER (WHERE i.status = 'skipped'), count(*) FILTER (WHERE i.status = 'cancelled'),
			max(i.done_at) FILTER (WHERE i.status <> 'cancelled')
		FROM batches b LEFT JOIN batch_items i ON i.batch_id = b.id WHERE b.id = $1 GROUP BY b.id`, id).Scan(
		&b.ID, &b.CycleID, &b.Kind, &b.ScopeUnit, &b.Params, &b.State, &b.CreatedBy, &b.WorkflowID, &b.StartedAt, &b.FinishedAt,
		&b.Total, &b.Pending, &b.Done, &b.Failed, &b.Skipped, &b.Cancelled, &b.LastDoneAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return b, fmt.Errorf("batch %d: %w", id, ErrNotFound)
	}
	return b, err
}

// BatchItems lists a batch's items with the given status ("" for all), ordered by NIP after
// the NIP given, at most limit.
func (s *Store) BatchItems(ctx context.Context, id int64, status, after string, limit int) ([]BatchItem, error) {
	rows, err := s.Pool.Query(ctx, `SELECT nip, status, message, done_at FROM batch_items
		WHERE batch_id = $1 AND ($2 = '' OR status = $2) AND nip > $3 ORDER BY nip LIMIT $4`, id, status, after, limit)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[BatchItem])
}

// PendingBatchItems is the next page of a batch's work: the state of the batch and up to limit
// pending NIPs, in NIP order. A paused or cancelled batch gets no items.
func (s *Store) PendingBatchItems(ctx context.Context, id int64, limit int) (string, []string, error) {
	var state string
	if err := s.Pool.QueryRow(ctx, `SELECT state FROM batches WHERE id = $1`, id).Scan(&state); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return "", nil, fmt.Errorf("batch %d: %w", id, ErrNotFound)
		}
		return "", nil, err
	}
	if state != BatchRunning {
		return state, nil, nil
	}
	rows, err := s.Pool.Query(ctx, `SELECT nip FROM batch_items WHERE batch_id = $1 AND status = 'pending'
		ORDER BY nip LIMIT $2`, id, limit)
	if err != nil {
		return "", nil, err
	}
	nips, err := pgx.CollectRows(rows, pgx.RowTo[string])
	return state, nips, err
}

// ItemResult is how one item ended.
type ItemResult struct {
	NIP     string
	Status  string // ItemDone, ItemFailed or ItemSkipped
	Message string
}

// RecordBatchItems records the results of items still pending, in one statement; an item
// already ended keeps its first result. An item cancelled while its page was under way takes
// the page's result: that work was done.
func (s *Store) RecordBatchItems(ctx context.Context, id int64, rs []ItemResult) error {
	if len(rs) == 0 {
		return nil
	}
	nips, statuses, messages := make([]string, len(rs)), make([]string, len(rs)), make([]string, len(rs))
	for i, r := range rs {
		nips[i], statuses[i], messages[i] = r.NIP, r.Status, r.Message
	}
	_, err := s.Pool.Exec(ctx, `UPDATE batch_items i SET status = r.status, message = r.message, done_at = now()
		FROM unnest($2::text[], $3::text[], $4::text[]) AS r(nip, status, message)
		WHERE i.batch_id = $1 AND i.nip = r.nip AND i.status IN ('pending', 'cancelled')`, id, nips, statuses, messages)
	return err
}

// ErrBatchState: the batch is not in a state the change applies to.
var ErrBatchState = errors.New("batch state")

// SetBatchState moves a batch from one of the states given to another (a cancelled or finished
// batch also gets its finished_at) and returns it; ErrBatchState when it was in none of them.
// Cancelling marks the pending items cancelled with the reason, in the same transaction.
func (s *Store) SetBatchState(ctx context.Context, id int64, from []string, to string) (Batch, error) {
	var moved bool
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE batches SET state = $3,
				finished_at = CASE WHEN $3 IN ('cancelled', 'finished') THEN now() END
			WHERE id = $1 AND state = ANY($2)`, id, from, to)
		if err != nil {
			return err
		}
		moved = tag.RowsAffected() == 1
		if moved && to == BatchCancelled {
			_, err = tx.Exec(ctx, `UPDATE batch_items SET status = 'cancelled', message = $2, done_at = now()
				WHERE batch_id = $1 AND status = 'pending'`, id, MsgItemCancelled)
		}
		return err
	})
	if err != nil {
		return Batch{}, err
	}
	b, err := s.Batch(ctx, id)
	if err == nil && !moved {
		err = ErrBatchState
	}
	return b, err
}

// FinishBatch marks a running batch finished once no item is pending; false when some still are
// (or the batch is not running).
func (s *Store) FinishBatch(ctx context.Context, id int64) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `UPDATE batches SET state = 'finished', finished_at = now()
		WHERE id = $1 AND state = 'running'
		AND NOT EXISTS (SELECT 1 FROM batch_items WHERE batch_id = $1 AND status = 'pending')`, id)
	return tag.RowsAffected() == 1, err
}

// UnfinishedBatches lists the batches still running or paused, oldest first.
func (s *Store) UnfinishedBatches(ctx context.Context) ([]Batch, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id FROM batches WHERE state IN ('running', 'paused') ORDER BY id`)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]Batch, 0, len(ids))
	for _, id := range ids {
		b, err := s.Batch(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, nil
}
