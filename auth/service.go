package auth

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/audit"
)

const (
	// SessionTTL is a session's absolute lifetime; the cookie expires with it.
	SessionTTL = 8 * time.Hour
	// ResetTTL is how long a password-reset link works.
	ResetTTL = 30 * time.Minute
	// resetInterval is the least time between two reset emails to one employee.
	resetInterval = time.Minute
	// touchEvery limits writes of last_seen_at and last_used_at to one a minute per session or token.
	touchEvery = time.Minute
)

var (
	// ErrInvalidCredentials is a wrong NIP or password. A *LockedError also matches it.
	ErrInvalidCredentials = errors.New("NIP atau kata sandi salah")
	// ErrNoAccount is an employee without a password account.
	ErrNoAccount = errors.New("belum memiliki akun; gunakan fitur lupa kata sandi untuk membuat kata sandi")
	// ErrSessionInvalid is an unknown, expired or revoked session.
	ErrSessionInvalid = errors.New("sesi tidak berlaku atau sudah berakhir; silakan login kembali")
	// ErrTokenInvalid is an unknown or revoked API token.
	ErrTokenInvalid = errors.New("token API tidak dikenal atau sudah dicabut")
	// ErrTokenNotFound is an API token that does not exist or is not the caller's.
	ErrTokenNotFound = errors.New("token API tidak ditemukan")
)

// ResetError is a password-reset link that cannot be used; its message says why, in Bahasa Indonesia.
type ResetError struct{ Message string }

func (e *ResetError) Error() string { return e.Message }

// DB is satisfied by pgx.Tx, *pgxpool.Pool and *pgx.Conn.
type DB interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// Service keeps accounts, sessions, password resets and API tokens in PostgreSQL. Every time it
// writes or compares comes from Now, so tests can move the clock.
type Service struct {
	Pool *pgxpool.Pool
	Now  func() time.Time // nil means time.Now
	// Client is where the request came from, for the audit rows of logins; may be empty.
	Client Client
}

