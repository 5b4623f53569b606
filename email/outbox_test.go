package email

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/kinerja/platform/internal/testenv"
)

// newTestDB is a fresh, migrated database on the real server, dropped after the test.
func newTestDB(t *testing.T) *pgxpool.Pool { return testenv.DB(t) }

func entry(t *testing.T, pool *pgxpool.Pool, key string) OutboxEntry {
	t.Helper()
	all, err := ListOutbox(context.Background(), pool, "", 1000)
	require.NoError(t, err)
	for _, e := range all {
		if e.DedupeKey == key {
			return e
		}
	}
	t.Fatalf("outbox has no %q", key)
	return OutboxEntry{}
}

func TestEnqueueAndList(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)

	m := testMessage("task/7/199001012020011001/approve-skp")
	ok, err := Enqueue(ctx, pool, m)
	require.NoError(t, err)
	assert.True(t, ok)

	dup := m
	dup.Subject = "something else"
	ok, err = Enqueue(ctx, pool, dup)
	require.NoError(t, err)
	assert.False(t, ok, "the same dedupe key must not be stored twice")

	// Enqueue joins the caller's transaction: a rollback leaves no mail behind.
	tx, err := pool.Begin(ctx)
	require.NoError(t, err)
	ok, err = Enqueue(ctx, tx, testMessage("rolled-back"))
	require.NoError(t, err)
	assert.True(t, ok)
	require.NoError(t, tx.Rollback(ctx))

	noArgs := testMessage("info/no-args")
	noArgs.CustomArgs = nil
	_, err = Enqueue(ctx, pool, noArgs)
	require.NoError(t, err)

	_, err = Enqueue(ctx, pool, Message{Subject: "no key"})
	assert.Error(t, err)

	all, err := ListOutbox(ctx, pool, "", 0)
	require.NoError(t, err)
	require.Len(t, all, 2)
	assert.Equal(t, "info/no-args", all[0].DedupeKey, "newest first")
	got := all[1]
	assert.Equal(t, m, got.Message)
	assert.Equal(t, StatusPending, got.Status)
	assert.Zero(t, got.Attempts)
	assert.Empty(t, got.LastError)
	assert.Empty(t, got.ProviderMessageID)
	assert.Nil(t, got.SentAt)
	assert.WithinDuration(t, time.Now(), got.CreatedAt, time.Minute)
	assert.Empty(t, all[0].CustomArgs)

	sent, err := ListOutbox(ctx, pool, StatusSent, 10)
	require.NoError(t, err)
	assert.Empty(t, sent)
	limited, err := ListOutbox(ctx, pool, StatusPending, 1)
	require.NoError(t, err)
	assert.Len(t, limited, 1)
}

func TestDeliverSendsOnce(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	m := testMessage("reminder/7/199001012020011001/skp")
	_, err := Enqueue(ctx, pool, m)
	require.NoError(t, err)

	require.NoError(t, Deliver(ctx, pool, f.sender(), []string{m.DedupeKey}))
	calls, got, _, _ := f.snapshot()
	assert.Equal(t, 1, calls)
	require.Len(t, got, 1)
	assert.Equal(t, m.DedupeKey, got[0].CustomArgs["dedupe_key"])
	assert.Equal(t, m.Subject, got[0].Body.Subject)

	e := entry(t, pool, m.DedupeKey)
	assert.Equal(t, StatusSent, e.Status)
	assert.Equal(t, "msg-1", e.ProviderMessageID)
	assert.Equal(t, 1, e.Attempts)
	require.NotNil(t, e.SentAt)

	// A retry (e.g. a re-run activity) sends nothing more, even if the key appears twice.
	require.NoError(t, Deliver(ctx, pool, f.sender(), []string{m.DedupeKey, m.DedupeKey}))
	calls, _, _, _ = f.snapshot()
	assert.Equal(t, 1, calls)
	assert.Equal(t, e, entry(t, pool, m.DedupeKey))
}

func TestDeliverConcurrentSendsOnce(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	f.set(0, 200*time.Millisecond) // keep the row locked while the others arrive
	_, err := Enqueue(ctx, pool, testMessage("concurrent"))
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 4)
	for i := range errs {
		wg.Go(func() { errs[i] = Deliver(ctx, pool, f.sender(), []string{"concurrent"}) })
	}
	wg.Wait()
	for _, err := range errs {
		assert.NoError(t, err)
	}
	calls, _, _, _ := f.snapshot()
	assert.Equal(t, 1, calls)
	assert.Equal(t, StatusSent, entry(t, pool, "concurrent").Status)
}

func TestDeliverNilSenderLeavesPending(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	_, err := Enqueue(ctx, pool, testMessage("dev-inbox"))
	require.NoError(t, err)

	require.NoError(t, Deliver(ctx, pool, nil, []string{"dev-inbox"}))
	e := entry(t, pool, "dev-inbox")
	assert.Equal(t, StatusPending, e.Status)
	assert.Zero(t, e.Attempts)
}

