-- A message that is useless after a moment (a password-reset link) is never sent after it: past
-- expires_at a pending row fails instead of reaching its addressee with a dead link.
ALTER TABLE notification_outbox ADD COLUMN expires_at timestamptz;
