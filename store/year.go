package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/skp"
)

// Year is one employee's cycle as people read it: the plan, the evaluations, the dialog,
// the appeal, the follow-up and the money.
type Year struct {
	Enrolment Enrolment    `json:"enrolment"`
	Plan      *PlanVersion `json:"plan,omitempty"` // the latest submitted version
	Midyear   *Evaluation  `json:"midyear,omitempty"`
	Annual    *Evaluation  `json:"annual,omitempty"`
	// Periods are the reports and ratings of a monthly or quarterly year, in order (migration 0024).
	Periods  []PeriodEvaluation `json:"periods,omitempty"`
	Dialog   *Dialog            `json:"dialog,omitempty"`
	Appeal   *Appeal            `json:"appeal,omitempty"`
	FollowUp *FollowUp          `json:"follow_up,omitempty"`
	Postings []Posting          `json:"postings"`
}

type PlanVersion struct {
	Version     int        `json:"version"`
	Status      string     `json:"status"`
	SubmittedAt time.Time  `json:"submitted_at"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	ReturnNotes string     `json:"return_notes,omitempty"`
	skp.Plan
}

type Evaluation struct {
	ReportedAt     *time.Time      `json:"reported_at,omitempty"`
	Items          []skp.Realisasi `json:"items"`
	Feedback       string          `json:"feedback,omitempty"`
	RatingHasil    string          `json:"rating_hasil,omitempty"`
	RatingPerilaku string          `json:"rating_perilaku,omitempty"`
	Predikat       string          `json:"predikat,omitempty"`
	RatedBy        string          `json:"rated_by,omitempty"`
	RatedAt        *time.Time      `json:"rated_at,omitempty"`
	// RowRatings are the penilai's optional ratings of single RHK (annual only), by plan index.
	RowRatings []RowRating `json:"row_ratings,omitempty"`
}

// PeriodEvaluation is one period's report and rating ("2027-03", "2027-Q1").
type PeriodEvaluation struct {
	Period string `json:"period"`
	Evaluation
	// ValueRatings are the penilai's ratings of the BerAKHLAK values in the period.
	ValueRatings []ValueRating `json:"value_ratings,omitempty"`
}

type ValueRating struct {
	Value  string `json:"value"`
	Rating string `json:"rating"`
}

type RowRating struct {
	Seq    int    `json:"seq"`
	Rating string `json:"rating"`
}

type Dialog struct {
	ScheduledAt    time.Time  `json:"scheduled_at"`
	Place          string     `json:"place"`
	Notes          string     `json:"notes,omitempty"`
	RecordedAt     *time.Time `json:"recorded_at,omitempty"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
}

type Appeal struct {
	Reasons          string     `json:"reasons"`
	FiledAt          time.Time  `json:"filed_at"`
	OriginalPredikat string     `json:"original_predikat"`
	Decision         string     `json:"decision,omitempty"`
	FinalPredikat    string     `json:"final_predikat,omitempty"`
	Notes            string     `json:"decision_notes,omitempty"`
	DecidedBy        string     `json:"decided_by,omitempty"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`
}

