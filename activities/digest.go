package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/wib"
)

// DigestRun is what one daily digest covered: HR tasks opened and notices written in [Since, At),
// and what was overdue at At.
type DigestRun struct {
	Since time.Time `json:"since"`
	At    time.Time `json:"at"`
	Sent  int       `json:"sent"` // digests enqueued
}

// maxDigestLines bounds each section of a digest; the inbox holds the rest.
const maxDigestLines = 200

// digestItems lists, for the HR user $1, what the digest says: employees in that user's scope
// (region-wide: everyone; else the scope unit and the units under it), never the user themselves.
const digestItems = `WITH RECURSIVE me AS (
		SELECT hr_scope_unit_id AS scope FROM employees WHERE nip = $1 AND is_hr
	), down AS (
		SELECT u.id FROM org_units u JOIN me ON u.id = me.scope
		UNION
		SELECT c.id FROM org_units c JOIN down ON c.parent_id = down.id
	), subjects AS (
		SELECT e.nip, e.name FROM employees e, me
		WHERE e.nip <> $1 AND (me.scope IS NULL OR e.unit_id IN (SELECT id FROM down))
	), items AS (
		SELECT false AS overdue, t.title, s.name, s.nip, t.due_at, t.opened_at AS at FROM tasks t JOIN subjects s ON s.nip = t.subject_nip
		WHERE t.assignee_role = 'hr' AND t.opened_at >= $2 AND t.opened_at < $3
		UNION ALL
		SELECT false, n.title, s.name, s.nip, n.due_at, n.created_at FROM hr_notices n JOIN subjects s ON s.nip = n.subject_nip
		WHERE n.created_at >= $2 AND n.created_at < $3
		UNION ALL
		SELECT true, t.title, s.name, s.nip, t.due_at, t.due_at FROM tasks t JOIN subjects s ON s.nip = t.subject_nip
		WHERE t.assignee_role = 'hr' AND t.done_at IS NULL AND t.due_at < $3
	)
	SELECT overdue, title, name, nip, due_at FROM (
		SELECT *, row_number() OVER (PARTITION BY overdue ORDER BY at, nip) AS n FROM items
	) ranked WHERE n <= $4 ORDER BY overdue, at, nip`

// SendHRDigests enqueues one digest email per HR user who has anything new or overdue in scope.
// The dedupe key is the user and the WIB day, so a retried or repeated run sends nothing twice.
func (a *Activities) SendHRDigests(ctx context.Context, run DigestRun) (DigestRun, error) {
	rows, err := a.Pool.Query(ctx, `SELECT nip, name, email FROM employees WHERE is_hr ORDER BY nip`)
	if err != nil {
		return run, err
	}
	type person struct{ NIP, Name, Email string }
	hr, err := pgx.CollectRows(rows, pgx.RowToStructByPos[person])
	if err != nil {
		return run, err
	}
	day := run.At.In(wib.Location).Format("2006-01-02")
	run.Sent = 0
	for _, p := range hr {
		d := email.Digest{RecipientName: p.Name, Day: run.At, Link: a.PublicURL}
		rows, err := a.Pool.Query(ctx, digestItems, p.NIP, run.Since, run.At, maxDigestLines)
		if err != nil {
			return run, fmt.Errorf("digest of %s: %w", p.NIP, err)
		}
		var overdue bool
		var it email.DigestItem
		_, err = pgx.ForEachRow(rows, []any{&overdue, &it.Title, &it.SubjectName, &it.SubjectNIP, &it.DueAt}, func() error {
			if overdue {
				d.Overdue = append(d.Overdue, it)
			} else {
				d.New = append(d.New, it)
			}
			it.DueAt = nil // pgx reuses a non-nil pointer: each item keeps its own due date
			return nil
		})
		if err != nil {
			return run, err
		}
		if len(d.New)+len(d.Overdue) == 0 {
			continue
		}
		subject, text, html, err := email.RenderDigest(d)
		if err != nil {
			return run, err
		}
		inserted, err := email.Enqueue(ctx, a.Pool, email.Message{DedupeKey: "hr-digest/" + day + "/" + p.NIP,
			ToEmail: p.Email, ToName: p.Name, Subject: subject, Text: text, HTML: html,
			CustomArgs: map[string]string{"kind": "digest"}})
		if err != nil {
			return run, err
		}
		if inserted {
			run.Sent++
		}
	}
	return run, nil
}
