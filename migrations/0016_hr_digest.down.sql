DROP INDEX IF EXISTS tasks_open_hr_due_idx;
DROP INDEX IF EXISTS tasks_hr_opened_idx;
DROP TABLE IF EXISTS hr_notices;
DROP INDEX IF EXISTS employees_unit_idx;
DROP INDEX IF EXISTS org_units_parent_idx;
