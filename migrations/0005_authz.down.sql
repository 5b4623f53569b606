DROP TABLE delegations;
ALTER TABLE employees
    DROP CONSTRAINT employees_hr_scope_needs_hr,
    DROP COLUMN is_admin,
    DROP COLUMN hr_scope_unit_id;
