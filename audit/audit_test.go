package audit_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/audit"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

const (
	nipHR       = testenv.NIPHR
	nipHead     = testenv.NIPHead
	nipPenilai  = testenv.NIPPenilai
	nipEmployee = testenv.NIPEmployee
)

func seed(t *testing.T, st *store.Store) int64 { return testenv.SeedCycle(t, st) }

// insertRows appends n plain rows (the trigger chains them however they are inserted).
func insertRows(t *testing.T, pool *pgxpool.Pool, n int) {
	t.Helper()
	for i := range n {
		_, err := pool.Exec(context.Background(), `INSERT INTO audit_log (actor_nip, action, cycle_id, subject_nip, before, after)
			VALUES ($1, 'test.row', 1, $2, NULL, $3)`, nipPenilai, nipEmployee, fmt.Sprintf(`{"n": %d}`, i))
		if err != nil {
			t.Fatal(err)
		}
	}
}

func ids(t *testing.T, pool *pgxpool.Pool) []int64 {
	t.Helper()
	rows, _ := pool.Query(context.Background(), `SELECT id FROM audit_log ORDER BY id`)
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func verify(t *testing.T, pool *pgxpool.Pool) audit.Report {
	t.Helper()
	rep, err := audit.Verify(context.Background(), pool)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func wantIntact(t *testing.T, pool *pgxpool.Pool, rows int64) {
	t.Helper()
	rep := verify(t, pool)
	if !rep.Intact() {
		t.Fatalf("chain broken: %s", rep.Broken.Describe())
	}
	if rep.Rows != rows {
		t.Fatalf("verified %d rows, want %d", rep.Rows, rows)
	}
}

// tamper runs sql as an inspector simulating an attack would: as superuser with the triggers off.
func tamper(t *testing.T, pool *pgxpool.Pool, sql string, args ...any) {
	t.Helper()
	err := pgx.BeginFunc(context.Background(), pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(context.Background(), `ALTER TABLE audit_log DISABLE TRIGGER USER`); err != nil {
			return err
		}
		if _, err := tx.Exec(context.Background(), sql, args...); err != nil {
			return err
		}
		_, err := tx.Exec(context.Background(), `ALTER TABLE audit_log ENABLE TRIGGER USER`)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestChainOfWorkflowStepsVerifies(t *testing.T) {
	pool := testenv.DB(t)
	ctx := context.Background()
	wantIntact(t, pool, 0) // an empty log is an intact chain

	cycle := seed(t, &store.Store{Pool: pool})
	a := &activities.Activities{Pool: pool}
	for i, phase := range []string{"perencanaan", "pemantauan", "evaluasi", "dialog_kinerja", "keberatan"} {
		_, err := a.ApplyStep(ctx, activities.Step{Key: "wf/" + phase, Seq: int64(i + 1), CycleID: cycle, NIP: nipEmployee,
			ActorNIP: nipPenilai, Action: "test." + phase, At: time.Now(), After: activities.Snapshot{Phase: phase}})
		if err != nil {
			t.Fatal(err)
		}
	}
	// Rows with NULLs, non-ASCII text, escapes in JSON, and a session in another time zone.
	conn, err := pool.Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SET TIME ZONE 'Asia/Jayapura'`); err != nil {
		t.Fatal(err)
	}
	_, err = conn.Exec(ctx, `INSERT INTO audit_log (at, actor_nip, on_behalf_of, action, cycle_id, subject_nip, before, after)
		VALUES ('2026-02-03 04:05:06.789012+07', 'system', $1, 'catatan', NULL, NULL, '{"z": 1.50, "a": "tanda \"kutip\" é ✓ <&>", "nested": {"b": [], "a": null}}', 'null'),
		       ('2026-02-03 04:05:06+00', $2, NULL, 'kosong', $3, $4, NULL, NULL)`, nipHR, nipPenilai, cycle, nipEmployee)
	if err != nil {
		t.Fatal(err)
	}
	conn.Release()

	wantIntact(t, pool, 8) // the cycle's creation, five steps, two rows by hand
	rep := verify(t, pool)
	var lastID int64
	var lastHash []byte
	if err := pool.QueryRow(ctx, `SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&lastID, &lastHash); err != nil {
		t.Fatal(err)
	}
	if rep.LastID != lastID || !bytes.Equal(rep.HeadHash, lastHash) {
		t.Errorf("head = %d %x, want %d %x", rep.LastID, rep.HeadHash, lastID, lastHash)
	}
	var firstPrev []byte
	if err := pool.QueryRow(ctx, `SELECT prev_hash FROM audit_log ORDER BY id LIMIT 1`).Scan(&firstPrev); err != nil || firstPrev != nil {
		t.Errorf("first row's prev_hash = %x, %v; want NULL", firstPrev, err)
	}

	// The database's own function and the Go encoding agree row by row, not just along the chain.
	var same bool
	if err := pool.QueryRow(ctx, `SELECT bool_and(hash = audit_log_hash(audit_log)) FROM audit_log`).Scan(&same); err != nil || !same {
		t.Errorf("stored hashes equal audit_log_hash(row): %v, %v", same, err)
	}
}

func TestMultiRowInsertChains(t *testing.T) {
	pool := testenv.DB(t)
	if _, err := pool.Exec(context.Background(), `INSERT INTO audit_log (actor_nip, action, after)
		SELECT 'system', 'bulk', jsonb_build_object('i', i) FROM generate_series(1, 20) i`); err != nil {
		t.Fatal(err)
	}
	wantIntact(t, pool, 20)
}

func wantAppendOnly(t *testing.T, err error, what string) {
	t.Helper()
	var pgErr *pgconn.PgError
	if !errors.As(err, &pgErr) || pgErr.Message != "audit_log is append-only" {
		t.Errorf("%s: err = %v, want the append-only refusal", what, err)
	}
}

func TestAuditLogIsAppendOnlyEvenForSuperusers(t *testing.T) {
	pool := testenv.DB(t)
	ctx := context.Background()
	insertRows(t, pool, 3)
	_, err := pool.Exec(ctx, `UPDATE audit_log SET action = 'x'`)
	wantAppendOnly(t, err, "UPDATE")
	_, err = pool.Exec(ctx, `DELETE FROM audit_log WHERE id = (SELECT max(id) FROM audit_log)`)
	wantAppendOnly(t, err, "DELETE")
	_, err = pool.Exec(ctx, `TRUNCATE audit_log`)
	wantAppendOnly(t, err, "TRUNCATE")
	wantIntact(t, pool, 3)

	// An append under repeatable read could fork the chain: it is refused.
	err = pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{IsoLevel: pgx.RepeatableRead}, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action) VALUES ('system', 'rr')`)
		return err
	})
	if err == nil || !strings.Contains(err.Error(), "READ COMMITTED") {
		t.Errorf("insert under repeatable read: %v", err)
	}
}

func TestAppRoleCannotChangeTheLog(t *testing.T) {
	pool := testenv.DB(t)
	ctx := context.Background()
	cycle := seed(t, &store.Store{Pool: pool})
	insertRows(t, pool, 2)

	asApp := func(sql string, args ...any) error {
		return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL ROLE kinerja_app`); err != nil {
				t.Fatal(err)
			}
			_, err := tx.Exec(ctx, sql, args...)
			return err
		})
	}
	for _, sql := range []string{`UPDATE audit_log SET action = 'x'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`} {
		err := asApp(sql)
		var pgErr *pgconn.PgError
		if !errors.As(err, &pgErr) || pgErr.Code != "42501" || !strings.Contains(pgErr.Message, "permission denied") {
			t.Errorf("%s as kinerja_app: %v, want permission denied", sql, err)
		}
	}
	// What the application does keeps working under the role: a whole workflow step, which appends
	// to the chain and updates other tables, and reading the log.
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL ROLE kinerja_app`); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE employee_cycles SET phase = 'pemantauan' WHERE cycle_id = $1`, cycle); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM applied_steps WHERE step_key = 'none'`); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, cycle_id, subject_nip) VALUES ($1, 'as.app', $2, $3)`,
			nipPenilai, cycle, nipEmployee)
		return err
	}); err != nil {
		t.Fatalf("application writes as kinerja_app: %v", err)
	}
	if err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL ROLE kinerja_app`); err != nil {
			return err
		}
		rep, err := audit.Verify(ctx, tx)
		if err == nil && (!rep.Intact() || rep.Rows != 4) { // with the seeded cycle's creation
			t.Errorf("verify as kinerja_app: %+v", rep)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
}

func TestChangedRowIsTheFirstBrokenLink(t *testing.T) {
	pool := testenv.DB(t)
	insertRows(t, pool, 6)
	all := ids(t, pool)
	victim := all[2]
	tamper(t, pool, `UPDATE audit_log SET after = '{"n": 99}' WHERE id = $1`, victim)

	rep := verify(t, pool)
	if rep.Intact() || rep.Broken.ID != victim || rep.Broken.Problem != audit.HashMismatch {
		t.Fatalf("report = %+v, want a hash mismatch at row %d", rep.Broken, victim)
	}
	if rep.Rows != 2 || rep.LastID != all[1] || rep.Broken.PrevID != all[1] {
		t.Errorf("report = %+v", rep)
	}
	if d := rep.Broken.Describe(); !strings.Contains(d, fmt.Sprintf("baris id %d telah diubah", victim)) {
		t.Errorf("description: %s", d)
	}
}

func TestRehashedRowBreaksTheNextLink(t *testing.T) {
	pool := testenv.DB(t)
	insertRows(t, pool, 5)
	all := ids(t, pool)
	// A careful forger recomputes the changed row's hash too; the next row still points at the old one.
	tamper(t, pool, `UPDATE audit_log SET after = '{"n": 99}' WHERE id = $1`, all[1])
	tamper(t, pool, `UPDATE audit_log SET hash = audit_log_hash(audit_log) WHERE id = $1`, all[1])
	rep := verify(t, pool)
	if rep.Intact() || rep.Broken.ID != all[2] || rep.Broken.Problem != audit.PrevHashMismatch || rep.Broken.PrevID != all[1] {
		t.Fatalf("report = %+v, want a prev_hash mismatch at row %d", rep.Broken, all[2])
	}
}

func TestDeletedRowsBreakTheChain(t *testing.T) {
	t.Run("middle", func(t *testing.T) {
		pool := testenv.DB(t)
		insertRows(t, pool, 5)
		all := ids(t, pool)
		tamper(t, pool, `DELETE FROM audit_log WHERE id = $1`, all[2])
		rep := verify(t, pool)
		if rep.Intact() || rep.Broken.ID != all[3] || rep.Broken.Problem != audit.PrevHashMismatch || rep.Broken.PrevID != all[1] {
			t.Fatalf("report = %+v, want a prev_hash mismatch at row %d", rep.Broken, all[3])
		}
		if d := rep.Broken.Describe(); !strings.Contains(d, "dihapus") {
			t.Errorf("description: %s", d)
		}
	})
	t.Run("first", func(t *testing.T) {
		pool := testenv.DB(t)
		insertRows(t, pool, 3)
		all := ids(t, pool)
		tamper(t, pool, `DELETE FROM audit_log WHERE id = $1`, all[0])
		rep := verify(t, pool)
		if rep.Intact() || rep.Broken.ID != all[1] || rep.Broken.Problem != audit.PrevHashMismatch || rep.Broken.PrevID != 0 {
			t.Fatalf("report = %+v, want a prev_hash mismatch at row %d", rep.Broken, all[1])
		}
	})
}

func TestConcurrentAppendsKeepTheChain(t *testing.T) {
	ctx := context.Background()
	const workers, each = 8, 25
	cfg, err := pgxpool.ParseConfig(testenv.DBURL(t))
	if err != nil {
		t.Fatal(err)
	}
	cfg.MaxConns = workers
	// Appends are serialised through commit; not waiting for the disk keeps this test fast and changes
	// nothing about visibility, which is what the chain relies on.
	cfg.ConnConfig.RuntimeParams["synchronous_commit"] = "off"
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pool.Close)
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				// Each append in its own transaction that does a little more after it, as a step does.
				err := pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
					if _, err := tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, after) VALUES ('system', 'concurrent', $1)`,
						fmt.Sprintf(`{"worker": %d, "i": %d}`, w, i)); err != nil {
						return err
					}
					_, err := tx.Exec(ctx, `SELECT pg_sleep(0.001)`)
					return err
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	wantIntact(t, pool, workers*each)
	var skipped int
	if err := pool.QueryRow(ctx, `SELECT max(id) - count(*) FROM audit_log`).Scan(&skipped); err == nil {
		t.Logf("%d ids skipped: appends that drew an id before a concurrent one and were given a new id", skipped)
	}
}

