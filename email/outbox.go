package email

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Outbox row states (the table's CHECK allows only these).
const (
	StatusPending = "pending" // queued: waiting for its first attempt or, after a failure, its next one
	StatusSending = "sending" // claimed by a delivery; swept back to pending if that delivery died
	StatusSent    = "sent"
	StatusFailed  = "failed" // permanently refused, or out of attempts; never retried
)

// Statuses lists every status, in the order a message goes through them.
var Statuses = []string{StatusPending, StatusSending, StatusSent, StatusFailed}

// DB is satisfied by pgx.Tx, *pgxpool.Pool and *pgx.Conn, so Enqueue can join the caller's transaction.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Enqueue stores m as pending. A message whose dedupe key is already present is ignored (inserted is false).
func Enqueue(ctx context.Context, db DB, m Message) (inserted bool, err error) {
	if m.DedupeKey == "" || m.ToEmail == "" {
		return false, errors.New("email: enqueue needs a dedupe key and a recipient address")
	}
	args := m.CustomArgs
	if args == nil {
		args = map[string]string{}
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return false, fmt.Errorf("email: enqueue %s: %w", m.DedupeKey, err)
	}
	tag, err := db.Exec(ctx, `
		INSERT INTO notification_outbox (dedupe_key, to_email, to_name, subject, body_text, body_html, custom_args, secret, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		m.DedupeKey, m.ToEmail, m.ToName, m.Subject, m.Text, m.HTML, string(raw), m.Secret, nullTime(m.ExpiresAt))
	if err != nil {
		return false, fmt.Errorf("email: enqueue %s: %w", m.DedupeKey, err)
	}
	return tag.RowsAffected() == 1, nil
}

// OutboxEntry is one whole outbox row, bodies included: for the dev inbox only (see Delivery).
type OutboxEntry struct {
	ID int64
	Message
	Status            string
	Attempts          int
	LastError         string
	ProviderMessageID string
	CreatedAt         time.Time
	SentAt            *time.Time
}

// ListOutbox returns up to limit rows (default 100), newest first; status "" means all.
func ListOutbox(ctx context.Context, db DB, status string, limit int) ([]OutboxEntry, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := db.Query(ctx, `
		SELECT id, dedupe_key, to_email, to_name, subject, body_text, body_html, custom_args, secret,
		       status, attempts, coalesce(last_error, ''), coalesce(provider_message_id, ''), created_at, sent_at
		FROM notification_outbox
		WHERE $1 = '' OR status = $1
		ORDER BY created_at DESC, id DESC
		LIMIT $2`, status, limit)
	if err != nil {
		return nil, fmt.Errorf("email: list outbox: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (OutboxEntry, error) {
		var e OutboxEntry
		err := r.Scan(&e.ID, &e.DedupeKey, &e.ToEmail, &e.ToName, &e.Subject, &e.Text, &e.HTML, &e.CustomArgs, &e.Secret,
			&e.Status, &e.Attempts, &e.LastError, &e.ProviderMessageID, &e.CreatedAt, &e.SentAt)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("email: list outbox: %w", err)
	}
	return out, nil
}

// Delivery is what HR sees of one message: where it is in delivery and why it failed, never its
// body, and for a message with a secret body (a password reset) neither subject nor recipient:
// HR does not learn who asked for a reset.
type Delivery struct {
	ID            int64      `json:"id"`
	DedupeKey     string     `json:"dedupe_key"`
	Kind          string     `json:"kind"` // custom_args.kind: task, reminder, password_reset, ...
	ToName        string     `json:"to_name"`
	ToEmail       string     `json:"to_email"`
	Subject       string     `json:"subject,omitempty"`
	Status        string     `json:"status"`
	Attempts      int        `json:"attempts"`
	LastError     string     `json:"last_error,omitempty"`
	LastAttemptAt *time.Time `json:"last_attempt_at"`
	NextAttemptAt *time.Time `json:"next_attempt_at,omitempty"` // pending only
	CreatedAt     time.Time  `json:"created_at"`
	SentAt        *time.Time `json:"sent_at,omitempty"`
	FailedAt      *time.Time `json:"failed_at,omitempty"`
}

// DeliveryPage selects deliveries newest first: Status "" means all, Before (an id) continues a
// previous page, Limit bounds the page.
type DeliveryPage struct {
	Status string
	Before int64
	Limit  int
}

// ListDeliveries returns one page of message statuses.
func ListDeliveries(ctx context.Context, db DB, p DeliveryPage) ([]Delivery, error) {
	if p.Limit <= 0 {
		p.Limit = 50
	}
	rows, err := db.Query(ctx, `
		SELECT id, dedupe_key, coalesce(custom_args->>'kind', ''),
		       CASE WHEN secret THEN '' ELSE to_name END, CASE WHEN secret THEN '' ELSE to_email END,
		       CASE WHEN secret THEN '' ELSE subject END, status, attempts, coalesce(last_error, ''),
		       last_attempt_at, CASE WHEN status = 'pending' THEN next_attempt_at END, created_at, sent_at, failed_at
		FROM notification_outbox
		WHERE ($1 = '' OR status = $1) AND ($2 = 0 OR id < $2)
		ORDER BY id DESC
		LIMIT $3`, p.Status, p.Before, p.Limit)
	if err != nil {
		return nil, fmt.Errorf("email: list deliveries: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (Delivery, error) {
		var d Delivery
		err := r.Scan(&d.ID, &d.DedupeKey, &d.Kind, &d.ToName, &d.ToEmail, &d.Subject, &d.Status, &d.Attempts,
			&d.LastError, &d.LastAttemptAt, &d.NextAttemptAt, &d.CreatedAt, &d.SentAt, &d.FailedAt)
		return d, err
	})
	if err != nil {
		return nil, fmt.Errorf("email: list deliveries: %w", err)
	}
	return out, nil
}

// nullTime stores a zero time as NULL.
func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
