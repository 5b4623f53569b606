package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// The public satisfaction survey of a unit (issue 7): tables in migrations/0026_evidence.up.sql.

// SurveyQuestions are the fixed questions, in the order the form asks them; each is 1-5 stars.
var SurveyQuestions = []struct{ Key, Text string }{
	{"kemudahan", "Kemudahan persyaratan dan prosedur layanan"},
	{"kecepatan", "Kecepatan waktu pelayanan"},
	{"keramahan", "Kesopanan dan keramahan petugas"},
}

// SurveyLink is a unit's public survey link.
type SurveyLink struct {
	Token    string `json:"token"`
	UnitID   string `json:"unit_id"`
	UnitName string `json:"unit_name"`
}

// CreateSurveyLink stores a link HR made.
func (s *Store) CreateSurveyLink(ctx context.Context, token, unit, by string, at time.Time) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO survey_links (token, unit_id, created_by, created_at) VALUES ($1, $2, $3, $4)`,
		token, unit, by, at)
	return err
}

// SurveyLinkSummary is a link as HR's page lists it: its public address, who made it, and its
// unit's answers over a year.
type SurveyLinkSummary struct {
	SurveyLink
	URL           string
	CreatedAt     time.Time
	CreatedByName string
	Results       SurveyResults
}

// SurveyLinks lists every link, newest first, with its unit's and maker's names.
func (s *Store) SurveyLinks(ctx context.Context) ([]SurveyLinkSummary, error) {
	rows, err := s.Pool.Query(ctx, `SELECT l.token, l.unit_id, u.name, l.created_at, e.name FROM survey_links l
		JOIN org_units u ON u.id = l.unit_id JOIN employees e ON e.nip = l.created_by ORDER BY l.created_at DESC, l.token`)
	if err != nil {
		return nil, err
	}
	var out []SurveyLinkSummary
	var l SurveyLinkSummary
	_, err = pgx.ForEachRow(rows, []any{&l.Token, &l.UnitID, &l.UnitName, &l.CreatedAt, &l.CreatedByName}, func() error {
		out = append(out, l)
		return nil
	})
	return out, err
}

// SurveyLinkOf reads a link by its token; ErrNotFound when there is none.
func (s *Store) SurveyLinkOf(ctx context.Context, token string) (SurveyLink, error) {
	l := SurveyLink{Token: token}
	err := s.Pool.QueryRow(ctx, `SELECT l.unit_id, u.name FROM survey_links l JOIN org_units u ON u.id = l.unit_id
		WHERE l.token = $1`, token).Scan(&l.UnitID, &l.UnitName)
	if errors.Is(err, pgx.ErrNoRows) {
		err = ErrNotFound
	}
	return l, err
}

// SurveyResponse is one answer; Scores follow SurveyQuestions.
type SurveyResponse struct {
	Token      string
	UnitID     string
	Day        string // YYYY-MM-DD, WIB
	ClientHash string
	Scores     [3]int
	Comment    string
	At         time.Time
}

// AddSurveyResponse stores an answer; false when this client already answered this link today.
func (s *Store) AddSurveyResponse(ctx context.Context, r SurveyResponse) (bool, error) {
	tag, err := s.Pool.Exec(ctx, `INSERT INTO survey_responses (token, unit_id, day, client_hash, kemudahan, kecepatan,
		keramahan, comment, answered_at) VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9)
		ON CONFLICT (token, client_hash, day) DO NOTHING`,
		r.Token, r.UnitID, r.Day, r.ClientHash, r.Scores[0], r.Scores[1], r.Scores[2], r.Comment, r.At)
	return tag.RowsAffected() == 1, err
}

// SurveyResults is a unit's answers over a period: per question the sum of stars, so the
// average is Sum/Responses, and the comments (newest first, at most 100).
type SurveyResults struct {
	UnitID    string            `json:"unit_id"`
	From      string            `json:"from"`
	To        string            `json:"to"` // exclusive
	Responses int               `json:"responses"`
	Sums      map[string]int    `json:"sums"`
	Averages  map[string]string `json:"averages"` // two decimals, e.g. "4.25"; empty without answers
	Comments  []string          `json:"comments"`
}

// SurveyResultsOf sums the unit's answers of days in [from, to) (YYYY-MM-DD, WIB).
func (s *Store) SurveyResultsOf(ctx context.Context, unit, from, to string) (SurveyResults, error) {
	r := SurveyResults{UnitID: unit, From: from, To: to, Sums: map[string]int{}, Averages: map[string]string{}, Comments: []string{}}
	var sums [3]int
	err := s.Pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(kemudahan), 0), coalesce(sum(kecepatan), 0), coalesce(sum(keramahan), 0)
		FROM survey_responses WHERE unit_id = $1 AND day >= $2::date AND day < $3::date`, unit, from, to).
		Scan(&r.Responses, &sums[0], &sums[1], &sums[2])
	if err != nil {
		return r, err
	}
	for i, q := range SurveyQuestions {
		r.Sums[q.Key] = sums[i]
		if r.Responses > 0 {
			hundredths := (sums[i]*100 + r.Responses/2) / r.Responses
			r.Averages[q.Key] = fmt.Sprintf("%d.%02d", hundredths/100, hundredths%100)
		}
	}
	rows, err := s.Pool.Query(ctx, `SELECT comment FROM survey_responses WHERE unit_id = $1 AND day >= $2::date AND day < $3::date
		AND comment <> '' ORDER BY answered_at DESC LIMIT 100`, unit, from, to)
	if err != nil {
		return r, err
	}
	if r.Comments, err = pgx.CollectRows(rows, pgx.RowTo[string]); r.Comments == nil {
		r.Comments = []string{}
	}
	return r, err
}

// PenilaiInUnit tells whether nip is the penilai of any enrolled employee of the unit.
func (s *Store) PenilaiInUnit(ctx context.Context, nip, unit string) (bool, error) {
	var ok bool
	err := s.Pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.penilai_nip = $1 AND e.unit_id = $2)`, nip, unit).Scan(&ok)
	return ok, err
}
