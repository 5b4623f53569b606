package store

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
)

// The page-at-a-time forms of Enrol, Enrolment and MarkStarted, for batches: one statement per
// page instead of one per employee.

// EnrolMany records the enrolments as WorkflowStarting; rows that exist stay as they were.
func (s *Store) EnrolMany(ctx context.Context, es []Enrolment) error {
	if len(es) == 0 {
		return nil
	}
	var cycles []int64
	var nips, ids, pen, ata, phases []string
	for _, e := range es {
		cycles = append(cycles, e.CycleID)
		nips, ids, pen, ata, phases = append(nips, e.NIP), append(ids, e.WorkflowID), append(pen, e.PenilaiNIP),
			append(ata, e.AtasanNIP), append(phases, e.Phase)
	}
	_, err := s.Pool.Exec(ctx, `INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase, workflow_state)
		SELECT c, n, w, p, nullif(a, ''), ph, 'starting' FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
			AS r(c, n, w, p, a, ph)
		ON CONFLICT (cycle_id, nip) DO NOTHING`, cycles, nips, ids, pen, ata, phases)
	return err
}

// EnrolmentAt is an enrolment with when it was written.
type EnrolmentAt struct {
	Enrolment
	EnrolledAt time.Time
}

// EnrolmentsOfNIPs reads the cycle's enrolments of the NIPs given (those that exist).
func (s *Store) EnrolmentsOfNIPs(ctx context.Context, cycleID int64, nips []string) ([]EnrolmentAt, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+enrolmentColumns+`, ec.enrolled_at FROM employee_cycles ec JOIN employees e ON e.nip = ec.nip
		WHERE ec.cycle_id = $1 AND ec.nip = ANY($2) ORDER BY ec.nip`, cycleID, nips)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowToStructByPos[EnrolmentAt])
}

// MarkManyStarted records that the enrolments' workflows run.
func (s *Store) MarkManyStarted(ctx context.Context, cycleID int64, nips []string) error {
	if len(nips) == 0 {
		return nil
	}
	_, err := s.Pool.Exec(ctx, `UPDATE employee_cycles SET workflow_state = 'started'
		WHERE cycle_id = $1 AND nip = ANY($2) AND workflow_state = 'starting'`, cycleID, nips)
	return err
}

// SupervisorChain is an employee with their superior and that superior's superior, as today's
// org data has them; empty fields when missing. Known is false for an unknown NIP.
type SupervisorChain struct {
	NIP         string
	Known       bool
	PenilaiNIP  string
	PenilaiName string
	AtasanNIP   string
	AtasanName  string
}

// SupervisorChains reads the chains of the NIPs given, by NIP.
func (s *Store) SupervisorChains(ctx context.Context, nips []string) (map[string]SupervisorChain, error) {
	rows, err := s.Pool.Query(ctx, `SELECT n, e.nip IS NOT NULL, coalesce(p.nip, ''), coalesce(p.name, ''), coalesce(a.nip, ''), coalesce(a.name, '')
		FROM unnest($1::text[]) n LEFT JOIN employees e ON e.nip = n
		LEFT JOIN employees p ON p.nip = e.superior_nip LEFT JOIN employees a ON a.nip = p.superior_nip`, nips)
	if err != nil {
		return nil, err
	}
	cs, err := pgx.CollectRows(rows, pgx.RowToStructByPos[SupervisorChain])
	if err != nil {
		return nil, err
	}
	out := make(map[string]SupervisorChain, len(cs))
	for _, c := range cs {
		out[c.NIP] = c
	}
	return out, nil
}
