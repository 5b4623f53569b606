DROP INDEX IF EXISTS tasks_hr_opened_idx;
DROP TABLE IF EXISTS hr_notices;
