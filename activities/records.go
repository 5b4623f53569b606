package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/email"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
)

// writeRecord writes the domain record the step carries, if any.
func (w *stepWriter) writeRecord(ctx context.Context) error {
	r, st, tx := w.st.Record, w.st, w.tx
	var err error
	switch {
	case r.PlanSubmitted != nil:
		err = w.planSubmitted(ctx, r.PlanSubmitted)
	case r.PlanDecided != nil:
		status, notes := "returned", &r.PlanDecided.Notes
		if r.PlanDecided.Approved {
			status, notes = "approved", nil
		}
		_, err = tx.Exec(ctx, `UPDATE skp SET status = $4, decided_at = $5, decided_by = $6, return_notes = $7
			WHERE cycle_id = $1 AND nip = $2 AND version = $3`,
			st.CycleID, st.NIP, r.PlanDecided.Version, status, st.At, w.actorNIP(), notes)
	case r.Realisasi != nil:
		err = w.realisasi(ctx, r.Realisasi)
	case r.Feedback != nil:
		_, err = tx.Exec(ctx, `UPDATE evaluations SET feedback = $4, feedback_by = $5, feedback_at = $6
			WHERE cycle_id = $1 AND nip = $2 AND period = $3`,
			st.CycleID, st.NIP, r.Feedback.Period, r.Feedback.Text, w.actorNIP(), st.At)
	case r.Rating != nil:
		// The penilai may rate without a report once evaluation_due passed, so the row may be new.
		_, err = tx.Exec(ctx, `INSERT INTO evaluations (cycle_id, nip, period, rating_hasil, rating_perilaku, predikat, rated_by, rated_at)
			VALUES ($1, $2, 'annual', $3, $4, $5, $6, $7)
			ON CONFLICT (cycle_id, nip, period) DO UPDATE SET rating_hasil = $3, rating_perilaku = $4,
				predikat = $5, rated_by = $6, rated_at = $7`,
			st.CycleID, st.NIP, r.Rating.Hasil, r.Rating.Perilaku, r.Rating.Predikat, w.actorNIP(), st.At)
		for _, row := range r.Rating.Rows {
			if err != nil {
				break
			}
			_, err = tx.Exec(ctx, `INSERT INTO evaluation_row_ratings (cycle_id, nip, seq, rating) VALUES ($1, $2, $3, $4)
				ON CONFLICT (cycle_id, nip, seq) DO UPDATE SET rating = $4`, st.CycleID, st.NIP, row.Seq, row.Rating)
		}
	case r.DialogScheduled != nil:
		_, err = tx.Exec(ctx, `INSERT INTO feedback_sessions (cycle_id, nip, scheduled_at, place) VALUES ($1, $2, $3, $4)
			ON CONFLICT (cycle_id, nip) DO UPDATE SET scheduled_at = $3, place = $4`,
			st.CycleID, st.NIP, r.DialogScheduled.At, r.DialogScheduled.Place)
	case r.DialogRecorded != nil:
		_, err = tx.Exec(ctx, `UPDATE feedback_sessions SET notes = $3, recorded_at = $4 WHERE cycle_id = $1 AND nip = $2`,
			st.CycleID, st.NIP, r.DialogRecorded.Notes, st.At)
	case r.Acknowledged:
		_, err = tx.Exec(ctx, `UPDATE feedback_sessions SET acknowledged_at = $3 WHERE cycle_id = $1 AND nip = $2`,
			st.CycleID, st.NIP, st.At)
	case r.AppealFiled != nil:
		_, err = tx.Exec(ctx, `INSERT INTO appeals (cycle_id, nip, reasons, filed_at, original_predikat) VALUES ($1, $2, $3, $4, $5)`,
			st.CycleID, st.NIP, r.AppealFiled.Reasons, st.At, r.AppealFiled.OriginalPredikat)
	case r.AppealDecided != nil:
		d := r.AppealDecided
		_, err = tx.Exec(ctx, `UPDATE appeals SET decision = $3, new_rating_hasil = NULLIF($4, ''), new_rating_perilaku = NULLIF($5, ''),
			final_predikat = $6, decision_notes = $7, decided_by = $8, decided_at = $9 WHERE cycle_id = $1 AND nip = $2`,
			st.CycleID, st.NIP, d.Decision, d.Hasil, d.Perilaku, d.FinalPredikat, d.Notes, w.actorNIP(), st.At)
	case r.FollowUpRecommended != nil:
		_, err = tx.Exec(ctx, `INSERT INTO followups (cycle_id, nip, predikat, recommended) VALUES ($1, $2, $3, $4)`,
			st.CycleID, st.NIP, r.FollowUpRecommended.Predikat, r.FollowUpRecommended.Recommended)
	case r.FollowUpDecided != nil:
		_, err = tx.Exec(ctx, `UPDATE followups SET decided = $3, notes = $4, decided_by = $5, decided_at = $6
			WHERE cycle_id = $1 AND nip = $2`, st.CycleID, st.NIP, r.FollowUpDecided.Decided, r.FollowUpDecided.Notes, w.actorNIP(), st.At)
	case r.Posting != nil:
		// The year's end: the final result (after any appeal) is already in employee_cycles
		// (predikat, result_final, written by the step that made it final); the monthly payroll
		// reads it there and posts what the region's policy attaches to it (payroll, kinds
		// annual_reward and annual_cut), correcting by reversal if it changes. Nothing is written
		// here: payroll_postings is history only (migration 0027).
	case r.Reassigned != nil:
		err = w.reassign(ctx, r.Reassigned)
	case r.Mutasi != nil:
		err = w.mutasi(ctx, r.Mutasi)
	case r.PlanSet != nil:
		if err = w.planSubmitted(ctx, r.PlanSet); err == nil {
			_, err = tx.Exec(ctx, `UPDATE skp SET status = 'approved', decided_at = $4, decided_by = $5
				WHERE cycle_id = $1 AND nip = $2 AND version = $3`, st.CycleID, st.NIP, r.PlanSet.Version, st.At, w.actorNIP())
		}
	case r.DeadlineMoved != nil:
		err = w.deadlineMoved(ctx, r.DeadlineMoved)
	case r.PeriodRating != nil:
		err = w.periodRating(ctx, r.PeriodRating)
	case r.YearClosed != nil:
		_, err = tx.Exec(ctx, `UPDATE employee_cycles SET closed_reason = $3, closed_notes = NULLIF($4, '')
			WHERE cycle_id = $1 AND nip = $2`, st.CycleID, st.NIP, r.YearClosed.Reason, r.YearClosed.Notes)
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", st.Action, err)
	}
	return nil
}

