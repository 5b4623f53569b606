package email

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Deliverer sends the outbox on its own, apart from the workflows that fill it: a year never
// waits on email. Any number of Deliverers (one per worker replica) may run on one database.
//
// Each row is claimed alone (status 'sending', a claim id and a lease start) in a short
// transaction using FOR UPDATE SKIP LOCKED, sent with its dedupe key in custom_args, then marked
// 'sent', put back to 'pending' with a backoff, or marked 'failed' (a permanent refusal, or
// MaxAttempts used up). A failure touches only its own row. A claim older than Lease belonged to a
// delivery that died: the sweeper puts it back to 'pending'.
//
// At most once, as far as SendGrid allows: SendGrid has no idempotency key, so one window remains.
// If the process dies after SendGrid accepted a message but before 'sent' was recorded, the row is
// swept after Lease and sent again; the repeated dedupe_key in SendGrid's event webhook shows it.
// A live but slow delivery is never swept: Lease is longer than SendTimeout plus the bookkeeping,
// and every outcome is recorded only under the claim id that sent it.
type Deliverer struct {
	Pool   *pgxpool.Pool
	Sender Sender
	Logger *slog.Logger // nil means slog.Default()

	Workers     int           // rows sent at once; default 4
	MaxAttempts int           // then the row is 'failed'; default 8
	Lease       time.Duration // a claim older than this is swept; default 2 minutes
	SendTimeout time.Duration // bound of one SendGrid call; default 30 seconds
	Poll        time.Duration // how often Run looks without a notification (retries fall due); default 15 seconds
}

// Defaults of Deliverer.
const (
	defaultWorkers     = 4
	defaultMaxAttempts = 8
	defaultLease       = 2 * time.Minute
	defaultSendTimeout = 30 * time.Second
	defaultPoll        = 15 * time.Second
	// bookkeepingTimeout bounds recording a send's outcome, which runs even if ctx was cancelled meanwhile.
	bookkeepingTimeout = 15 * time.Second
	// notifyChannel is what the outbox's insert trigger notifies (migration 0011).
	notifyChannel = "notification_outbox"
)

// Backoff is the wait before attempt n+1 after n failed attempts: 30 s doubling, at most 1 hour.
func Backoff(n int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < n && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}

func (d *Deliverer) workers() int     { return positive(d.Workers, defaultWorkers) }
func (d *Deliverer) maxAttempts() int { return positive(d.MaxAttempts, defaultMaxAttempts) }
func (d *Deliverer) sendTimeout() time.Duration {
	return positive(d.SendTimeout, defaultSendTimeout)
}

// lease is never shorter than a send plus its bookkeeping, or a live delivery could be swept.
func (d *Deliverer) lease() time.Duration {
	return max(positive(d.Lease, defaultLease), d.sendTimeout()+bookkeepingTimeout+time.Second)
}

func (d *Deliverer) log() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}

func positive[T int | time.Duration](v, def T) T {
	if v > 0 {
		return v
	}
	return def
}

// Run delivers until ctx ends: at once when a transaction that enqueued commits (LISTEN), and
// every Poll for retries that fall due and claims to sweep. It returns after in-flight sends are recorded.
func (d *Deliverer) Run(ctx context.Context) {
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Go(func() { d.listen(ctx, wake) })
	defer wg.Wait()
	poll := positive(d.Poll, defaultPoll)
	for {
		if _, err := d.DeliverDue(ctx); err != nil && ctx.Err() == nil {
			d.log().WarnContext(ctx, "email delivery round failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-wake:
		case <-time.After(poll):
		}
	}
}

// listen turns outbox notifications into wake-ups, reconnecting after a lost connection.
func (d *Deliverer) listen(ctx context.Context, wake chan<- struct{}) {
	for ctx.Err() == nil {
		err := d.listenOnce(ctx, wake)
		if ctx.Err() != nil {
			return
		}
		d.log().WarnContext(ctx, "email delivery: listening for new mail failed; polling meanwhile", "error", err)
		select {
		case <-ctx.Done():
		case <-time.After(positive(d.Poll, defaultPoll)):
		}
	}
}

func (d *Deliverer) listenOnce(ctx context.Context, wake chan<- struct{}) error {
	pc, err := d.Pool.Acquire(ctx)
	if err != nil {
		return err
	}
	// The connection leaves the pool: a LISTEN must not be handed to other users.
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		return err
	}
	for {
		if _, err := conn.WaitForNotification(ctx); err != nil {
			return err
		}
		select {
		case wake <- struct{}{}:
		default: // a round is already due
		}
	}
}

