// Package email renders notices in Bahasa Indonesia, keeps them in a PostgreSQL outbox
// and delivers them through SendGrid, never resending one already recorded as sent.
package email

import "time"

// Message is one email to one recipient, as stored in notification_outbox.
type Message struct {
	DedupeKey  string // unique: the same key is never sent twice
	ToEmail    string
	ToName     string
	Subject    string
	Text       string            // text/plain body
	HTML       string            // text/html body
	CustomArgs map[string]string // passed to SendGrid custom_args (dedupe_key is always included)
	// Secret marks a body that holds a secret (a password-reset link): it is blanked once the row is
	// sent or failed, and only the dev inbox ever shows it.
	Secret bool
	// ExpiresAt, when set, is the moment the message becomes useless (its link is dead): a row not
	// sent by then fails instead.
	ExpiresAt time.Time
}