// makeDue lets a row that is waiting out its backoff be tried at once.
func makeDue(t *testing.T, pool *pgxpool.Pool, key string) {
	t.Helper()
	_, err := pool.Exec(context.Background(), `UPDATE notification_outbox SET next_attempt_at = now() WHERE dedupe_key = $1`, key)
	require.NoError(t, err)
}

func TestDeliverDueRetriesThenFails(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	d := &Deliverer{Pool: pool, Sender: f.sender()}
	_, err := Enqueue(ctx, pool, testMessage("flaky"))
	require.NoError(t, err)

	f.set(http.StatusInternalServerError, 0)
	n, err := d.DeliverDue(ctx)
	require.NoError(t, err, "a send failure is the row's, not the round's")
	assert.Equal(t, 1, n)
	var next, last time.Time
	require.NoError(t, pool.QueryRow(ctx, `SELECT next_attempt_at, last_attempt_at FROM notification_outbox`).Scan(&next, &last))
	assert.Equal(t, Backoff(1), next.Sub(last).Round(time.Second), "retried after the backoff")
	e := entry(t, pool, "flaky")
	assert.Equal(t, StatusPending, e.Status)
	assert.Equal(t, 1, e.Attempts)
	assert.Contains(t, e.LastError, "500")

	// Not due yet: nothing is tried.
	n, err = d.DeliverDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, n)

	makeDue(t, pool, "flaky")
	f.set(http.StatusBadRequest, 0)
	_, err = d.DeliverDue(ctx)
	require.NoError(t, err)
	e = entry(t, pool, "flaky")
	assert.Equal(t, StatusFailed, e.Status, "a permanent refusal is not retried")
	assert.Equal(t, 2, e.Attempts)
	assert.Contains(t, e.LastError, "400")

	makeDue(t, pool, "flaky")
	f.set(0, 0)
	n, err = d.DeliverDue(ctx)
	require.NoError(t, err)
	assert.Zero(t, n, "a failed row stays failed")
	calls, _, _, _ := f.snapshot()
	assert.Equal(t, 2, calls)
}

func TestDeliverDueGivesUpAfterMaxAttempts(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	f.set(http.StatusServiceUnavailable, 0)
	d := &Deliverer{Pool: pool, Sender: f.sender(), MaxAttempts: 2}
	_, err := Enqueue(ctx, pool, testMessage("down"))
	require.NoError(t, err)
	for range 2 {
		makeDue(t, pool, "down")
		_, err := d.DeliverDue(ctx)
		require.NoError(t, err)
	}
	e := entry(t, pool, "down")
	assert.Equal(t, StatusFailed, e.Status)
	assert.Equal(t, 2, e.Attempts)
	assert.Contains(t, e.LastError, "gave up after 2 attempts")
	assert.Contains(t, e.LastError, "503")
}

func TestBackoff(t *testing.T) {
	for n, want := range map[int]time.Duration{
		1: 30 * time.Second, 2: time.Minute, 3: 2 * time.Minute, 7: 32 * time.Minute, 8: time.Hour, 30: time.Hour,
	} {
		assert.Equal(t, want, Backoff(n), "after %d attempts", n)
	}
}

// One recipient's permanent failure leaves the others' mail going out.
func TestOneRecipientFailureDoesNotStrandOthers(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	f.rejectTo("salah@contoh.go.id", http.StatusBadRequest)
	for i, to := range []string{"a@contoh.go.id", "salah@contoh.go.id", "b@contoh.go.id"} {
		m := testMessage(fmt.Sprint("notice-", i))
		m.ToEmail = to
		_, err := Enqueue(ctx, pool, m)
		require.NoError(t, err)
	}
	n, err := (&Deliverer{Pool: pool, Sender: f.sender(), Workers: 1}).DeliverDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 3, n)

	assert.Equal(t, StatusSent, entry(t, pool, "notice-0").Status)
	assert.Equal(t, StatusSent, entry(t, pool, "notice-2").Status)
	bad := entry(t, pool, "notice-1")
	assert.Equal(t, StatusFailed, bad.Status)
	assert.Contains(t, bad.LastError, "400")
	_, got, _, _ := f.snapshot()
	require.Len(t, got, 2)

	// The activity path of older years behaves the same: its error is the database's only.
	_, err = Enqueue(ctx, pool, Message{DedupeKey: "late", ToEmail: "salah@contoh.go.id", ToName: "X", Subject: "S", Text: "t"})
	require.NoError(t, err)
	require.NoError(t, Deliver(ctx, pool, f.sender(), []string{"late", "missing"}))
	assert.Equal(t, StatusFailed, entry(t, pool, "late").Status)
}

