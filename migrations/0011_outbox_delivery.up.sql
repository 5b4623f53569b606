-- Email delivery runs on its own (email.Deliverer), apart from the workflows: rows are claimed
-- with a lease, retried with backoff, and end 'sent' or 'failed' (permanent), each on its own.
ALTER TABLE notification_outbox DROP CONSTRAINT notification_outbox_status_check;
ALTER TABLE notification_outbox ADD CONSTRAINT notification_outbox_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'failed'));
ALTER TABLE notification_outbox
    -- when a pending row may next be tried (backoff after a failure)
    ADD COLUMN next_attempt_at timestamptz NOT NULL DEFAULT now(),
    -- set while 'sending': the lease start and the claim that owns it
    ADD COLUMN claimed_at      timestamptz,
    ADD COLUMN claim_id        uuid,
    ADD COLUMN last_attempt_at timestamptz,
    ADD COLUMN failed_at       timestamptz,
    -- the body holds a secret (a password-reset link): blanked once the row is sent or failed
    ADD COLUMN secret          boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT notification_outbox_claim_check
        CHECK ((status = 'sending') = (claimed_at IS NOT NULL AND claim_id IS NOT NULL));

CREATE INDEX notification_outbox_due_idx ON notification_outbox (next_attempt_at) WHERE status = 'pending';
CREATE INDEX notification_outbox_claimed_idx ON notification_outbox (claimed_at) WHERE status = 'sending';
CREATE INDEX notification_outbox_status_idx ON notification_outbox (status, id);

-- Wakes delivery loops (LISTEN notification_outbox) as soon as a transaction that enqueued commits.
CREATE FUNCTION notification_outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('notification_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER notification_outbox_notify AFTER INSERT ON notification_outbox
    FOR EACH STATEMENT EXECUTE FUNCTION notification_outbox_notify();
