package auth

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// BootstrapTTL is how long a bootstrap token printed at start works.
const BootstrapTTL = 24 * time.Hour

// BootstrapScheme is the Authorization scheme that carries a bootstrap token.
const BootstrapScheme = "Bootstrap"

// ErrBootstrapInvalid is a bootstrap token that is unknown, used, expired or replaced, or one
// presented when the organisation already has an admin.
var ErrBootstrapInvalid = errors.New("token bootstrap tidak dikenal, sudah dipakai, kedaluwarsa, atau organisasi sudah memiliki admin; " +
	"gunakan token terbaru yang dicetak server saat mulai, atau `kinerja create-admin`")

// IssueBootstrapToken makes a fresh one-time token when the organisation has no admin and returns
// it (the database keeps only its hash); earlier unused tokens stop working. With an admin it
// returns "": the first admin exists, so nobody needs a way in without an account.
func (s *Service) IssueBootstrapToken(ctx context.Context) (token string, err error) {
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		token, err = issueBootstrapToken(ctx, tx, s.now())
		return err
	})
	return token, err
}

func issueBootstrapToken(ctx context.Context, db pgx.Tx, now time.Time) (string, error) {
	// Serialise with concurrent starts and with the token's use.
	if _, err := db.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('kinerja:bootstrap'))`); err != nil {
		return "", fmt.Errorf("auth: bootstrap lock: %w", err)
	}
	var hasAdmin bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employees WHERE is_admin)`).Scan(&hasAdmin); err != nil {
		return "", fmt.Errorf("auth: bootstrap: %w", err)
	}
	if hasAdmin {
		return "", nil
	}
	if _, err := db.Exec(ctx, `UPDATE bootstrap_tokens SET expires_at = $1 WHERE used_at IS NULL AND expires_at > $1`, now); err != nil {
		return "", fmt.Errorf("auth: bootstrap: %w", err)
	}
	token := NewToken()
	if _, err := db.Exec(ctx, `INSERT INTO bootstrap_tokens (token_hash, created_at, expires_at) VALUES ($1, $2, $3)`,
		HashToken(token), now, now.Add(BootstrapTTL)); err != nil {
		return "", fmt.Errorf("auth: bootstrap: %w", err)
	}
	return token, nil
}

// UseBootstrapToken uses token up inside tx, the transaction of the import it lets in, so a
// refused import leaves the token usable. ErrBootstrapInvalid unless the token is live and the
// organisation still has no admin.
func UseBootstrapToken(ctx context.Context, tx pgx.Tx, token string, now time.Time) error {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('kinerja:bootstrap'))`); err != nil {
		return fmt.Errorf("auth: bootstrap lock: %w", err)
	}
	var hasAdmin bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employees WHERE is_admin)`).Scan(&hasAdmin); err != nil {
		return fmt.Errorf("auth: bootstrap: %w", err)
	}
	tag, err := tx.Exec(ctx, `UPDATE bootstrap_tokens SET used_at = $2
		WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2`, HashToken(token), now)
	if err != nil {
		return fmt.Errorf("auth: bootstrap: %w", err)
	}
	if hasAdmin || tag.RowsAffected() != 1 {
		return ErrBootstrapInvalid
	}
	return nil
}
