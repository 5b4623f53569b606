// Package activities holds everything workflows do to the world: PostgreSQL writes of the cycle's
// records, the inbox, the audit log, TPP postings, and email through the outbox.
package activities

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/sdk/temporal"

	"github.com/kinerja/platform/email"
)

// Activities holds the dependencies; the worker registers one value of it.
type Activities struct {
	Pool      *pgxpool.Pool
	Sender    email.Sender // nil keeps emails in the outbox (the dev inbox)
	PublicURL string       // base of links in emails; may be empty
	// PayrollAfterCommit, when set, runs after each payroll page commits (activities/payroll.go).
	PayrollAfterCommit func(runID int64, after string) error
}

// StepResult names the outbox rows a step wrote, for DeliverEmails.
type StepResult struct {
	EmailKeys []string `json:"email_keys"`
}

// ApplyStep writes one workflow step in one transaction. A step already applied writes nothing
// and returns the same email keys, so a retry is harmless.
func (a *Activities) ApplyStep(ctx context.Context, st Step) (StepResult, error) {
	var res StepResult
	err := pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `INSERT INTO applied_steps (step_key) VALUES ($1) ON CONFLICT DO NOTHING`, st.Key)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			res.EmailKeys, err = emailKeysOf(ctx, tx, st.Key)
			return err
		}
		w := stepWriter{tx: tx, st: st, publicURL: a.PublicURL}
		if err := w.loadContext(ctx); err != nil {
			return err
		}
		if err := w.writeRecord(ctx); err != nil {
			return err
		}
		if err := w.writeProjection(ctx); err != nil {
			return err
		}
		if err := w.writeTasks(ctx); err != nil {
			return err
		}
		if err := w.writeNotices(ctx); err != nil {
			return err
		}
		if err := w.writeAudit(ctx); err != nil {
			return err
		}
		res.EmailKeys = w.emailKeys
		return nil
	})
	if errors.Is(err, errBadStep) {
		return res, temporal.NewNonRetryableApplicationError(err.Error(), ErrBadStep, err)
	}
	if err != nil {
		return res, fmt.Errorf("apply step %s: %w", st.Key, err)
	}
	return res, nil
}

// DeliverEmails tries the outbox rows with these keys once, now. Years started before delivery ran
// on its own (email.Deliverer) still call it; a send failure stays on its row for the Deliverer to
// retry or give up, so this returns only database errors and never holds a year open on email.
func (a *Activities) DeliverEmails(ctx context.Context, keys []string) error {
	return email.Deliver(ctx, a.Pool, a.Sender, keys)
}

// ErrBadStep is the error type of a step that can never be written as it is: retrying would not help.
const ErrBadStep = "bad_step"

// errBadStep marks a step that can never be written: retrying would not help.
var errBadStep = errors.New("step cannot be applied")

func emailKeysOf(ctx context.Context, tx pgx.Tx, stepKey string) ([]string, error) {
	rows, err := tx.Query(ctx, `SELECT dedupe_key FROM notification_outbox
		WHERE left(dedupe_key, length($1) + 1) = $1 || '/' ORDER BY id`, stepKey)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// stepWriter writes the parts of one step inside its transaction.
type stepWriter struct {
	tx        pgx.Tx
	st        Step
	publicURL string

	cycleName   string
	subjectName string
	emailKeys   []string
	// alertHR emails HR at once instead of leaving the matter to the daily digest.
	alertHR bool
}

func (w *stepWriter) loadContext(ctx context.Context) error {
	err := w.tx.QueryRow(ctx, `SELECT c.name, e.name FROM employee_cycles ec
		JOIN cycles c ON c.id = ec.cycle_id JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 AND ec.nip = $2`, w.st.CycleID, w.st.NIP).Scan(&w.cycleName, &w.subjectName)
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("%w: employee %s is not enrolled in cycle %d", errBadStep, w.st.NIP, w.st.CycleID)
	}
	return err
}

func (w *stepWriter) writeProjection(ctx context.Context) error {
	s := w.st.After
	_, err := w.tx.Exec(ctx, `UPDATE employee_cycles SET phase = $3, predikat = NULLIF($4, ''),
		result_final = $5, updated_at = $6, step_seq = $7 WHERE cycle_id = $1 AND nip = $2 AND step_seq < $7`,
		w.st.CycleID, w.st.NIP, s.Phase, firstNonEmpty(s.FinalPredikat, s.Predikat), s.ResultFinal, w.st.At, w.st.Seq)
	return err
}

