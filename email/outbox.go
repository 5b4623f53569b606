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
	StatusPending = "pending"
	StatusSent    = "sent"
)

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
		INSERT INTO notification_outbox (dedupe_key, to_email, to_name, subject, body_text, body_html, custom_args)
		VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)
		ON CONFLICT (dedupe_key) DO NOTHING`,
		m.DedupeKey, m.ToEmail, m.ToName, m.Subject, m.Text, m.HTML, string(raw))
	if err != nil {
		return false, fmt.Errorf("email: enqueue %s: %w", m.DedupeKey, err)
	}
	return tag.RowsAffected() == 1, nil
}

// OutboxEntry is one outbox row, for the dev inbox and for operators.
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
		SELECT id, dedupe_key, to_email, to_name, subject, body_text, body_html, custom_args,
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
		err := r.Scan(&e.ID, &e.DedupeKey, &e.ToEmail, &e.ToName, &e.Subject, &e.Text, &e.HTML, &e.CustomArgs,
			&e.Status, &e.Attempts, &e.LastError, &e.ProviderMessageID, &e.CreatedAt, &e.SentAt)
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("email: list outbox: %w", err)
	}
	return out, nil
}