func TestExportIsSelfVerifying(t *testing.T) {
	pool := testenv.DB(t)
	ctx := context.Background()
	_, err := pool.Exec(ctx, `INSERT INTO audit_log (at, actor_nip, on_behalf_of, action, cycle_id, subject_nip, before, after) VALUES
		('2025-12-31 23:59:59.999999+00', 'system', NULL, 'sebelum', NULL, NULL, NULL, NULL),
		('2026-01-01 00:00:00+00', $1, $2, 'dalam', 7, $3, '{"phase": "perencanaan"}', '{"z": 1.50, "a": "tanda \"kutip\", titik: dua é ✓ <&>", "o": {"b": [1, {}], "a": null}}'),
		('2026-01-15 08:00:00.000123+07', 'system', NULL, 'dalam', NULL, NULL, NULL, 'null'),
		('2026-02-01 00:00:00+00', 'system', NULL, 'sesudah', NULL, NULL, NULL, NULL)`, nipPenilai, nipHR, nipEmployee)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	from := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if err := audit.Export(ctx, pool, &buf, from, from.AddDate(0, 1, 0)); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var lines []audit.Line
	for sc.Scan() {
		var l audit.Line
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&l); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		lines = append(lines, l)
	}
	if len(lines) != 2 || lines[0].Action != "dalam" || lines[1].Action != "dalam" {
		t.Fatalf("exported %+v", lines)
	}
	if l := lines[0]; l.At != "2026-01-01T00:00:00.000000Z" || *l.OnBehalfOf != nipHR || *l.CycleID != 7 || *l.SubjectNIP != nipEmployee ||
		l.PrevHash == nil || len(l.Hash) != 64 {
		t.Errorf("line = %+v", l)
	}
	if l := lines[1]; l.At != "2026-01-15T01:00:00.000123Z" || l.OnBehalfOf != nil || l.CycleID != nil || l.Before != nil ||
		string(l.After) != "null" || *l.PrevHash != lines[0].Hash {
		t.Errorf("line = %+v", l)
	}
	// An inspector can recompute each hash from the line alone, as the package documentation says.
	for _, l := range lines {
		at, err := time.Parse(audit.TimeFormat, l.At)
		if err != nil {
			t.Fatal(err)
		}
		r := audit.Row{ID: l.ID, At: at, ActorNIP: l.ActorNIP, OnBehalfOf: l.OnBehalfOf, Action: l.Action, CycleID: l.CycleID,
			SubjectNIP: l.SubjectNIP, Before: jsonbText(l.Before), After: jsonbText(l.After)}
		if r.PrevHash, err = hex.DecodeString(*l.PrevHash); err != nil {
			t.Fatal(err)
		}
		if got := hex.EncodeToString(audit.ComputeHash(&r)); got != l.Hash {
			t.Errorf("row %d: recomputed %s, exported %s", l.ID, got, l.Hash)
		}
	}
}

// jsonbText turns an exported (compact) JSON value back into PostgreSQL's jsonb::text: a space
// after every ',' and ':' between tokens. A missing value is SQL NULL.
func jsonbText(v json.RawMessage) *string {
	if v == nil {
		return nil
	}
	var b strings.Builder
	inString, escaped := false, false
	for _, c := range []byte(v) {
		b.WriteByte(c)
		switch {
		case escaped:
			escaped = false
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		case !inString && (c == ',' || c == ':'):
			b.WriteByte(' ')
		}
	}
	s := b.String()
	return &s
}