func (w *stepWriter) writeTasks(ctx context.Context) error {
	if w.st.CloseAllTasks {
		if _, err := w.tx.Exec(ctx, `UPDATE tasks SET done_at = $3, done_by = $4
			WHERE cycle_id = $1 AND subject_nip = $2 AND done_at IS NULL`, w.st.CycleID, w.st.NIP, w.st.At, w.actorNIP()); err != nil {
			return fmt.Errorf("close all tasks: %w", err)
		}
	}
	if len(w.st.CloseTasks) > 0 {
		_, err := w.tx.Exec(ctx, `UPDATE tasks SET done_at = $4, done_by = $5
			WHERE cycle_id = $1 AND subject_nip = $2 AND kind = ANY($3) AND done_at IS NULL`,
			w.st.CycleID, w.st.NIP, w.st.CloseTasks, w.st.At, w.actorNIP())
		if err != nil {
			return fmt.Errorf("close tasks: %w", err)
		}
	}
	for _, t := range w.st.OpenTasks {
		_, err := w.tx.Exec(ctx, `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at, opened_at)
			VALUES ($1, $2, $3, NULLIF($4, ''), $5, $6, $7, $8)
			ON CONFLICT (cycle_id, subject_nip, kind, assignee_role) WHERE done_at IS NULL AND kind <> 'feedback_360' DO NOTHING`,
			w.st.CycleID, w.st.NIP, t.Kind, t.AssigneeNIP, t.Role, t.Title, t.DueAt, w.st.At)
		if err != nil {
			return fmt.Errorf("open task %s: %w", t.Kind, err)
		}
		if err := w.notify(ctx, "task-"+t.Kind, t.Role, t.AssigneeNIP, email.NoticeTask, t.Title, t.DueAt, ""); err != nil {
			return err
		}
	}
	return nil
}

func (w *stepWriter) writeNotices(ctx context.Context) error {
	for i, n := range w.st.Notices {
		if err := w.notify(ctx, fmt.Sprintf("notice-%d", i), n.Role, n.NIP, email.NoticeKind(n.Kind), n.Title, n.DueAt, n.Detail); err != nil {
			return err
		}
	}
	return nil
}

// hrInScope selects the HR users whose scope holds the employee $1 (region-wide HR, and HR of the
// employee's unit or any unit above it), never the employee themselves.
const hrInScope = `WITH RECURSIVE up AS (
		SELECT u.id, u.parent_id FROM org_units u JOIN employees e ON e.unit_id = u.id WHERE e.nip = $1
		UNION
		SELECT p.id, p.parent_id FROM org_units p JOIN up ON p.id = up.parent_id
	)
	SELECT nip, name, email FROM employees
	WHERE is_hr AND nip <> $1 AND (hr_scope_unit_id IS NULL OR hr_scope_unit_id IN (SELECT id FROM up))
	ORDER BY nip`

// notify renders and enqueues one email per recipient. HR hears of tasks and notices in its daily
// digest (SendHRDigests) rather than one email per event; only an alert reaches the HR users whose
// scope holds the employee at once.
func (w *stepWriter) notify(ctx context.Context, tag, role, nip string, kind email.NoticeKind, title string, due *time.Time, detail string) error {
	if role == RoleHR && !w.alertHR {
		if kind == email.NoticeTask {
			return nil // the task itself is what the digest reads
		}
		_, err := w.tx.Exec(ctx, `INSERT INTO hr_notices (cycle_id, subject_nip, kind, title, due_at, created_at)
			VALUES ($1, $2, $3, $4, $5, $6)`, w.st.CycleID, w.st.NIP, string(kind), title, due, w.st.At)
		return err
	}
	var rows pgx.Rows
	var err error
	if role == RoleHR {
		rows, err = w.tx.Query(ctx, hrInScope, w.st.NIP)
	} else {
		rows, err = w.tx.Query(ctx, `SELECT nip, name, email FROM employees WHERE nip = $1`, nip)
	}
	if err != nil {
		return err
	}
	type person struct{ NIP, Name, Email string }
	people, err := pgx.CollectRows(rows, pgx.RowToStructByPos[person])
	if err != nil {
		return err
	}
	for _, p := range people {
		subject, text, html, err := email.Render(email.Notice{
			Kind: kind, RecipientName: p.Name, Title: title, SubjectName: w.subjectName, SubjectNIP: w.st.NIP,
			CycleName: w.cycleName, DueAt: due, Detail: detail, Link: w.publicURL,
		})
		if err != nil {
			return fmt.Errorf("%w: render %s: %v", errBadStep, tag, err)
		}
		key := w.st.Key + "/" + tag + "/" + p.NIP
		if _, err := email.Enqueue(ctx, w.tx, email.Message{
			DedupeKey: key, ToEmail: p.Email, ToName: p.Name, Subject: subject, Text: text, HTML: html,
			CustomArgs: map[string]string{"cycle_id": fmt.Sprint(w.st.CycleID), "action": w.st.Action, "kind": string(kind)},
		}); err != nil {
			return err
		}
		w.emailKeys = append(w.emailKeys, key)
	}
	return nil
}

func (w *stepWriter) writeAudit(ctx context.Context) error {
	before, err := json.Marshal(w.st.Before)
	if err != nil {
		return err
	}
	after, err := json.Marshal(struct {
		Snapshot
		Record Record `json:"record"`
	}{w.st.After, w.st.Record})
	if err != nil {
		return err
	}
	_, err = w.tx.Exec(ctx, `INSERT INTO audit_log (at, actor_nip, on_behalf_of, action, cycle_id, subject_nip, before, after)
		VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8)`,
		w.st.At, w.st.ActorNIP, w.st.OnBehalfOf, w.st.Action, w.st.CycleID, w.st.NIP, before, after)
	return err
}

// actorNIP is the person who acted, or nil for the system.
func (w *stepWriter) actorNIP() any {
	if w.st.ActorNIP == "" || w.st.ActorNIP == "system" {
		return nil
	}
	return w.st.ActorNIP
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
