DROP TRIGGER notification_outbox_notify ON notification_outbox;
DROP FUNCTION notification_outbox_notify();
DROP INDEX notification_outbox_due_idx, notification_outbox_claimed_idx, notification_outbox_status_idx;
-- Rows being sent or given up go back to pending, the only unsent state the old schema knows.
UPDATE notification_outbox SET status = 'pending' WHERE status IN ('sending', 'failed');
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_claim_check,
    DROP COLUMN next_attempt_at, DROP COLUMN claimed_at, DROP COLUMN claim_id,
    DROP COLUMN last_attempt_at, DROP COLUMN failed_at, DROP COLUMN secret;
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_status_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_status_check CHECK (status IN ('pending', 'sent'));
