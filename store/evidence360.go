package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// Evidence around a rating (issue 7): the daily activity log and 360 feedback. None of it rates:
// the penilai reads it when rating. Tables: migrations/0026_evidence.up.sql.

// Activity is one entry of the daily activity log (laporan kegiatan harian).
type Activity struct {
	ID          int64     `json:"id"`
	Day         string    `json:"date"`    // YYYY-MM-DD, WIB
	RHKSeq      int       `json:"rhk_seq"` // skp_items.seq of the approved SKP (0 is the first row)
	Description string    `json:"description"`
	Quantity    int64     `json:"quantity"`
	Output      string    `json:"output"`
	EvidenceURL string    `json:"evidence_url,omitempty"`
	CreatedAt   time.Time `json:"created_at"`
	CreatedBy   string    `json:"created_by"`
}

// ActivityInput is one entry as typed, in the JSON API or on the page, before it is checked.
type ActivityInput struct {
	Date        string `json:"date"`
	RHKSeq      *int   `json:"rhk_seq"`
	Description string `json:"description"`
	Quantity    *int64 `json:"quantity"`
	Output      string `json:"output"`
	EvidenceURL string `json:"evidence_url"`
}

// ActivityLog is a year's log of one month ("" for the year) with its roll-up, as a page shows it.
type ActivityLog struct {
	Month   string
	Entries []Activity
	PerRHK  []ActivityRollup
	RHK     map[int]string // the approved SKP's rows, seq → RHK, to log against
	May     bool           // the caller may add and remove entries
}

// ApprovedRHK lists the RHK rows (seq → rhk text) of the year's latest approved SKP; empty when
// no SKP has been approved.
func (s *Store) ApprovedRHK(ctx context.Context, cycleID int64, nip string) (map[int]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT i.seq, i.rhk FROM skp_items i WHERE i.skp_id = (
		SELECT id FROM skp WHERE cycle_id = $1 AND nip = $2 AND status = 'approved' ORDER BY version DESC LIMIT 1)`, cycleID, nip)
	if err != nil {
		return nil, err
	}
	out := map[int]string{}
	var seq int
	var rhk string
	_, err = pgx.ForEachRow(rows, []any{&seq, &rhk}, func() error { out[seq] = rhk; return nil })
	return out, err
}

// AddActivity stores a checked entry and returns its id.
func (s *Store) AddActivity(ctx context.Context, cycleID int64, nip string, a Activity) (int64, error) {
	var id int64
	err := s.Pool.QueryRow(ctx, `INSERT INTO activity_logs (cycle_id, nip, day, rhk_seq, description, quantity, output,
		evidence_url, created_at, created_by) VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		cycleID, nip, a.Day, a.RHKSeq, a.Description, a.Quantity, a.Output, a.EvidenceURL, a.CreatedAt, a.CreatedBy).Scan(&id)
	return id, err
}

// DeleteActivity removes one entry of the year; ErrNotFound when the year has no such entry.
func (s *Store) DeleteActivity(ctx context.Context, cycleID int64, nip string, id int64) error {
	tag, err := s.Pool.Exec(ctx, `DELETE FROM activity_logs WHERE cycle_id = $1 AND nip = $2 AND id = $3`, cycleID, nip, id)
	if err == nil && tag.RowsAffected() == 0 {
		err = fmt.Errorf("kegiatan %d: %w", id, ErrNotFound)
	}
	return err
}