// DeliverDue sweeps expired claims, then sends every due pending row, Workers at a time, and
// returns how many rows it tried. Send failures are recorded on their rows, not returned:
// the error is the database's.
func (d *Deliverer) DeliverDue(ctx context.Context) (int, error) {
	if err := d.Sweep(ctx); err != nil {
		return 0, err
	}
	var (
		mu    sync.Mutex
		tried int
		first error
		wg    sync.WaitGroup
	)
	for range d.workers() {
		wg.Go(func() {
			for ctx.Err() == nil {
				ok, err := d.deliverNext(ctx, nil)
				mu.Lock()
				if ok {
					tried++
				}
				if err != nil && first == nil {
					first = err
				}
				mu.Unlock()
				if !ok || err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	return tried, first
}

// Sweep returns rows whose claim outlived the lease (their delivery died) to 'pending', or to
// 'failed' when they have used up their attempts.
func (d *Deliverer) Sweep(ctx context.Context) error {
	tag, err := d.Pool.Exec(ctx, `
		UPDATE notification_outbox
		SET status = CASE WHEN attempts >= $2 THEN 'failed' ELSE 'pending' END,
		    failed_at = CASE WHEN attempts >= $2 THEN now() END,
		    claimed_at = NULL, claim_id = NULL, next_attempt_at = now(),
		    last_error = 'delivery interrupted: the claim expired before an outcome was recorded'
		WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1)`,
		d.lease().Seconds(), d.maxAttempts())
	if err != nil {
		return fmt.Errorf("email: sweep: %w", err)
	}
	if n := tag.RowsAffected(); n > 0 {
		d.log().WarnContext(ctx, "email delivery: swept stranded claims", "rows", n)
	}
	tag, err = d.Pool.Exec(ctx, `
		UPDATE notification_outbox
		SET status = 'failed', failed_at = now(),
		    last_error = 'expired before it could be delivered: its link no longer works',
		    body_text = CASE WHEN secret THEN '' ELSE body_text END,
		    body_html = CASE WHEN secret THEN '' ELSE body_html END
		WHERE status = 'pending' AND expires_at <= now()`)
	if err != nil {
		return fmt.Errorf("email: sweep expired: %w", err)
	}
	if n := tag.RowsAffected(); n > 0 {
		d.log().WarnContext(ctx, "email delivery: messages expired before delivery", "rows", n)
	}
	return nil
}

// claimed is one row this delivery owns until it records the outcome.
type claimed struct {
	id       int64
	claimID  string
	attempts int
	msg      Message
}

// deliverNext claims one due row (among keys, when given) and sends it; ok is false when none was due.
func (d *Deliverer) deliverNext(ctx context.Context, keys []string) (ok bool, err error) {
	var c claimed
	// A key list (the DeliverEmails activity) ignores backoff: the caller asks for those rows now.
	err = d.Pool.QueryRow(ctx, `
		UPDATE notification_outbox
		SET status = 'sending', claimed_at = now(), claim_id = gen_random_uuid(),
		    attempts = attempts + 1, last_attempt_at = now()
		WHERE id = (
			SELECT id FROM notification_outbox
			WHERE status = 'pending' AND (expires_at IS NULL OR expires_at > now())
			  AND (($1::text[] IS NULL AND next_attempt_at <= now()) OR dedupe_key = ANY ($1))
			ORDER BY next_attempt_at, id
			LIMIT 1
			FOR UPDATE SKIP LOCKED)
		RETURNING id, claim_id::text, attempts, dedupe_key, to_email, to_name, subject, body_text, body_html, custom_args`,
		keys).Scan(&c.id, &c.claimID, &c.attempts, &c.msg.DedupeKey, &c.msg.ToEmail, &c.msg.ToName,
		&c.msg.Subject, &c.msg.Text, &c.msg.HTML, &c.msg.CustomArgs)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("email: claim: %w", err)
	}
	return true, d.send(ctx, c)
}

// send sends a claimed row and records the outcome under its claim. A shutdown (ctx ending) lets
// the send finish within SendTimeout, so no row is left uncertain.
func (d *Deliverer) send(ctx context.Context, c claimed) error {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.sendTimeout())
	providerID, sendErr := d.Sender.Send(sctx, c.msg)
	cancel()

	bctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), bookkeepingTimeout)
	defer cancel()
	var tag interface{ RowsAffected() int64 }
	var err error
	switch {
	case sendErr == nil:
		// A secret body (a reset link) is not kept once it reached its addressee.
		tag, err = d.Pool.Exec(bctx, `
			UPDATE notification_outbox
			SET status = 'sent', sent_at = now(), provider_message_id = $3, last_error = NULL,
			    claimed_at = NULL, claim_id = NULL,
			    body_text = CASE WHEN secret THEN '' ELSE body_text END,
			    body_html = CASE WHEN secret THEN '' ELSE body_html END
			WHERE id = $1 AND claim_id = $2::uuid`, c.id, c.claimID, providerID)
	case errors.Is(sendErr, ErrPermanent) || c.attempts >= d.maxAttempts():
		reason := sendErr.Error()
		if !errors.Is(sendErr, ErrPermanent) {
			reason = fmt.Sprintf("gave up after %d attempts: %s", c.attempts, reason)
		}
		tag, err = d.Pool.Exec(bctx, `
			UPDATE notification_outbox
			SET status = 'failed', failed_at = now(), last_error = $3, claimed_at = NULL, claim_id = NULL,
			    body_text = CASE WHEN secret THEN '' ELSE body_text END,
			    body_html = CASE WHEN secret THEN '' ELSE body_html END
			WHERE id = $1 AND claim_id = $2::uuid`, c.id, c.claimID, reason)
		d.log().WarnContext(ctx, "email not delivered, giving up", "outbox_id", c.id, "error", sendErr)
	default:
		d.log().InfoContext(ctx, "email not delivered, will retry", "outbox_id", c.id, "attempt", c.attempts, "error", sendErr)
		tag, err = d.Pool.Exec(bctx, `
			UPDATE notification_outbox
			SET status = 'pending', next_attempt_at = now() + make_interval(secs => $4), last_error = $3,
			    claimed_at = NULL, claim_id = NULL
			WHERE id = $1 AND claim_id = $2::uuid`, c.id, c.claimID, sendErr.Error(), Backoff(c.attempts).Seconds())
	}
	if err != nil {
		// The claim stays until swept: a send that did go out may then repeat (the documented window).
		return fmt.Errorf("email: record outcome of outbox row %d: %w", c.id, err)
	}
	if tag.RowsAffected() == 0 {
		d.log().WarnContext(ctx, "email delivery: claim was swept before its outcome was recorded", "outbox_id", c.id)
	}
	return nil
}

// Deliver sends the pending rows with these dedupe keys now, through the same claims as the
// Deliverer (the DeliverEmails activity of years started before delivery ran on its own).
// With a nil sender the rows stay pending (the dev inbox). Send failures stay on their rows for
// the Deliverer to retry; only a database error is returned.
func Deliver(ctx context.Context, pool *pgxpool.Pool, sender Sender, keys []string) error {
	if sender == nil || len(keys) == 0 {
		return nil
	}
	d := &Deliverer{Pool: pool, Sender: sender}
	for _, key := range keys {
		// One claim per key: a row that just failed waits for the Deliverer's backoff.
		if _, err := d.deliverNext(ctx, []string{key}); err != nil {
			return err
		}
	}
	return nil
}