func (w *stepWriter) planSubmitted(ctx context.Context, p *PlanSubmitted) error {
	var id int64
	err := w.tx.QueryRow(ctx, `INSERT INTO skp (cycle_id, nip, version, approach, status, submitted_at)
		VALUES ($1, $2, $3, $4, 'submitted', $5) RETURNING id`,
		w.st.CycleID, w.st.NIP, p.Version, p.Plan.Approach, w.st.At).Scan(&id)
	if err != nil {
		return err
	}
	for i, it := range p.Plan.Items {
		// The parent (cascading, migration 0028) was checked against the candidates by the API.
		var parentSKP, parentGoal *int64
		var parentSeq *int
		if it.Parent != "" {
			ref, err := skp.ParseParent(it.Parent)
			if err != nil {
				return err
			}
			if ref.GoalID != 0 {
				parentGoal = &ref.GoalID
			} else {
				parentSKP, parentSeq = &ref.SKPID, &ref.Seq
			}
		}
		if _, err := w.tx.Exec(ctx, `INSERT INTO skp_items (skp_id, seq, kind, superior_rhk, rhk, aspect, iki, target, unit,
				parent_skp_id, parent_seq, parent_goal_id)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
			id, i, it.Kind, it.SuperiorRHK, it.RHK, it.Aspect, it.IKI, it.Target, it.Unit, parentSKP, parentSeq, parentGoal); err != nil {
			return err
		}
	}
	for _, b := range p.Plan.Behaviours {
		if _, err := w.tx.Exec(ctx, `INSERT INTO skp_behaviours (skp_id, value, expectation) VALUES ($1, $2, $3)`,
			id, b.Value, b.Expectation); err != nil {
			return err
		}
	}
	return nil
}

func (w *stepWriter) realisasi(ctx context.Context, r *RealisasiReport) error {
	if _, err := w.tx.Exec(ctx, `INSERT INTO evaluations (cycle_id, nip, period, reported_at) VALUES ($1, $2, $3, $4)`,
		w.st.CycleID, w.st.NIP, r.Period, w.st.At); err != nil {
		return err
	}
	for _, it := range r.Items {
		if _, err := w.tx.Exec(ctx, `INSERT INTO evaluation_items (cycle_id, nip, period, seq, realisasi, evidence_url)
			VALUES ($1, $2, $3, $4, $5, $6)`, w.st.CycleID, w.st.NIP, r.Period, it.Seq, it.Realisasi, it.EvidenceURL); err != nil {
			return err
		}
	}
	return nil
}

// periodRating writes a period's rating beside its report (the row may be new: the penilai may
// rate without a report once it was due) and the period's predikat for the payroll.
func (w *stepWriter) periodRating(ctx context.Context, r *PeriodRating) error {
	st, tx := w.st, w.tx
	if _, err := tx.Exec(ctx, `INSERT INTO evaluations (cycle_id, nip, period, feedback, feedback_by, feedback_at,
			rating_hasil, rating_perilaku, predikat, rated_by, rated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $5, $6)
		ON CONFLICT (cycle_id, nip, period) DO UPDATE SET feedback = $4, feedback_by = $5, feedback_at = $6,
			rating_hasil = $7, rating_perilaku = $8, predikat = $9, rated_by = $5, rated_at = $6`,
		st.CycleID, st.NIP, r.Period, r.Feedback, w.actorNIP(), st.At, r.Hasil, r.Perilaku, r.Predikat); err != nil {
		return err
	}
	for _, row := range r.Rows {
		if _, err := tx.Exec(ctx, `INSERT INTO period_row_ratings (cycle_id, nip, period, seq, rating) VALUES ($1, $2, $3, $4, $5)`,
			st.CycleID, st.NIP, r.Period, row.Seq, row.Rating); err != nil {
			return err
		}
	}
	for _, v := range r.Values {
		if _, err := tx.Exec(ctx, `INSERT INTO period_value_ratings (cycle_id, nip, period, value, rating) VALUES ($1, $2, $3, $4, $5)`,
			st.CycleID, st.NIP, r.Period, v.Value, v.Rating); err != nil {
			return err
		}
	}
	return store.WritePeriodResult(ctx, tx, store.PeriodResult{CycleID: st.CycleID, NIP: st.NIP, PeriodStart: r.FirstDay,
		PeriodEnd: r.LastDay, Predikat: r.Predikat, DecidedAt: st.At, Note: r.Note})
}

// deadlineMoved moves the due date of every open task that showed the old date, and tells each
// assignee the new one.
func (w *stepWriter) deadlineMoved(ctx context.Context, m *DeadlineMoved) error {
	rows, err := w.tx.Query(ctx, `UPDATE tasks SET due_at = $4
		WHERE cycle_id = $1 AND subject_nip = $2 AND done_at IS NULL AND due_at = $3
		RETURNING kind, assignee_role, coalesce(assignee_nip, ''), title`, w.st.CycleID, w.st.NIP, m.From, m.To)
	if err != nil {
		return err
	}
	type moved struct{ Kind, Role, NIP, Title string }
	tasks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[moved])
	if err != nil {
		return err
	}
	to := m.To
	for _, t := range tasks {
		if err := w.notify(ctx, "moved-"+t.Kind+"-"+t.Role, t.Role, t.NIP, email.NoticeInfo, "Batas waktu diubah: "+t.Title, &to,
			"Batas waktu sebelumnya "+wib.Format(m.From)+"."); err != nil {
			return err
		}
	}
	return nil
}

// reassign points the enrolment and its open penilai and atasan tasks at the new supervisors, and
// tells each new assignee of each task they inherit.
func (w *stepWriter) reassign(ctx context.Context, r *Reassigned) error {
	if _, err := w.tx.Exec(ctx, `UPDATE employee_cycles SET penilai_nip = $3, atasan_nip = $4 WHERE cycle_id = $1 AND nip = $2`,
		w.st.CycleID, w.st.NIP, r.ToPenilai, r.ToAtasan); err != nil {
		return err
	}
	for _, move := range []struct{ role, to string }{{RolePenilai, r.ToPenilai}, {RoleAtasan, r.ToAtasan}} {
		rows, err := w.tx.Query(ctx, `UPDATE tasks SET assignee_nip = $4
			WHERE cycle_id = $1 AND subject_nip = $2 AND assignee_role = $3 AND done_at IS NULL AND assignee_nip IS DISTINCT FROM $4
			RETURNING kind, title, due_at`, w.st.CycleID, w.st.NIP, move.role, move.to)
		if err != nil {
			return err
		}
		type moved struct {
			Kind, Title string
			DueAt       *time.Time
		}
		tasks, err := pgx.CollectRows(rows, pgx.RowToStructByPos[moved])
		if err != nil {
			return err
		}
		for _, t := range tasks {
			if err := w.notify(ctx, "reassigned-"+t.Kind, move.role, move.to, email.NoticeTask, t.Title, t.DueAt, ""); err != nil {
				return err
			}
		}
	}
	return nil
}

// mutasi writes a mutasi's three moments (migration 0030). The approved SKP's row is not edited:
// its closing is a separate row in skp_closures, and the year's supervisors move in employee_cycles
// with the former penilai kept there until the periods of the old SKP are rated or closed.
func (w *stepWriter) mutasi(ctx context.Context, m *Mutasi) error {
	st, tx := w.st, w.tx
	switch {
	case m.FormerDone:
		_, err := tx.Exec(ctx, `UPDATE employee_cycles SET former_penilai_nip = NULL WHERE cycle_id = $1 AND nip = $2`, st.CycleID, st.NIP)
		return err
	case m.Applied:
		if _, err := tx.Exec(ctx, `INSERT INTO skp_closures (skp_id, closed_at, reason, position, unit)
			SELECT id, $4, 'mutasi', $5, $6 FROM skp WHERE cycle_id = $1 AND nip = $2 AND version = $3
			ON CONFLICT (skp_id) DO NOTHING`, st.CycleID, st.NIP, m.ClosesPlanVersion, m.EffectiveAt, m.Position, m.Unit); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE mutasi SET applied_at = $4 WHERE cycle_id = $1 AND nip = $2 AND effective_at = $3
			AND applied_at IS NULL`, st.CycleID, st.NIP, m.EffectiveAt, st.At); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `UPDATE employee_cycles SET penilai_nip = $3, atasan_nip = $4, former_penilai_nip = NULLIF($5, '')
			WHERE cycle_id = $1 AND nip = $2`, st.CycleID, st.NIP, m.ToPenilai, m.ToAtasan, m.FromPenilai)
		return err
	default:
		_, err := tx.Exec(ctx, `INSERT INTO mutasi (cycle_id, nip, effective_at, position, unit, from_penilai_nip, to_penilai_nip,
				from_atasan_nip, to_atasan_nip, recorded_by, recorded_at, position_id)
			VALUES ($1, $2, $3, $4, NULLIF($5, ''), $6, $7, $8, $9, $10, $11, NULLIF($12, ''))`,
			st.CycleID, st.NIP, m.EffectiveAt, m.Position, m.Unit, m.FromPenilai, m.ToPenilai, m.FromAtasan, m.ToAtasan, w.actorNIP(), st.At, m.PositionID)
		return err
	}
}