// Activities lists the year's entries, by day then id; month ("YYYY-MM", or "") narrows to one month.
func (s *Store) Activities(ctx context.Context, cycleID int64, nip, month string) ([]Activity, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, to_char(day, 'YYYY-MM-DD'), rhk_seq, description, quantity, output,
		evidence_url, created_at, created_by FROM activity_logs
		WHERE cycle_id = $1 AND nip = $2 AND ($3 = '' OR to_char(day, 'YYYY-MM') = $3) ORDER BY day, id`, cycleID, nip, month)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Activity])
}

// ActivityRollup is the log summed per RHK row (and per month within it): what the realisasi
// report and the rating page show beside the employee's own report.
type ActivityRollup struct {
	RHKSeq   int           `json:"rhk_seq"`
	RHK      string        `json:"rhk,omitempty"` // empty when the row is no longer in the approved SKP
	Entries  int           `json:"entries"`
	Quantity int64         `json:"quantity"`
	Months   []MonthRollup `json:"months"`
	Evidence []string      `json:"evidence_links"`
}

// MonthRollup is one RHK row's entries of one month.
type MonthRollup struct {
	Month    string `json:"month"` // YYYY-MM
	Entries  int    `json:"entries"`
	Quantity int64  `json:"quantity"`
}

// RollUpActivities sums the year's log per RHK row and month, in SQL; month narrows it to one month.
func (s *Store) RollUpActivities(ctx context.Context, cycleID int64, nip, month string) ([]ActivityRollup, error) {
	rhk, err := s.ApprovedRHK(ctx, cycleID, nip)
	if err != nil {
		return nil, err
	}
	rows, err := s.Pool.Query(ctx, `SELECT rhk_seq, to_char(day, 'YYYY-MM') AS m, count(*), sum(quantity)::bigint,
		coalesce(array_agg(DISTINCT evidence_url) FILTER (WHERE evidence_url <> ''), '{}')
		FROM activity_logs WHERE cycle_id = $1 AND nip = $2 AND ($3 = '' OR to_char(day, 'YYYY-MM') = $3)
		GROUP BY rhk_seq, m ORDER BY rhk_seq, m`, cycleID, nip, month)
	if err != nil {
		return nil, err
	}
	out := []ActivityRollup{}
	var seq, n int
	var m string
	var q int64
	var links []string
	_, err = pgx.ForEachRow(rows, []any{&seq, &m, &n, &q, &links}, func() error {
		if len(out) == 0 || out[len(out)-1].RHKSeq != seq {
			out = append(out, ActivityRollup{RHKSeq: seq, RHK: rhk[seq], Months: []MonthRollup{}, Evidence: []string{}})
		}
		r := &out[len(out)-1]
		r.Entries += n
		r.Quantity += q
		r.Months = append(r.Months, MonthRollup{Month: m, Entries: n, Quantity: q})
		for _, l := range links {
			if !containsString(r.Evidence, l) {
				r.Evidence = append(r.Evidence, l)
			}
		}
		return nil
	})
	return out, err
}

func containsString(xs []string, x string) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// FeedbackTaskKind is the inbox task of a person asked for 360 feedback.
const FeedbackTaskKind = "feedback_360"

// ErrFeedbackAnswered is a second answer to the same request.
var ErrFeedbackAnswered = errors.New("permintaan umpan balik ini sudah dijawab")

// FeedbackRequest is one person asked for 360 feedback on one employee's year. RaterNIP is
// shown to the penilai, atasan and HR only; the API drops it for the employee.
type FeedbackRequest struct {
	ID          int64      `json:"id"`
	RaterNIP    string     `json:"rater_nip,omitempty"`
	RaterName   string     `json:"rater_name,omitempty"`
	RequestedBy string     `json:"requested_by,omitempty"`
	RequestedAt time.Time  `json:"requested_at"`
	AnsweredAt  *time.Time `json:"answered_at,omitempty"`
}

// RequestFeedback asks each rater (already checked) for feedback and opens their inbox task, in
// one transaction; a rater already asked is skipped. onAsked runs in that transaction for each
// rater newly asked (the API queues the email notice there). It returns the raters newly asked.
func (s *Store) RequestFeedback(ctx context.Context, cycleID int64, nip string, raters []string, by string, at time.Time,
	title string, onAsked func(ctx context.Context, tx pgx.Tx, rater string) error) ([]string, error) {
	var added []string
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		for _, r := range raters {
			tag, err := tx.Exec(ctx, `INSERT INTO feedback_requests (cycle_id, nip, rater_nip, requested_by, requested_at)
				VALUES ($1, $2, $3, $4, $5) ON CONFLICT (cycle_id, nip, rater_nip) DO NOTHING`, cycleID, nip, r, by, at)
			if err != nil {
				return err
			}
			if tag.RowsAffected() == 0 {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, opened_at)
				VALUES ($1, $2, $3, $4, 'pegawai', $5, $6)`, cycleID, nip, FeedbackTaskKind, r, title, at); err != nil {
				return err
			}
			if onAsked != nil {
				if err := onAsked(ctx, tx, r); err != nil {
					return err
				}
			}
			added = append(added, r)
		}
		return nil
	})
	return added, err
}

// FeedbackRequests lists who was asked about the year, with their names.
func (s *Store) FeedbackRequests(ctx context.Context, cycleID int64, nip string) ([]FeedbackRequest, error) {
	rows, err := s.Pool.Query(ctx, `SELECT f.id, f.rater_nip, e.name, f.requested_by, f.requested_at, f.answered_at
		FROM feedback_requests f JOIN employees e ON e.nip = f.rater_nip
		WHERE f.cycle_id = $1 AND f.nip = $2 ORDER BY f.id`, cycleID, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[FeedbackRequest])
}

// FeedbackAsked says whether rater was asked about the year, and whether they answered.
func (s *Store) FeedbackAsked(ctx context.Context, cycleID int64, nip, rater string) (asked, answered bool, err error) {
	var at *time.Time
	err = s.Pool.QueryRow(ctx, `SELECT answered_at FROM feedback_requests WHERE cycle_id = $1 AND nip = $2 AND rater_nip = $3`,
		cycleID, nip, rater).Scan(&at)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, false, nil
	}
	return err == nil, at != nil, err
}

