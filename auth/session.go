package auth

import (
	"context"
	"fmt"
	"time"
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
	return openSession(ctx, s.Pool, nip, method, s.now())
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
