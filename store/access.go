package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// What internal/access needs from the database: unit ancestry, HR scopes, delegations.

// UnitAncestry returns the unit, its parent, and so on up to the root. A loop in the data ends
// the walk; an unknown unit gives just itself.
func (s *Store) UnitAncestry(ctx context.Context, unitID string) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `WITH RECURSIVE up(id, parent_id, depth) AS (
			SELECT id, parent_id, 0 FROM org_units WHERE id = $1
			UNION ALL
			SELECT u.id, u.parent_id, up.depth + 1 FROM org_units u JOIN up ON u.id = up.parent_id WHERE up.depth < 64)
		SELECT id FROM up ORDER BY depth`, unitID)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, err
	}
	out := []string{unitID}
	for _, id := range ids[min(1, len(ids)):] {
		if id == unitID || contains(out, id) {
			break
		}
		out = append(out, id)
	}
	return out, nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// UnitParents maps every unit to its parent ("" for a root), for access.Ancestry over many employees.
func (s *Store) UnitParents(ctx context.Context) (map[string]string, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, coalesce(parent_id, '') FROM org_units`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	parents := map[string]string{}
	for rows.Next() {
		var id, parent string
		if err := rows.Scan(&id, &parent); err != nil {
			return nil, err
		}
		parents[id] = parent
	}
	return parents, rows.Err()
}

// Delegation is a Plt or Plh: Delegate acts for Principal from StartsAt until EndsAt (exclusive).
type Delegation struct {
	ID            int64      `json:"id"`
	PrincipalNIP  string     `json:"principal_nip"`
	PrincipalName string     `json:"principal_name"`
	DelegateNIP   string     `json:"delegate_nip"`
	DelegateName  string     `json:"delegate_name"`
	Kind          string     `json:"kind"`
	StartsAt      time.Time  `json:"starts_at"`
	EndsAt        time.Time  `json:"ends_at"`
	Reason        string     `json:"reason"`
	CreatedBy     string     `json:"created_by"`
	CreatedAt     time.Time  `json:"created_at"`
	RevokedAt     *time.Time `json:"revoked_at,omitempty"`
	RevokedBy     string     `json:"revoked_by,omitempty"`
	// PrincipalUnitID is where the principal works: HR whose scope covers it manages the delegation.
	PrincipalUnitID string `json:"-"`
}

// OverlapError refuses a delegation whose period overlaps another, unrevoked one of the same
// principal and delegate.
type OverlapError struct{ ID int64 }

func (e *OverlapError) Error() string {
	return fmt.Sprintf("sudah ada delegasi yang sama (id %d) pada periode yang tumpang tindih; cabut dulu delegasi itu atau pilih periode lain", e.ID)
}

const delegationColumns = `d.id, d.principal_nip, p.name, d.delegate_nip, g.name, d.kind, d.starts_at, d.ends_at, d.reason,
	d.created_by, d.created_at, d.revoked_at, coalesce(d.revoked_by, ''), p.unit_id`

const delegationFrom = ` FROM delegations d JOIN employees p ON p.nip = d.principal_nip JOIN employees g ON g.nip = d.delegate_nip `

func collectDelegations(rows pgx.Rows) ([]Delegation, error) {
	return pgx.CollectRows(rows, pgx.RowToStructByPos[Delegation])
}

// CreateDelegation saves a delegation and its audit row in one transaction, and returns its id.
// d.CreatedAt is when it was made (the API's clock).
func (s *Store) CreateDelegation(ctx context.Context, d Delegation) (int64, error) {
	var id int64
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		// One creation per principal at a time, so the overlap check holds under concurrency.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('delegation:' || $1))`, d.PrincipalNIP); err != nil {
			return err
		}
		var other int64
		err := tx.QueryRow(ctx, `SELECT id FROM delegations WHERE principal_nip = $1 AND delegate_nip = $2
			AND revoked_at IS NULL AND starts_at < $4 AND $3 < ends_at ORDER BY id LIMIT 1`,
			d.PrincipalNIP, d.DelegateNIP, d.StartsAt, d.EndsAt).Scan(&other)
		if err == nil {
			return &OverlapError{other}
		}
		if !errors.Is(err, pgx.ErrNoRows) {
			return err
		}
		if err := tx.QueryRow(ctx, `INSERT INTO delegations (principal_nip, delegate_nip, kind, starts_at, ends_at, reason,
			created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			d.PrincipalNIP, d.DelegateNIP, d.Kind, d.StartsAt, d.EndsAt, d.Reason, d.CreatedBy, d.CreatedAt).Scan(&id); err != nil {
			return err
		}
		return auditDelegation(ctx, tx, id, d.CreatedBy, "delegation.created")
	})
	return id, err
}

// auditDelegation appends the delegation as it now stands to the audit log, under the principal.
func auditDelegation(ctx context.Context, tx pgx.Tx, id int64, actor, action string) error {
	rows, err := tx.Query(ctx, `SELECT `+delegationColumns+delegationFrom+`WHERE d.id = $1`, id)
	if err != nil {
		return err
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Delegation])
	if err != nil {
		return err
	}
	after, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, subject_nip, after) VALUES ($1, $2, $3, $4)`,
		actor, action, d.PrincipalNIP, after)
	return err
}

// GetDelegation reads one delegation.
func (s *Store) GetDelegation(ctx context.Context, id int64) (Delegation, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+delegationColumns+delegationFrom+`WHERE d.id = $1`, id)
	if err != nil {
		return Delegation{}, err
	}
	d, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[Delegation])
	if errors.Is(err, pgx.ErrNoRows) {
		return Delegation{}, fmt.Errorf("delegasi %d: %w", id, ErrNotFound)
	}
	return d, err
}

// Delegations lists every delegation, or with activeAt only those in force then, newest first.
func (s *Store) Delegations(ctx context.Context, activeAt *time.Time) ([]Delegation, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+delegationColumns+delegationFrom+`
		WHERE $1::timestamptz IS NULL OR (d.starts_at <= $1 AND $1 < d.ends_at AND (d.revoked_at IS NULL OR $1 < d.revoked_at))
		ORDER BY d.id DESC`, activeAt)
	if err != nil {
		return nil, err
	}
	return collectDelegations(rows)
}

// DelegationsTo lists the delegations naming nip as the delegate that are not over at the given
// moment (internal/access decides which of them are in force).
func (s *Store) DelegationsTo(ctx context.Context, nip string, at time.Time) ([]Delegation, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+delegationColumns+delegationFrom+`
		WHERE d.delegate_nip = $1 AND d.ends_at > $2 AND (d.revoked_at IS NULL OR d.revoked_at > $2)
		ORDER BY d.id`, nip, at)
	if err != nil {
		return nil, err
	}
	return collectDelegations(rows)
}

// RevokeDelegation ends a delegation at the given moment and records who did it; revoking one
// already revoked changes nothing. It returns the delegation as it now stands.
func (s *Store) RevokeDelegation(ctx context.Context, id int64, by string, at time.Time) (Delegation, error) {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE delegations SET revoked_at = $3, revoked_by = $2 WHERE id = $1 AND revoked_at IS NULL`, id, by, at)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		return auditDelegation(ctx, tx, id, by, "delegation.revoked")
	})
	if err != nil {
		return Delegation{}, err
	}
	return s.GetDelegation(ctx, id)
}
