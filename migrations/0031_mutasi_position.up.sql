-- A mutasi names the position it moves to from the organisation's positions (the org import), so
-- what it records is checked and the position's TPP can be found; position keeps its name as it
-- read then. Rows recorded before carry free text only (position_id NULL).
-- applied_at is when the mutasi took effect (its date came): until then the year keeps its
-- supervisors, and a reassignment is refused (the mutasi moves them at its date).
ALTER TABLE mutasi
    ADD COLUMN position_id text REFERENCES positions (id),
    ADD COLUMN applied_at  timestamptz;

UPDATE mutasi m SET applied_at = m.effective_at
WHERE EXISTS (SELECT 1 FROM skp_closures c JOIN skp s ON s.id = c.skp_id
              WHERE s.cycle_id = m.cycle_id AND s.nip = m.nip AND c.closed_at = m.effective_at);

-- The reassignment pages look up the pending one of a year.
CREATE INDEX mutasi_pending_idx ON mutasi (cycle_id, nip) WHERE applied_at IS NULL;
