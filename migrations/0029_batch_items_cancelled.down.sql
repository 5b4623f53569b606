UPDATE batch_items SET status = 'pending', message = '', done_at = NULL WHERE status = 'cancelled';
ALTER TABLE batch_items DROP CONSTRAINT batch_items_status_check;
ALTER TABLE batch_items ADD CONSTRAINT batch_items_status_check
    CHECK (status IN ('pending', 'done', 'failed', 'skipped'));