// Feedback360 is a year's 360 feedback as one caller may see it (api.Server.Feedback360).
type Feedback360 struct {
	Name      string            // the employee's
	Sees      bool              // the caller sees the year (else they were only asked)
	Summary   FeedbackSummary   // when Sees
	Requests  []FeedbackRequest // who was asked: for anyone who sees the year but the employee
	MayChoose bool              // the penilai or their Plt/Plh, while the year runs
	MayAnswer bool              // the caller was asked and has not answered
	Answered  bool
}

// FeedbackRating is one value's answer.
type FeedbackRating struct {
	Value   string `json:"value"`
	Rating  string `json:"rating"`
	Comment string `json:"comment,omitempty"`
}

// AnswerFeedback records the rater's answers and closes their task; ErrNotFound when the rater
// was not asked about this year, ErrFeedbackAnswered when they already answered.
func (s *Store) AnswerFeedback(ctx context.Context, cycleID int64, nip, rater string, answers []FeedbackRating, at time.Time) error {
	return pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var id int64
		var answered *time.Time
		err := tx.QueryRow(ctx, `SELECT id, answered_at FROM feedback_requests WHERE cycle_id = $1 AND nip = $2 AND rater_nip = $3
			FOR UPDATE`, cycleID, nip, rater).Scan(&id, &answered)
		if errors.Is(err, pgx.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		if answered != nil {
			return ErrFeedbackAnswered
		}
		for _, a := range answers {
			if _, err := tx.Exec(ctx, `INSERT INTO feedback_answers (request_id, value, rating, comment) VALUES ($1, $2, $3, $4)`,
				id, a.Value, a.Rating, a.Comment); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE feedback_requests SET answered_at = $2 WHERE id = $1`, id, at); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `UPDATE tasks SET done_at = $4, done_by = $3 WHERE cycle_id = $1 AND subject_nip = $2
			AND kind = 'feedback_360' AND assignee_nip = $3 AND done_at IS NULL`, cycleID, nip, rater, at)
		return err
	})
}

// FeedbackValue is the answers on one BerAKHLAK value, counted per rating, with the comments in
// no particular tie to who wrote them.
type FeedbackValue struct {
	Value    string         `json:"value"`
	Counts   map[string]int `json:"counts"` // rating → how many answered so
	Comments []string       `json:"comments"`
}

// FeedbackSummary aggregates the year's answers per value; it names nobody.
type FeedbackSummary struct {
	Asked    int             `json:"asked"`
	Answered int             `json:"answered"`
	Values   []FeedbackValue `json:"values"`
}

// SummariseFeedback aggregates the year's 360 answers per value, values in the given order.
func (s *Store) SummariseFeedback(ctx context.Context, cycleID int64, nip string, values []string) (FeedbackSummary, error) {
	sum := FeedbackSummary{Values: make([]FeedbackValue, len(values))}
	idx := map[string]int{}
	for i, v := range values {
		sum.Values[i] = FeedbackValue{Value: v, Counts: map[string]int{"dibawah": 0, "sesuai": 0, "diatas": 0}, Comments: []string{}}
		idx[v] = i
	}
	if err := s.Pool.QueryRow(ctx, `SELECT count(*), count(answered_at) FROM feedback_requests WHERE cycle_id = $1 AND nip = $2`,
		cycleID, nip).Scan(&sum.Asked, &sum.Answered); err != nil {
		return sum, err
	}
	// Comments come sorted by text, not by request, so their order tells nothing of who wrote them.
	rows, err := s.Pool.Query(ctx, `SELECT a.value, a.rating, a.comment FROM feedback_answers a
		JOIN feedback_requests f ON f.id = a.request_id WHERE f.cycle_id = $1 AND f.nip = $2 ORDER BY a.value, a.comment`, cycleID, nip)
	if err != nil {
		return sum, err
	}
	var a FeedbackRating
	_, err = pgx.ForEachRow(rows, []any{&a.Value, &a.Rating, &a.Comment}, func() error {
		i, ok := idx[a.Value]
		if !ok {
			return nil
		}
		sum.Values[i].Counts[a.Rating]++
		if a.Comment != "" {
			sum.Values[i].Comments = append(sum.Values[i].Comments, a.Comment)
		}
		return nil
	})
	return sum, err
}

// EvidenceSummary is the compact evidence the year view carries for the rating page.
type EvidenceSummary struct {
	Activities int              `json:"activities"` // entries in the log
	PerRHK     []ActivityRollup `json:"per_rhk"`
	Feedback   FeedbackSummary  `json:"feedback_360"`
	Survey     SurveyResults    `json:"unit_survey"` // the employee's unit, over the cycle year
}
