-- A cancelled batch marks the items it never reached "cancelled" with the reason, instead of
-- leaving them pending forever (store.SetBatchState). done_at is when the item was cancelled.
ALTER TABLE batch_items DROP CONSTRAINT batch_items_status_check;
ALTER TABLE batch_items ADD CONSTRAINT batch_items_status_check
    CHECK (status IN ('pending', 'done', 'failed', 'skipped', 'cancelled'));
UPDATE batch_items i SET status = 'cancelled', message = 'batch dibatalkan sebelum pegawai ini diproses; tidak ada yang diubah untuknya',
        done_at = b.finished_at
    FROM batches b WHERE b.id = i.batch_id AND b.state = 'cancelled' AND i.status = 'pending';
