DROP INDEX employee_cycles_starting;
ALTER TABLE employee_cycles DROP COLUMN workflow_state;
