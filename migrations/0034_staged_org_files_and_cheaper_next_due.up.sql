-- Organisation files checked on the import page wait here to be applied, so "Terapkan" may reach
-- any API instance, not only the one that ran "Periksa" (api/org_file_staging.go). A file (up to
-- 50 MiB) is kept in chunks so neither side holds it whole; a claimed row is being applied.
CREATE TABLE org_file_staged (
    token_hash bytea       PRIMARY KEY, -- SHA-256 of the page's token: the table does not hold what applies it
    nip        text        NOT NULL,
    file_name  text        NOT NULL,
    sha256     bytea       NOT NULL,
    size       bigint      NOT NULL,
    checked_at timestamptz NOT NULL,
    claimed_at timestamptz
);
CREATE INDEX org_file_staged_checked_idx ON org_file_staged (checked_at);
CREATE TABLE org_file_staged_chunks (
    token_hash bytea NOT NULL REFERENCES org_file_staged ON DELETE CASCADE,
    seq        int   NOT NULL,
    data       bytea NOT NULL,
    PRIMARY KEY (token_hash, seq)
);

-- next_due_at follows the year's open tasks once per statement for inserts and deletes: a bulk
-- insert touches each year once instead of once per task (BenchmarkTaskInsertNextDue). New tasks
-- can only bring next_due_at earlier, so an insert takes the least of it and their due dates
-- without reading tasks; a delete recomputes the years it touched in one grouped join.
-- Updates stay per row: PostgreSQL refuses transition tables on a trigger with a column list, and
-- steps update one task at a time.
CREATE FUNCTION employee_cycles_next_due_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE employee_cycles ec SET next_due_at = LEAST(ec.next_due_at, n.due)
        FROM (SELECT cycle_id, subject_nip, min(due_at) AS due FROM new_tasks
              WHERE done_at IS NULL GROUP BY 1, 2) n
        WHERE ec.cycle_id = n.cycle_id AND ec.nip = n.subject_nip
          AND ec.next_due_at IS DISTINCT FROM LEAST(ec.next_due_at, n.due);
    RETURN NULL;
END $$;
CREATE FUNCTION employee_cycles_next_due_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE employee_cycles ec SET next_due_at = d.due
        FROM (SELECT o.cycle_id, o.subject_nip, min(t.due_at) AS due
              FROM (SELECT DISTINCT cycle_id, subject_nip FROM old_tasks) o
              LEFT JOIN tasks t ON t.cycle_id = o.cycle_id AND t.subject_nip = o.subject_nip AND t.done_at IS NULL
              GROUP BY 1, 2) d
        WHERE ec.cycle_id = d.cycle_id AND ec.nip = d.subject_nip
          AND ec.next_due_at IS DISTINCT FROM d.due;
    RETURN NULL;
END $$;
DROP TRIGGER tasks_next_due_insert_delete ON tasks;
CREATE TRIGGER tasks_next_due_insert AFTER INSERT ON tasks REFERENCING NEW TABLE AS new_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION employee_cycles_next_due_inserted();
CREATE TRIGGER tasks_next_due_delete AFTER DELETE ON tasks REFERENCING OLD TABLE AS old_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION employee_cycles_next_due_deleted();
