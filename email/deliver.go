package email

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// bookkeepingTimeout bounds recording a send's outcome, which runs even if ctx was cancelled meanwhile.
const bookkeepingTimeout = 15 * time.Second

// Deliver sends the pending outbox rows with the given dedupe keys. With a nil sender it leaves them pending (dev inbox) and returns nil.
// Each row is locked (SELECT ... FOR UPDATE SKIP LOCKED inside a transaction) while sent, marked 'sent' with provider id and sent_at,
// or its attempts incremented and last_error recorded on failure. Rows already 'sent' are skipped, so a retry never sends twice.
// A row locked by a concurrent Deliver is skipped too: that one sends it.
//
// It returns the first error (wrapping ErrPermanent if that was the cause) after trying all keys.
// One gap remains, as with any provider without idempotency keys: if the process dies after SendGrid
// accepted a message but before the commit, the row stays pending and a later Deliver sends it again.
func Deliver(ctx context.Context, pool *pgxpool.Pool, sender Sender, keys []string) error {
	if sender == nil {
		return nil
	}
	var first error
	for _, key := range keys {
		if err := deliverOne(ctx, pool, sender, key); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func deliverOne(ctx context.Context, pool *pgxpool.Pool, sender Sender, key string) (err error) {
	tx, err := pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("email: deliver %s: begin: %w", key, err)
	}
	defer func() {
		// After a commit this is a no-op; otherwise it releases the lock.
		_ = tx.Rollback(context.WithoutCancel(ctx))
	}()

	var id int64
	m := Message{DedupeKey: key}
	err = tx.QueryRow(ctx, `
		SELECT id, to_email, to_name, subject, body_text, body_html, custom_args
		FROM notification_outbox
		WHERE dedupe_key = $1 AND status = 'pending'
		FOR UPDATE SKIP LOCKED`, key).
		Scan(&id, &m.ToEmail, &m.ToName, &m.Subject, &m.Text, &m.HTML, &m.CustomArgs)
	if errors.Is(err, pgx.ErrNoRows) {
		// Sent already or being sent by someone else; a key that was never enqueued is the caller's bug.
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM notification_outbox WHERE dedupe_key = $1)`, key).Scan(&exists); err != nil {
			return fmt.Errorf("email: deliver %s: %w", key, err)
		}
		if !exists {
			return fmt.Errorf("email: deliver %s: not in the outbox", key)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("email: deliver %s: lock: %w", key, err)
	}

	providerID, sendErr := sender.Send(ctx, m)

	// The outcome must be recorded even if ctx ended during the send: losing a 'sent' mark means a resend.
	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancel()
	if sendErr == nil {
		_, err = tx.Exec(bctx, `
			UPDATE notification_outbox
			SET status = 'sent', attempts = attempts + 1, provider_message_id = $2, sent_at = now()
			WHERE id = $1`, id, providerID)
	} else {
		_, err = tx.Exec(bctx, `
			UPDATE notification_outbox SET attempts = attempts + 1, last_error = $2 WHERE id = $1`,
			id, sendErr.Error())
	}
	if err == nil {
		err = tx.Commit(bctx)
	}
	if err != nil {
		return errors.Join(sendErr, fmt.Errorf("email: deliver %s: record outcome: %w", key, err))
	}
	if sendErr != nil {
		return fmt.Errorf("email: deliver %s: %w", key, sendErr)
	}
	return nil
}
