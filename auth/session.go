package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/audit"
)

// How a session began (sessions.method, migration 0004).
const (
	MethodPassword = "password" // Login: NIP and password
	MethodOIDC     = "oidc"     // single sign-on: the provider proved the NIP (api/oidc.go)
)

// OpenSession opens a session for nip after someone else proved who the caller is: an OIDC
// provider whose ID token carried the NIP. The caller must have checked that nip is in the org
// data; no password account is needed, and an account's lockout (which guards the password) does
// not apply. The session is the same as one from Login: same token, lifetime and CSRF token.
func (s *Service) OpenSession(ctx context.Context, nip, method string) (Session, error) {
	var sess Session
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) (err error) {
		sess, err = s.openAudited(ctx, tx, nip, method, s.now())
		return err
	})
	return sess, err
}

// openAudited opens a session and records the login in the audit log, in one transaction.
func (s *Service) openAudited(ctx context.Context, tx pgx.Tx, nip, method string, now time.Time) (Session, error) {
	sess, err := openSession(ctx, tx, nip, method, now)
	if err != nil {
		return Session{}, err
	}
	err = audit.Append(ctx, tx, audit.Entry{Actor: nip, Action: "auth.login", Subject: nip,
		After: map[string]any{"method": method, "client": s.Client}})
	return sess, err
}

// openSession is the one place sessions are created, for Login and OpenSession alike.
func openSession(ctx context.Context, db DB, nip, method string, now time.Time) (Session, error) {
	sess := Session{Token: NewToken(), NIP: nip, CreatedAt: now, ExpiresAt: now.Add(SessionTTL)}
	sess.ID = HashToken(sess.Token)
	if _, err := db.Exec(ctx, `INSERT INTO sessions (id, nip, created_at, expires_at, last_seen_at, method)
		VALUES ($1, $2, $3, $4, $3, $5)`, sess.ID, nip, now, sess.ExpiresAt, method); err != nil {
		return Session{}, fmt.Errorf("auth: create session: %w", err)
	}
	return sess, nil
}
