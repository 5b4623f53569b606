-- What HR is told about an employee's year, kept for HR's daily digest instead of one email per event.
CREATE TABLE hr_notices (
    id          bigserial PRIMARY KEY,
    cycle_id    bigint NOT NULL,
    subject_nip text   NOT NULL REFERENCES employees (nip),
    kind        text   NOT NULL,
    title       text   NOT NULL,
    due_at      timestamptz,
    created_at  timestamptz NOT NULL
);
CREATE INDEX hr_notices_created_idx ON hr_notices (created_at);
-- Tasks opened for HR are read by opening time for the digest.
CREATE INDEX tasks_hr_opened_idx ON tasks (opened_at) WHERE assignee_role = 'hr';
-- Progress and distribution views walk units down from a scope and employees by unit.
CREATE INDEX IF NOT EXISTS org_units_parent_idx ON org_units (parent_id);
CREATE INDEX IF NOT EXISTS employees_unit_idx ON employees (unit_id);
-- HR's shared inbox reads open HR tasks by due date.
CREATE INDEX IF NOT EXISTS tasks_open_hr_due_idx ON tasks (due_at, id) WHERE done_at IS NULL AND assignee_role = 'hr';
