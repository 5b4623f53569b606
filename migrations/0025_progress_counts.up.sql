-- HR's progress view reads counts kept as the years change instead of aggregating every year of
-- a region on each request (BenchmarkReadsAtRegionScale: 0.33 s at 100,000 years before).
--
-- employee_cycles.unit_id follows employees.unit_id (today's unit, as the view always showed);
-- next_due_at is the earliest due date of the year's open tasks, so "overdue" is an index range.
ALTER TABLE employee_cycles ADD COLUMN unit_id text, ADD COLUMN next_due_at timestamptz;
UPDATE employee_cycles ec SET unit_id = e.unit_id FROM employees e WHERE e.nip = ec.nip;
UPDATE employee_cycles ec SET next_due_at = t.due
    FROM (SELECT cycle_id, subject_nip, min(due_at) AS due FROM tasks WHERE done_at IS NULL GROUP BY 1, 2) t
    WHERE t.cycle_id = ec.cycle_id AND t.subject_nip = ec.nip;
ALTER TABLE employee_cycles ALTER COLUMN unit_id SET NOT NULL;
CREATE INDEX employee_cycles_due_idx ON employee_cycles (cycle_id, next_due_at) INCLUDE (unit_id) WHERE next_due_at IS NOT NULL;
CREATE INDEX employee_cycles_unit_idx ON employee_cycles (cycle_id, unit_id, next_due_at);

CREATE TABLE progress_counts (
    cycle_id  bigint NOT NULL,
    unit_id   text   NOT NULL,
    phase     text   NOT NULL,
    enrolled  int    NOT NULL DEFAULT 0,
    final     int    NOT NULL DEFAULT 0,
    blocked   int    NOT NULL DEFAULT 0,
    PRIMARY KEY (cycle_id, unit_id, phase)
);
INSERT INTO progress_counts
    SELECT cycle_id, unit_id, phase, count(*), count(*) FILTER (WHERE result_final), count(*) FILTER (WHERE blocked_reason IS NOT NULL)
    FROM employee_cycles GROUP BY 1, 2, 3;

CREATE FUNCTION employee_cycles_unit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT unit_id INTO NEW.unit_id FROM employees WHERE nip = NEW.nip;
    RETURN NEW;
END $$;
CREATE TRIGGER employee_cycles_unit BEFORE INSERT ON employee_cycles
    FOR EACH ROW EXECUTE FUNCTION employee_cycles_unit();

-- Moves one year out of its old (unit, phase) counts and into its new ones.
CREATE FUNCTION progress_counts_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE progress_counts SET enrolled = enrolled - 1,
            final = final - OLD.result_final::int, blocked = blocked - (OLD.blocked_reason IS NOT NULL)::int
        WHERE cycle_id = OLD.cycle_id AND unit_id = OLD.unit_id AND phase = OLD.phase;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO progress_counts AS p VALUES (NEW.cycle_id, NEW.unit_id, NEW.phase, 1,
            NEW.result_final::int, (NEW.blocked_reason IS NOT NULL)::int)
        ON CONFLICT (cycle_id, unit_id, phase) DO UPDATE SET enrolled = p.enrolled + 1,
            final = p.final + EXCLUDED.final, blocked = p.blocked + EXCLUDED.blocked;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER progress_counts_insert_delete AFTER INSERT OR DELETE ON employee_cycles
    FOR EACH ROW EXECUTE FUNCTION progress_counts_follow();
CREATE TRIGGER progress_counts_update AFTER UPDATE OF unit_id, phase, result_final, blocked_reason ON employee_cycles
    FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id OR OLD.phase IS DISTINCT FROM NEW.phase
        OR OLD.result_final IS DISTINCT FROM NEW.result_final
        OR (OLD.blocked_reason IS NULL) IS DISTINCT FROM (NEW.blocked_reason IS NULL))
    EXECUTE FUNCTION progress_counts_follow();

-- A mutasi to another unit moves the employee's years (and their counts) with them.
CREATE FUNCTION employees_unit_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE employee_cycles SET unit_id = NEW.unit_id WHERE nip = NEW.nip;
    RETURN NULL;
END $$;
CREATE TRIGGER employees_unit_follow AFTER UPDATE OF unit_id ON employees
    FOR EACH ROW WHEN (OLD.unit_id IS DISTINCT FROM NEW.unit_id)
    EXECUTE FUNCTION employees_unit_follow();

-- next_due_at follows the year's open tasks.
CREATE FUNCTION employee_cycles_next_due() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r record;
BEGIN
    IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
    UPDATE employee_cycles ec SET next_due_at = (SELECT min(due_at) FROM tasks t
            WHERE t.cycle_id = r.cycle_id AND t.subject_nip = r.subject_nip AND t.done_at IS NULL)
        WHERE ec.cycle_id = r.cycle_id AND ec.nip = r.subject_nip;
    RETURN NULL;
END $$;
CREATE TRIGGER tasks_next_due_insert_delete AFTER INSERT OR DELETE ON tasks
    FOR EACH ROW EXECUTE FUNCTION employee_cycles_next_due();
CREATE TRIGGER tasks_next_due_update AFTER UPDATE OF due_at, done_at ON tasks
    FOR EACH ROW WHEN (OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.done_at IS DISTINCT FROM NEW.done_at)
    EXECUTE FUNCTION employee_cycles_next_due();
