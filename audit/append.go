package audit

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/jackc/pgx/v5/pgconn"
)

// Execer is what Append writes through: pgx.Tx, *pgxpool.Pool and *pgx.Conn all are. Pass the
// transaction that makes the change, so the change and its audit row commit together.
type Execer interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

// Entry is one audit row to append; the database chains it (migration 0002).
type Entry struct {
	Actor   string // a NIP, or a fixed name for who acted without one (ActorBootstrap, ActorCLI, ActorAnonymous)
	Action  string
	Subject string // the employee the row is about; "" for none
	Before  any    // marshalled to JSON; nil for none
	After   any
}

// Actors that are not employees.
const (
	ActorBootstrap = "bootstrap-token"      // the one-time token printed at server start
	ActorCLI       = "kinerja create-admin" // an operator on the server's machine
	ActorAnonymous = "anonymous"            // a login attempt that proved nothing
)

// Append adds e to the audit log.
func Append(ctx context.Context, db Execer, e Entry) error {
	before, err := jsonOrNil(e.Before)
	if err != nil {
		return err
	}
	after, err := jsonOrNil(e.After)
	if err != nil {
		return err
	}
	if _, err := db.Exec(ctx, `INSERT INTO audit_log (actor_nip, action, subject_nip, before, after)
		VALUES ($1, $2, NULLIF($3, ''), $4::jsonb, $5::jsonb)`, e.Actor, e.Action, e.Subject, before, after); err != nil {
		return fmt.Errorf("audit: append %s: %w", e.Action, err)
	}
	return nil
}

func jsonOrNil(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("audit: marshal: %w", err)
	}
	s := string(b)
	return &s, nil
}
