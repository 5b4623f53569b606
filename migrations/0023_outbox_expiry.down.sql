ALTER TABLE notification_outbox DROP COLUMN expires_at;
