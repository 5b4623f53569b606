package email

import (
	"context"
	"errors"
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

func TestDeliverRecordsFailures(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	_, err := Enqueue(ctx, pool, testMessage("flaky"))
	require.NoError(t, err)

	f.set(http.StatusInternalServerError, 0)
	err = Deliver(ctx, pool, f.sender(), []string{"flaky"})
	require.Error(t, err)
	assert.False(t, errors.Is(err, ErrPermanent))
	e := entry(t, pool, "flaky")
	assert.Equal(t, StatusPending, e.Status)
	assert.Equal(t, 1, e.Attempts)
	assert.Contains(t, e.LastError, "500")

	f.set(http.StatusBadRequest, 0)
	err = Deliver(ctx, pool, f.sender(), []string{"flaky"})
	require.ErrorIs(t, err, ErrPermanent)
	e = entry(t, pool, "flaky")
	assert.Equal(t, 2, e.Attempts)
	assert.Contains(t, e.LastError, "400")

	f.set(0, 0)
	require.NoError(t, Deliver(ctx, pool, f.sender(), []string{"flaky"}))
	e = entry(t, pool, "flaky")
	assert.Equal(t, StatusSent, e.Status)
	assert.Equal(t, 3, e.Attempts)
	assert.NotEmpty(t, e.ProviderMessageID)
}

func TestDeliverTriesAllKeys(t *testing.T) {
	ctx := context.Background()
	pool := newTestDB(t)
	f := newFakeSendGrid(t)
	bad := testMessage("bad")
	bad.Subject = "" // SendGrid would answer 400; rejected before the call
	good := testMessage("good")
	for _, m := range []Message{bad, good} {
		_, err := Enqueue(ctx, pool, m)
		require.NoError(t, err)
	}

	err := Deliver(ctx, pool, f.sender(), []string{"missing", "bad", "good"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "missing", "the first error is returned")
	assert.False(t, errors.Is(err, ErrPermanent))

	err = Deliver(ctx, pool, f.sender(), []string{"bad", "good"})
	require.ErrorIs(t, err, ErrPermanent)
	assert.Equal(t, StatusSent, entry(t, pool, "good").Status)
	assert.Equal(t, 2, entry(t, pool, "bad").Attempts)
	calls, _, _, _ := f.snapshot()
	assert.Equal(t, 1, calls)
}