// A row claimed by a delivery that died is swept once its lease is over, and sent.
func TestStrandedClaimIsSweptAndDelivered(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	for _, k := range []string{"stranded", "in-flight"} {
		_, err := Enqueue(ctx, pool, testMessage(k))
		require.NoError(t, err)
	}
	_, err := pool.Exec(ctx, `
		UPDATE notification_outbox SET status = 'sending', claim_id = gen_random_uuid(), attempts = 1,
		       claimed_at = CASE dedupe_key WHEN 'stranded' THEN now() - interval '1 hour' ELSE now() END`)
	require.NoError(t, err)

	d := &Deliverer{Pool: pool, Sender: f.sender()}
	n, err := d.DeliverDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	e := entry(t, pool, "stranded")
	assert.Equal(t, StatusSent, e.Status)
	assert.Equal(t, 2, e.Attempts)
	assert.Equal(t, StatusSending, entry(t, pool, "in-flight").Status, "a live claim is left to its delivery")
	_, got, _, _ := f.snapshot()
	require.Len(t, got, 1)
	assert.Equal(t, "stranded", got[0].CustomArgs["dedupe_key"])
}

// Two delivery loops on one database send every row exactly once.
func TestConcurrentDeliverersSendEachOnce(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	f.set(0, 20*time.Millisecond) // keep claims open while the other loop looks
	const rows = 24
	for i := range rows {
		_, err := Enqueue(ctx, pool, testMessage(fmt.Sprint("bulk-", i)))
		require.NoError(t, err)
	}
	var wg sync.WaitGroup
	tried := make([]int, 2)
	for i := range tried {
		d := &Deliverer{Pool: pool, Sender: f.sender(), Workers: 3}
		wg.Go(func() {
			n, err := d.DeliverDue(ctx)
			assert.NoError(t, err)
			tried[i] = n
		})
	}
	wg.Wait()
	assert.Equal(t, rows, tried[0]+tried[1])
	calls, got, _, _ := f.snapshot()
	assert.Equal(t, rows, calls)
	seen := map[string]int{}
	for _, r := range got {
		seen[r.CustomArgs["dedupe_key"]]++
	}
	assert.Len(t, seen, rows)
	for k, n := range seen {
		assert.Equal(t, 1, n, "%s sent %d times", k, n)
	}
	sent, err := ListOutbox(ctx, pool, StatusSent, 100)
	require.NoError(t, err)
	assert.Len(t, sent, rows)
}

// A password-reset link is gone from the database once sent, and HR's view never shows its subject.
func TestSecretBodyIsBlankedOnceSent(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	reset := testMessage("password-reset/abc")
	reset.Text = "https://kinerja.contoh.go.id/reset-password?token=rahasia"
	reset.HTML = `<a href="https://kinerja.contoh.go.id/reset-password?token=rahasia">atur</a>`
	reset.Secret = true
	plain := testMessage("task/1")
	for _, m := range []Message{reset, plain} {
		_, err := Enqueue(ctx, pool, m)
		require.NoError(t, err)
	}
	before := entry(t, pool, reset.DedupeKey)
	assert.True(t, before.Secret)
	assert.Contains(t, before.Text, "rahasia", "kept until sent: the dev inbox shows it")

	_, err := (&Deliverer{Pool: pool, Sender: f.sender()}).DeliverDue(ctx)
	require.NoError(t, err)
	_, got, _, _ := f.snapshot()
	require.Len(t, got, 2)
	after := entry(t, pool, reset.DedupeKey)
	assert.Equal(t, StatusSent, after.Status)
	assert.Empty(t, after.Text)
	assert.Empty(t, after.HTML)
	assert.Equal(t, plain.Text, entry(t, pool, plain.DedupeKey).Text, "ordinary bodies are kept")

	ds, err := ListDeliveries(ctx, pool, DeliveryPage{})
	require.NoError(t, err)
	require.Len(t, ds, 2)
	for _, d := range ds {
		if d.DedupeKey == reset.DedupeKey {
			assert.Empty(t, d.Subject)
		} else {
			assert.Equal(t, plain.Subject, d.Subject)
		}
	}
}

