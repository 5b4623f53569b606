DROP INDEX IF EXISTS employee_cycles_blocked_idx;
ALTER TABLE employee_cycles DROP COLUMN closed_notes;
ALTER TABLE employee_cycles DROP COLUMN closed_reason;
ALTER TABLE employee_cycles DROP COLUMN blocked_since;
ALTER TABLE employee_cycles DROP COLUMN blocked_reason;
