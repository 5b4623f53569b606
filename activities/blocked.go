package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/email"
)

// TaskYearBlocked is HR's task while a year cannot go on.
const TaskYearBlocked = "year_blocked"

// Blocked says a year's step could not be written (Reason set) or finally was (Reason empty).
type Blocked struct {
	// Key identifies the step that failed; the alert email is sent once per step.
	Key     string    `json:"key"`
	CycleID int64     `json:"cycle_id"`
	NIP     string    `json:"nip"`
	Action  string    `json:"action"`
	Reason  string    `json:"reason,omitempty"`
	At      time.Time `json:"at"`
}

// MarkBlocked shows a year as blocked in the projection, opens a task for HR and alerts HR by
// email; with an empty Reason it clears all that. It writes as little as it can, so that it
// succeeds even when the step itself cannot (for instance when the enrolment row is gone).
func (a *Activities) MarkBlocked(ctx context.Context, b Blocked) error {
	return pgx.BeginFunc(ctx, a.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE employee_cycles SET blocked_reason = NULLIF($3, ''),
			blocked_since = CASE WHEN $3 = '' THEN NULL ELSE coalesce(blocked_since, $4) END
			WHERE cycle_id = $1 AND nip = $2`, b.CycleID, b.NIP, b.Reason, b.At)
		if err != nil {
			return fmt.Errorf("mark blocked: %w", err)
		}
		enrolled := tag.RowsAffected() == 1
		if b.Reason == "" {
			_, err := tx.Exec(ctx, `UPDATE tasks SET done_at = $4 WHERE cycle_id = $1 AND subject_nip = $2
				AND kind = $3 AND done_at IS NULL`, b.CycleID, b.NIP, TaskYearBlocked, b.At)
			return err
		}
		w := stepWriter{tx: tx, publicURL: a.PublicURL, alertHR: true, st: Step{Key: b.Key + "/blocked", CycleID: b.CycleID, NIP: b.NIP,
			Action: "year.blocked", At: b.At}}
		if enrolled {
			if err := w.loadContext(ctx); err != nil {
				return err
			}
		} else {
			w.subjectName, w.cycleName = b.NIP, fmt.Sprintf("siklus %d", b.CycleID)
		}
		title := fmt.Sprintf("Tahun kinerja %s terhenti: langkah %s tidak dapat dicatat", w.subjectName, b.Action)
		if enrolled {
			if _, err := tx.Exec(ctx, `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_role, title, opened_at)
				VALUES ($1, $2, $3, 'hr', $4, $5) ON CONFLICT (cycle_id, subject_nip, kind, assignee_role) WHERE done_at IS NULL AND kind <> 'feedback_360' DO NOTHING`,
				b.CycleID, b.NIP, TaskYearBlocked, title, b.At); err != nil {
				return fmt.Errorf("open blocked task: %w", err)
			}
		}
		return w.notify(ctx, "alert", RoleHR, "", email.NoticeEscalation, title, nil,
			"Sebab: "+b.Reason+". Sistem mencoba lagi secara berkala; setelah penyebabnya diperbaiki, tahun kinerja berlanjut dengan sendirinya.")
	})
}