func TestListDeliveriesPages(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	for i := range 5 {
		_, err := Enqueue(ctx, pool, testMessage(fmt.Sprint("m-", i)))
		require.NoError(t, err)
	}
	_, err := pool.Exec(ctx, `UPDATE notification_outbox SET status = 'failed', failed_at = now(), attempts = 1,
		last_error = 'sendgrid status 400' WHERE dedupe_key IN ('m-1', 'm-3')`)
	require.NoError(t, err)

	page, err := ListDeliveries(ctx, pool, DeliveryPage{Limit: 3})
	require.NoError(t, err)
	require.Len(t, page, 3)
	assert.Equal(t, []string{"m-4", "m-3", "m-2"}, keysOf(page))
	assert.Equal(t, "task", page[0].Kind)
	assert.NotNil(t, page[0].NextAttemptAt, "a pending row says when it is tried")
	assert.Nil(t, page[1].NextAttemptAt)
	rest, err := ListDeliveries(ctx, pool, DeliveryPage{Limit: 3, Before: page[2].ID})
	require.NoError(t, err)
	assert.Equal(t, []string{"m-1", "m-0"}, keysOf(rest))

	failed, err := ListDeliveries(ctx, pool, DeliveryPage{Status: StatusFailed})
	require.NoError(t, err)
	assert.Equal(t, []string{"m-3", "m-1"}, keysOf(failed))
	assert.Equal(t, "sendgrid status 400", failed[0].LastError)
	require.NotNil(t, failed[0].FailedAt)
}

func keysOf(ds []Delivery) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.DedupeKey
	}
	return out
}

// Run delivers what is enqueued while it runs, woken by the insert's notification, and returns
// once its context ends.
func TestRunDeliversOnNotifyAndStops(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	d := &Deliverer{Pool: pool, Sender: f.sender(), Poll: time.Hour} // after its first round only a notification wakes it
	done := make(chan struct{})
	go func() { defer close(done); d.Run(ctx) }()

	// Enqueue once the loop listens, so the mail does not depend on the first round.
	waitUntil(t, done, func() bool {
		var n int
		require.NoError(t, pool.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND query = 'LISTEN notification_outbox'`).Scan(&n))
		return n == 1
	})
	_, err := Enqueue(ctx, pool, testMessage("live"))
	require.NoError(t, err)
	waitUntil(t, done, func() bool { return entry(t, pool, "live").Status == StatusSent })
	cancel()
	<-done
	calls, _, _, _ := f.snapshot()
	assert.Equal(t, 1, calls)
}

// waitUntil polls cond while the loop behind done runs; the test's own timeout bounds it.
func waitUntil(t *testing.T, done <-chan struct{}, cond func() bool) {
	t.Helper()
	for !cond() {
		select {
		case <-done:
			t.Fatal("Run returned early")
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// blockingSender holds every send until released, to let a claim expire mid-send.
type blockingSender struct {
	started chan struct{}
	release chan struct{}
}

func (b blockingSender) Send(ctx context.Context, _ Message) (string, error) {
	close(b.started)
	<-b.release
	return "late-id", nil
}

// A delivery whose claim was swept records nothing: the row keeps the outcome of the delivery
// that took it over.
func TestSweptClaimRecordsNothing(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	_, err := Enqueue(ctx, pool, testMessage("slow"))
	require.NoError(t, err)

	slow := blockingSender{started: make(chan struct{}), release: make(chan struct{})}
	first := make(chan error, 1)
	go func() {
		_, err := (&Deliverer{Pool: pool, Sender: slow}).deliverNext(ctx, nil)
		first <- err
	}()
	<-slow.started
	_, err = pool.Exec(ctx, `UPDATE notification_outbox SET claimed_at = now() - interval '1 hour'`)
	require.NoError(t, err)
	n, err := (&Deliverer{Pool: pool, Sender: f.sender()}).DeliverDue(ctx)
	require.NoError(t, err)
	require.Equal(t, 1, n)
	close(slow.release)
	require.NoError(t, <-first)

	e := entry(t, pool, "slow")
	assert.Equal(t, StatusSent, e.Status)
	assert.Equal(t, "msg-1", e.ProviderMessageID, "the late delivery did not overwrite the outcome")
	assert.Equal(t, 2, e.Attempts)
}

// TestExpiredMessageIsNeverSent: a reset link whose sending failed until after it expired is not
// sent late with a dead link; it fails, its secret body blanked, and a live one still goes out.
func TestExpiredMessageIsNeverSent(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	expired := testMessage("password-reset/old")
	expired.Text, expired.Secret = "https://kinerja.contoh.go.id/reset-password?token=mati", true
	expired.ExpiresAt = time.Now().Add(-time.Minute)
	live := testMessage("password-reset/new")
	live.ExpiresAt = time.Now().Add(30 * time.Minute)
	for _, m := range []Message{expired, live} {
		_, err := Enqueue(ctx, pool, m)
		require.NoError(t, err)
	}
	n, err := (&Deliverer{Pool: pool, Sender: f.sender()}).DeliverDue(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	_, got, _, _ := f.snapshot()
	require.Len(t, got, 1)
	e := entry(t, pool, expired.DedupeKey)
	assert.Equal(t, StatusFailed, e.Status)
	assert.Contains(t, e.LastError, "expired")
	assert.Empty(t, e.Text)
	assert.Equal(t, StatusSent, entry(t, pool, live.DedupeKey).Status)
}
