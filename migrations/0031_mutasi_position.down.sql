DROP INDEX mutasi_pending_idx;
ALTER TABLE mutasi DROP COLUMN applied_at, DROP COLUMN position_id;
