-- A year whose step cannot be written shows as blocked, with the reason, until the step lands.
ALTER TABLE employee_cycles ADD COLUMN blocked_reason text;
ALTER TABLE employee_cycles ADD COLUMN blocked_since timestamptz;
-- HR closed the year early (pensiun, meninggal, pindah_keluar, duplikat).
ALTER TABLE employee_cycles ADD COLUMN closed_reason text;
ALTER TABLE employee_cycles ADD COLUMN closed_notes text;
CREATE INDEX employee_cycles_blocked_idx ON employee_cycles (cycle_id) WHERE blocked_reason IS NOT NULL;