// Client is the network origin of a request as the audit log records it.
type Client struct {
	IP           string `json:"ip,omitempty"`            // the TCP peer
	ForwardedFor string `json:"forwarded_for,omitempty"` // X-Forwarded-For as received: unverified
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// UpsertAccount sets nip's password hash, creating the account if needed, and clears any lockout.
// created tells whether the account is new.
func UpsertAccount(ctx context.Context, db DB, nip, passwordHash string, now time.Time) (created bool, err error) {
	err = db.QueryRow(ctx, `
		INSERT INTO accounts (nip, password_hash, failed_attempts, locked_until, password_changed_at, created_at)
		VALUES ($1, $2, 0, NULL, $3, $3)
		ON CONFLICT (nip) DO UPDATE
		SET password_hash = $2, failed_attempts = 0, locked_until = NULL, password_changed_at = $3
		RETURNING xmax = 0`, nip, passwordHash, now).Scan(&created)
	if err != nil {
		return false, fmt.Errorf("auth: save account: %w", err)
	}
	return created, nil
}

// SetPassword checks the policy, hashes pw and stores it for nip (creating the account).
func (s *Service) SetPassword(ctx context.Context, nip, pw string) (created bool, err error) {
	phc, err := HashPassword(pw)
	if err != nil {
		return false, err
	}
	return UpsertAccount(ctx, s.Pool, nip, phc, s.now())
}

// Session is one login. Token is known only right after Login: the database keeps its hash.
type Session struct {
	Token     string
	ID        []byte
	NIP       string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Login checks nip and pw and opens a session. It fails with ErrInvalidCredentials or a
// *LockedError (which also matches ErrInvalidCredentials); see the lockout rules in lockout.go.
// The account row is locked for the attempt, so concurrent guesses are all counted.
func (s *Service) Login(ctx context.Context, nip, pw string) (Session, error) {
	defer hashSlot()()
	now := s.now()
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return Session{}, fmt.Errorf("auth: login: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	verdict, err := attempt(ctx, tx, nip, pw, now)
	if err != nil {
		return Session{}, err
	}
	if verdict != nil {
		if err := s.auditFailedLogin(ctx, tx, nip, verdict); err != nil {
			return Session{}, err
		}
		// The failure count must be kept even though the login fails.
		if err := tx.Commit(ctx); err != nil {
			return Session{}, fmt.Errorf("auth: login: %w", err)
		}
		if errors.Is(verdict, ErrNoAccount) {
			return Session{}, ErrInvalidCredentials
		}
		return Session{}, verdict
	}
	sess, err := s.openAudited(ctx, tx, nip, MethodPassword, now)
	if err != nil {
		return Session{}, err
	}
	if err := tx.Commit(ctx); err != nil {
		return Session{}, fmt.Errorf("auth: login: %w", err)
	}
	return sess, nil
}

// nipShape is a well-formed NIP. A login's NIP field that is not one may hold a password typed
// into the wrong box, so the audit row keeps only its length.
var nipShape = regexp.MustCompile(`^[0-9]{18}$`)

// auditFailedLogin records a refused login: the NIP tried, why, and where from; never the password.
func (s *Service) auditFailedLogin(ctx context.Context, tx pgx.Tx, nip string, verdict error) error {
	reason := "wrong_password"
	var locked *LockedError
	switch {
	case errors.Is(verdict, ErrNoAccount):
		reason = "no_account"
	case errors.As(verdict, &locked):
		reason = "locked"
	}
	after := map[string]any{"reason": reason, "client": s.Client}
	subject := ""
	if nipShape.MatchString(nip) {
		after["nip_tried"] = nip
		var known bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM employees WHERE nip = $1)`, nip).Scan(&known); err != nil {
			return fmt.Errorf("auth: audit login: %w", err)
		}
		if known {
			subject = nip
		}
	} else {
		after["nip_tried_not_a_nip"] = len([]rune(nip))
	}
	return audit.Append(ctx, tx, audit.Entry{Actor: audit.ActorAnonymous, Action: "auth.login_failed", Subject: subject, After: after})
}

// attempt checks pw for nip inside tx and records the outcome; the caller holds a hash slot. verdict is nil when the password
// is right, ErrNoAccount, ErrInvalidCredentials or a *LockedError otherwise; err is a failure
// of the database or a corrupt stored hash. The caller must commit even when verdict is not nil.
func attempt(ctx context.Context, tx pgx.Tx, nip, pw string, now time.Time) (verdict, err error) {
	var phc string
	var failed int
	var lockedUntil *time.Time
	err = tx.QueryRow(ctx, `SELECT password_hash, failed_attempts, locked_until FROM accounts WHERE nip = $1 FOR UPDATE`, nip).
		Scan(&phc, &failed, &lockedUntil)
	if errors.Is(err, pgx.ErrNoRows) {
		verifyDummy(pw) // as slow as a real check: timing does not reveal whether the NIP has an account
		return ErrNoAccount, nil
	}
	if err != nil {
		return nil, fmt.Errorf("auth: read account: %w", err)
	}
	ok, err := verify(phc, pw) // also while locked, so a locked answer takes as long
	if err != nil {
		return nil, fmt.Errorf("auth: stored password hash: %w", err)
	}
	if lockedUntil != nil && lockedUntil.After(now) {
		return &LockedError{Until: *lockedUntil, Wait: lockedUntil.Sub(now)}, nil
	}
	if !ok {
		failed++
		var until *time.Time
		if d := LockDuration(failed); d > 0 {
			u := now.Add(d)
			until = &u
		}
		if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_attempts = $2, locked_until = $3 WHERE nip = $1`, nip, failed, until); err != nil {
			return nil, fmt.Errorf("auth: record failed login: %w", err)
		}
		if until != nil {
			return &LockedError{Until: *until, Wait: until.Sub(now)}, nil
		}
		return ErrInvalidCredentials, nil
	}
	if failed != 0 || lockedUntil != nil {
		if _, err := tx.Exec(ctx, `UPDATE accounts SET failed_attempts = 0, locked_until = NULL WHERE nip = $1`, nip); err != nil {
			return nil, fmt.Errorf("auth: reset failed logins: %w", err)
		}
	}
	if NeedsRehash(phc) {
		// Parameters were raised since this hash was made: upgrade it while the password is at hand.
		if _, err := tx.Exec(ctx, `UPDATE accounts SET password_hash = $2 WHERE nip = $1`, nip, hashWith(pw, DefaultParams)); err != nil {
			return nil, fmt.Errorf("auth: rehash: %w", err)
		}
	}
	return nil, nil
}

// Session returns the live session whose cookie holds token, or ErrSessionInvalid.
func (s *Service) Session(ctx context.Context, token string) (Session, error) {
	if token == "" {
		return Session{}, ErrSessionInvalid
	}
	now := s.now()
	sess := Session{ID: HashToken(token)}
	var lastSeen time.Time
	var revoked *time.Time
	err := s.Pool.QueryRow(ctx, `SELECT nip, created_at, expires_at, last_seen_at, revoked_at FROM sessions WHERE id = $1`, sess.ID).
		Scan(&sess.NIP, &sess.CreatedAt, &sess.ExpiresAt, &lastSeen, &revoked)
	if errors.Is(err, pgx.ErrNoRows) {
		return Session{}, ErrSessionInvalid
	}
	if err != nil {
		return Session{}, fmt.Errorf("auth: read session: %w", err)
	}
	if revoked != nil || !now.Before(sess.ExpiresAt) {
		return Session{}, ErrSessionInvalid
	}
	if now.Sub(lastSeen) >= touchEvery {
		if _, err := s.Pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $2 WHERE id = $1`, sess.ID, now); err != nil {
			return Session{}, fmt.Errorf("auth: touch session: %w", err)
		}
	}
	return sess, nil
}

// Logout revokes the session whose cookie holds token; an unknown or revoked one is no error.
func (s *Service) Logout(ctx context.Context, token string) error {
	_, err := s.Pool.Exec(ctx, `UPDATE sessions SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL`, HashToken(token), s.now())
	if err != nil {
		return fmt.Errorf("auth: logout: %w", err)
	}
	return nil
}

// Ended counts the credentials a new password ended, for the audit row.
type Ended struct {
	Sessions  int64 `json:"sessions_revoked"`
	APITokens int64 `json:"api_tokens_revoked"`
}

// endCredentials revokes every session of nip but keep (a session id, may be nil) and every API
// token of nip: whoever held the old password may have made either.
func endCredentials(ctx context.Context, db DB, nip string, keep []byte, now time.Time) (Ended, error) {
	var n Ended
	tag, err := db.Exec(ctx, `UPDATE sessions SET revoked_at = $3
		WHERE nip = $1 AND revoked_at IS NULL AND id IS DISTINCT FROM $2`, nip, keep, now)
	if err != nil {
		return n, fmt.Errorf("auth: revoke sessions: %w", err)
	}
	n.Sessions = tag.RowsAffected()
	tag, err = db.Exec(ctx, `UPDATE api_tokens SET revoked_at = $2 WHERE nip = $1 AND revoked_at IS NULL`, nip, now)
	if err != nil {
		return n, fmt.Errorf("auth: revoke API tokens: %w", err)
	}
	n.APITokens = tag.RowsAffected()
	return n, nil
}

// ChangePassword replaces nip's password after checking the current one, which counts toward the
// lockout like a login. Every other session and every API token of nip is revoked; keepSession (a session id, may be
// nil) stays. Errors: *InputError, ErrNoAccount, ErrInvalidCredentials, *LockedError.
func (s *Service) ChangePassword(ctx context.Context, nip, current, next string, keepSession []byte) error {
	if err := CheckPassword(next); err != nil {
		return err
	}
	defer hashSlot()()
	phc := hashWith(next, DefaultParams)
	now := s.now()
	tx, err := s.Pool.Begin(ctx)
	if err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	verdict, err := attempt(ctx, tx, nip, current, now)
	if err != nil {
		return err
	}
	if verdict == nil {
		if _, err = UpsertAccount(ctx, tx, nip, phc, now); err != nil {
			return err
		}
		n, err := endCredentials(ctx, tx, nip, keepSession, now)
		if err != nil {
			return err
		}
		if err := audit.Append(ctx, tx, audit.Entry{Actor: nip, Action: "auth.password_changed", Subject: nip, After: n}); err != nil {
			return err
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return fmt.Errorf("auth: change password: %w", err)
	}
	return verdict
}

// ResetRequest is a freshly made password-reset link, for the email.
type ResetRequest struct {
	Token     string
	NIP       string
	Name      string
	Email     string
	ExpiresAt time.Time
}

// Key is the outbox dedupe key of the email carrying r: it names neither the NIP nor the token.
func (r ResetRequest) Key() string {
	return "password-reset/" + hex.EncodeToString(HashToken(r.Token)[:12])
}

// RequestReset makes a single-use link valid ResetTTL for an employee in the org data (with or
// without an account: confirming the link creates a missing one) and calls send inside the same
// transaction, so the link exists exactly when its email is in the outbox. Earlier unused links
// of that employee stop working. It does nothing, and returns false, for an unknown NIP or when
// a link was made less than a minute ago (so the endpoint cannot flood a mailbox).
func (s *Service) RequestReset(ctx context.Context, nip string, send func(tx pgx.Tx, r ResetRequest) error) (bool, error) {
	now := s.now()
	made := false
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		r := ResetRequest{NIP: nip}
		err := tx.QueryRow(ctx, `SELECT name, email FROM employees WHERE nip = $1`, nip).Scan(&r.Name, &r.Email)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		// One request per employee at a time, so the rate limit below holds under concurrency.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('password-reset:' || $1))`, nip); err != nil {
			return err
		}
		var recent bool
		if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM password_resets WHERE nip = $1 AND created_at > $2)`,
			nip, now.Add(-resetInterval)).Scan(&recent); err != nil || recent {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET expires_at = $2
			WHERE nip = $1 AND used_at IS NULL AND expires_at > $2`, nip, now); err != nil {
			return err
		}
		r.Token, r.ExpiresAt = NewToken(), now.Add(ResetTTL)
		if _, err := tx.Exec(ctx, `INSERT INTO password_resets (token_hash, nip, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			HashToken(r.Token), nip, now, r.ExpiresAt); err != nil {
			return err
		}
		if err := send(tx, r); err != nil {
			return err
		}
		made = true
		return nil
	})
	if err != nil {
		return false, fmt.Errorf("auth: password reset: %w", err)
	}
	return made, nil
}

// ConfirmReset sets the password through a reset link: the link is used up, the account created
// if missing and unlocked, and every session and API token of the employee revoked. It returns the NIP.
// Errors: *InputError (weak password; the link stays usable), *ResetError (unknown, used or expired link).
func (s *Service) ConfirmReset(ctx context.Context, token, pw string) (string, error) {
	phc, err := HashPassword(pw)
	if err != nil {
		return "", err
	}
	now := s.now()
	var nip string
	err = pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		var expires time.Time
		var used *time.Time
		err := tx.QueryRow(ctx, `SELECT nip, expires_at, used_at FROM password_resets WHERE token_hash = $1 FOR UPDATE`, HashToken(token)).
			Scan(&nip, &expires, &used)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return &ResetError{"tautan atur ulang kata sandi tidak dikenal; minta tautan baru"}
		case err != nil:
			return err
		case used != nil:
			return &ResetError{"tautan atur ulang kata sandi sudah pernah digunakan; minta tautan baru bila perlu"}
		case !now.Before(expires):
			return &ResetError{"tautan atur ulang kata sandi sudah kedaluwarsa (berlaku 30 menit, dan hanya tautan terbaru yang berlaku); minta tautan baru"}
		}
		if _, err := tx.Exec(ctx, `UPDATE password_resets SET used_at = $2 WHERE token_hash = $1`, HashToken(token), now); err != nil {
			return err
		}
		if _, err := UpsertAccount(ctx, tx, nip, phc, now); err != nil {
			return err
		}
		n, err := endCredentials(ctx, tx, nip, nil, now)
		if err != nil {
			return err
		}
		return audit.Append(ctx, tx, audit.Entry{Actor: nip, Action: "auth.password_reset", Subject: nip, After: n})
	})
	var re *ResetError
	if errors.As(err, &re) {
		return "", re
	}
	if err != nil {
		return "", fmt.Errorf("auth: confirm password reset: %w", err)
	}
	return nip, nil
}

// APIToken is an API token as its owner sees it: never the secret.
type APIToken struct {
	ID         int64      `json:"id"`
	NIP        string     `json:"-"`
	Name       string     `json:"name"`
	Scopes     []string   `json:"scopes"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

const apiTokenColumns = `id, nip, name, scopes, created_at, last_used_at, revoked_at`

func scanAPIToken(row pgx.Row) (APIToken, error) {
	var t APIToken
	err := row.Scan(&t.ID, &t.NIP, &t.Name, &t.Scopes, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	return t, err
}

// MaxTokenName bounds an API token's name, in characters.
const MaxTokenName = 100

// CreateAPIToken makes a token for nip and returns the secret, which is not kept anywhere.
func (s *Service) CreateAPIToken(ctx context.Context, nip, name string, scopes []string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", APIToken{}, &InputError{"kolom name wajib diisi (untuk apa token ini)"}
	}
	if len([]rune(name)) > MaxTokenName {
		return "", APIToken{}, &InputError{fmt.Sprintf("kolom name maksimal %d karakter", MaxTokenName)}
	}
	scopes, err := NormalizeScopes(scopes)
	if err != nil {
		return "", APIToken{}, err
	}
	secret := NewAPIToken()
	t, err := scanAPIToken(s.Pool.QueryRow(ctx, `INSERT INTO api_tokens (nip, name, token_hash, scopes, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING `+apiTokenColumns, nip, name, HashToken(secret), scopes, s.now()))
	if err != nil {
		return "", APIToken{}, fmt.Errorf("auth: create API token: %w", err)
	}
	return secret, t, nil
}

// APITokens lists nip's tokens, newest first, revoked ones included.
func (s *Service) APITokens(ctx context.Context, nip string) ([]APIToken, error) {
	rows, err := s.Pool.Query(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE nip = $1 ORDER BY id DESC`, nip)
	if err != nil {
		return nil, fmt.Errorf("auth: list API tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (APIToken, error) { return scanAPIToken(r) })
	if err != nil {
		return nil, fmt.Errorf("auth: list API tokens: %w", err)
	}
	return out, nil
}

// RevokeAPIToken revokes nip's token id; revoking twice is no error. ErrTokenNotFound when the
// token is not nip's.
func (s *Service) RevokeAPIToken(ctx context.Context, nip string, id int64) error {
	var found bool
	err := s.Pool.QueryRow(ctx, `WITH t AS (SELECT id FROM api_tokens WHERE id = $1 AND nip = $2),
		u AS (UPDATE api_tokens SET revoked_at = $3 WHERE id IN (SELECT id FROM t) AND revoked_at IS NULL)
		SELECT EXISTS (SELECT 1 FROM t)`, id, nip, s.now()).Scan(&found)
	if err != nil {
		return fmt.Errorf("auth: revoke API token: %w", err)
	}
	if !found {
		return ErrTokenNotFound
	}
	return nil
}

// UseAPIToken returns the live token with this secret and records its use (at most one write a
// minute per token). ErrTokenInvalid when unknown or revoked.
func (s *Service) UseAPIToken(ctx context.Context, secret string) (APIToken, error) {
	if !strings.HasPrefix(secret, APITokenPrefix) {
		return APIToken{}, ErrTokenInvalid
	}
	t, err := scanAPIToken(s.Pool.QueryRow(ctx, `SELECT `+apiTokenColumns+` FROM api_tokens WHERE token_hash = $1`, HashToken(secret)))
	if errors.Is(err, pgx.ErrNoRows) {
		return APIToken{}, ErrTokenInvalid
	}
	if err != nil {
		return APIToken{}, fmt.Errorf("auth: read API token: %w", err)
	}
	if t.RevokedAt != nil {
		return APIToken{}, ErrTokenInvalid
	}
	now := s.now()
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if _, err := s.Pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $2 WHERE id = $1`, t.ID, now); err != nil {
			return APIToken{}, fmt.Errorf("auth: record API token use: %w", err)
		}
		t.LastUsedAt = &now
	}
	return t, nil
}