type FollowUp struct {
	Predikat    string     `json:"predikat"`
	Recommended string     `json:"recommended"`
	Decided     string     `json:"decided,omitempty"`
	Notes       string     `json:"notes,omitempty"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
}

// Posting is a row of payroll_postings: the annual TPP kinerja amount a cycle posted before
// migration 0027, shown as history. Newer years post nothing here; their result is paid through
// the monthly payroll's ledger (payroll.ReadStatement).
type Posting struct {
	ID         int64           `json:"id"`
	Period     string          `json:"period"`
	Kind       string          `json:"kind"`
	Amount     int64           `json:"amount"` // rupiah
	Basis      json.RawMessage `json:"basis"`
	ReversesID *int64          `json:"reverses_id,omitempty"`
	PostedAt   time.Time       `json:"posted_at"`
}

// Year reads everything recorded about one employee in one cycle.
func (s *Store) Year(ctx context.Context, cycleID int64, nip string) (Year, error) {
	en, err := s.Enrolment(ctx, cycleID, nip)
	if err != nil {
		return Year{}, err
	}
	y := Year{Enrolment: en, Postings: []Posting{}}
	steps := []func(context.Context, *Year) error{s.readPlan, s.readEvaluations, s.readDialog, s.readAppeal, s.readFollowUp, s.readPostings}
	for _, step := range steps {
		if err := step(ctx, &y); err != nil {
			return Year{}, err
		}
	}
	return y, nil
}

// none turns "no row" into "nothing to show".
func none(err error) error {
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

func (s *Store) readPlan(ctx context.Context, y *Year) error {
	p, err := s.PlanVersion(ctx, y.Enrolment.CycleID, y.Enrolment.NIP, 0)
	if errors.Is(err, ErrNotFound) {
		return nil
	}
	y.Plan = p
	return err
}

// PlanVersion reads one submitted version of an employee's SKP (0: the latest); ErrNotFound when
// there is none.
func (s *Store) PlanVersion(ctx context.Context, cycleID int64, nip string, version int) (*PlanVersion, error) {
	var id int64
	p := &PlanVersion{}
	err := s.Pool.QueryRow(ctx, `SELECT id, version, status, approach, submitted_at, decided_at, coalesce(decided_by, ''),
		coalesce(return_notes, '') FROM skp WHERE cycle_id = $1 AND nip = $2 AND ($3 = 0 OR version = $3)
		ORDER BY version DESC LIMIT 1`,
		cycleID, nip, version).Scan(&id, &p.Version, &p.Status, &p.Approach, &p.SubmittedAt,
		&p.DecidedAt, &p.DecidedBy, &p.ReturnNotes)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, fmt.Errorf("SKP versi %d pegawai %s di siklus %d: %w", version, nip, cycleID, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.Pool.Query(ctx, `SELECT kind, superior_rhk, rhk, aspect, iki, target, unit,
		CASE WHEN parent_skp_id IS NOT NULL THEN 'rhk:' || parent_skp_id || ':' || parent_seq
		     WHEN parent_goal_id IS NOT NULL THEN 'goal:' || parent_goal_id ELSE '' END
		FROM skp_items WHERE skp_id = $1 ORDER BY seq`, id)
	if err != nil {
		return nil, err
	}
	if p.Items, err = pgx.CollectRows(rows, pgx.RowToStructByPos[skp.Item]); err != nil {
		return nil, err
	}
	rows, err = s.Pool.Query(ctx, `SELECT value, expectation FROM skp_behaviours WHERE skp_id = $1 ORDER BY value`, id)
	if err != nil {
		return nil, err
	}
	if p.Behaviours, err = pgx.CollectRows(rows, pgx.RowToStructByPos[skp.Behaviour]); err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Store) readEvaluations(ctx context.Context, y *Year) error {
	for _, period := range []string{"midyear", "annual"} {
		ev := &Evaluation{}
		err := s.Pool.QueryRow(ctx, `SELECT reported_at, coalesce(feedback, ''), coalesce(rating_hasil, ''),
			coalesce(rating_perilaku, ''), coalesce(predikat, ''), coalesce(rated_by, ''), rated_at
			FROM evaluations WHERE cycle_id = $1 AND nip = $2 AND period = $3`,
			y.Enrolment.CycleID, y.Enrolment.NIP, period).Scan(&ev.ReportedAt, &ev.Feedback, &ev.RatingHasil,
			&ev.RatingPerilaku, &ev.Predikat, &ev.RatedBy, &ev.RatedAt)
		if err != nil {
			if err = none(err); err != nil {
				return err
			}
			continue
		}
		rows, err := s.Pool.Query(ctx, `SELECT seq, realisasi, evidence_url FROM evaluation_items
			WHERE cycle_id = $1 AND nip = $2 AND period = $3 ORDER BY seq`, y.Enrolment.CycleID, y.Enrolment.NIP, period)
		if err != nil {
			return err
		}
		if ev.Items, err = pgx.CollectRows(rows, pgx.RowToStructByPos[skp.Realisasi]); err != nil {
			return err
		}
		if period == "midyear" {
			y.Midyear = ev
			continue
		}
		rows, err = s.Pool.Query(ctx, `SELECT seq, rating FROM evaluation_row_ratings WHERE cycle_id = $1 AND nip = $2 ORDER BY seq`,
			y.Enrolment.CycleID, y.Enrolment.NIP)
		if err != nil {
			return err
		}
		if ev.RowRatings, err = pgx.CollectRows(rows, pgx.RowToStructByPos[RowRating]); err != nil {
			return err
		}
		y.Annual = ev
	}
	return s.readPeriods(ctx, y)
}

// readPeriods reads the evaluations of a periodic year's periods.
func (s *Store) readPeriods(ctx context.Context, y *Year) error {
	c, nip := y.Enrolment.CycleID, y.Enrolment.NIP
	rows, err := s.Pool.Query(ctx, `SELECT period, reported_at, coalesce(feedback, ''), coalesce(rating_hasil, ''),
		coalesce(rating_perilaku, ''), coalesce(predikat, ''), coalesce(rated_by, ''), rated_at
		FROM evaluations WHERE cycle_id = $1 AND nip = $2 AND period NOT IN ('midyear', 'annual') ORDER BY period`, c, nip)
	if err != nil {
		return err
	}
	y.Periods, err = pgx.CollectRows(rows, func(r pgx.CollectableRow) (PeriodEvaluation, error) {
		var e PeriodEvaluation
		return e, r.Scan(&e.Period, &e.ReportedAt, &e.Feedback, &e.RatingHasil, &e.RatingPerilaku, &e.Predikat, &e.RatedBy, &e.RatedAt)
	})
	if err != nil {
		return err
	}
	// Each period's rows come in one query per table for the whole year, not three per period.
	of := make(map[string]*PeriodEvaluation, len(y.Periods))
	for i := range y.Periods {
		e := &y.Periods[i]
		e.Items = []skp.Realisasi{}
		of[e.Period] = e
	}
	var period string
	var it skp.Realisasi
	var rr RowRating
	var vr ValueRating
	for _, q := range []struct {
		sql  string
		dest []any
		add  func(e *PeriodEvaluation)
	}{
		{`SELECT period, seq, realisasi, evidence_url FROM evaluation_items`, []any{&it.Seq, &it.Realisasi, &it.EvidenceURL},
			func(e *PeriodEvaluation) { e.Items = append(e.Items, it) }},
		{`SELECT period, seq, rating FROM period_row_ratings`, []any{&rr.Seq, &rr.Rating},
			func(e *PeriodEvaluation) { e.RowRatings = append(e.RowRatings, rr) }},
		{`SELECT period, value, rating FROM period_value_ratings`, []any{&vr.Value, &vr.Rating},
			func(e *PeriodEvaluation) { e.ValueRatings = append(e.ValueRatings, vr) }},
	} {
		rows, err := s.Pool.Query(ctx, q.sql+` WHERE cycle_id = $1 AND nip = $2 AND period NOT IN ('midyear', 'annual') ORDER BY period, 2`, c, nip)
		if err != nil {
			return err
		}
		if _, err := pgx.ForEachRow(rows, append([]any{&period}, q.dest...), func() error {
			if e := of[period]; e != nil {
				q.add(e)
			}
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}

// PeriodOf is the evaluation of one period, if any.
func (y Year) PeriodOf(id string) *Evaluation {
	for i := range y.Periods {
		if y.Periods[i].Period == id {
			return &y.Periods[i].Evaluation
		}
	}
	return nil
}

func (s *Store) readDialog(ctx context.Context, y *Year) error {
	d := &Dialog{}
	err := s.Pool.QueryRow(ctx, `SELECT scheduled_at, place, coalesce(notes, ''), recorded_at, acknowledged_at
		FROM feedback_sessions WHERE cycle_id = $1 AND nip = $2`, y.Enrolment.CycleID, y.Enrolment.NIP).
		Scan(&d.ScheduledAt, &d.Place, &d.Notes, &d.RecordedAt, &d.AcknowledgedAt)
	if err == nil {
		y.Dialog = d
	}
	return none(err)
}

func (s *Store) readAppeal(ctx context.Context, y *Year) error {
	a := &Appeal{}
	err := s.Pool.QueryRow(ctx, `SELECT reasons, filed_at, original_predikat, coalesce(decision, ''),
		coalesce(final_predikat, ''), coalesce(decision_notes, ''), coalesce(decided_by, ''), decided_at
		FROM appeals WHERE cycle_id = $1 AND nip = $2`, y.Enrolment.CycleID, y.Enrolment.NIP).
		Scan(&a.Reasons, &a.FiledAt, &a.OriginalPredikat, &a.Decision, &a.FinalPredikat, &a.Notes, &a.DecidedBy, &a.DecidedAt)
	if err == nil {
		y.Appeal = a
	}
	return none(err)
}

func (s *Store) readFollowUp(ctx context.Context, y *Year) error {
	f := &FollowUp{}
	err := s.Pool.QueryRow(ctx, `SELECT predikat, recommended, coalesce(decided, ''), coalesce(notes, ''),
		coalesce(decided_by, ''), decided_at FROM followups WHERE cycle_id = $1 AND nip = $2`,
		y.Enrolment.CycleID, y.Enrolment.NIP).Scan(&f.Predikat, &f.Recommended, &f.Decided, &f.Notes, &f.DecidedBy, &f.DecidedAt)
	if err == nil {
		y.FollowUp = f
	}
	return none(err)
}

func (s *Store) readPostings(ctx context.Context, y *Year) error {
	rows, err := s.Pool.Query(ctx, `SELECT id, period, kind, amount, basis, reverses_id, posted_at FROM payroll_postings
		WHERE cycle_id = $1 AND nip = $2 ORDER BY id`, y.Enrolment.CycleID, y.Enrolment.NIP)
	if err != nil {
		return err
	}
	y.Postings, err = pgx.CollectRows(rows, pgx.RowToStructByPos[Posting])
	return err
}

// AuditEntry is one row of the audit log.
type AuditEntry struct {
	ID         int64           `json:"id"`
	At         time.Time       `json:"at"`
	ActorNIP   string          `json:"actor_nip"`
	OnBehalfOf string          `json:"on_behalf_of,omitempty"`
	Action     string          `json:"action"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
}

// Audit lists the audit trail of one employee in one cycle, oldest first.
func (s *Store) Audit(ctx context.Context, cycleID int64, nip string) ([]AuditEntry, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, at, actor_nip, coalesce(on_behalf_of, ''), action, before, after
		FROM audit_log WHERE cycle_id = $1 AND subject_nip = $2 ORDER BY id`, cycleID, nip)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[AuditEntry])
}
