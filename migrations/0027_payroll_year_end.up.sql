-- The year's end and the payroll run's gaps (README "Monthly payroll"):
-- runs over non-overlapping scopes at once, HR's audited exclusions before approval,
-- a negative run total carried to the next run, and payroll_postings kept as history only.

-- Runs for disjoint unit subtrees may be open together; payroll.CreateRun refuses an
-- overlapping one (a scope inside, around or equal to an open run's) under a table lock.
DROP INDEX payroll_runs_one_open;

-- An employee whose month a run could not compute, left out of the run by HR with a reason so
-- the run can be approved; a later run pays the month late once it computes.
CREATE TABLE payroll_run_exclusions (
    run_id       bigint NOT NULL REFERENCES payroll_runs (id),
    nip          text   NOT NULL REFERENCES employees (nip),
    reason       text   NOT NULL CHECK (length(btrim(reason)) >= 5),
    excluded_by  text   NOT NULL REFERENCES employees (nip),
    excluded_at  timestamptz NOT NULL,
    PRIMARY KEY (run_id, nip)
);

-- A run whose lines for an employee add up to less than zero posts carry_out (+, bringing the
-- run's transfer to zero) and the next run that covers the employee takes it back as carry_in
-- (−, carries_id naming the carry_out). Never a negative transfer.
ALTER TABLE pay_lines DROP CONSTRAINT pay_lines_kind_check;
ALTER TABLE pay_lines ADD CONSTRAINT pay_lines_kind_check
    CHECK (kind IN ('tpp', 'annual_reward', 'annual_cut', 'pph21_allowance', 'pph21', 'iwp', 'bpjs', 'carry_out', 'carry_in'));
ALTER TABLE pay_lines ADD COLUMN carries_id bigint REFERENCES pay_lines (id);
ALTER TABLE pay_lines ADD CONSTRAINT pay_lines_carry_link CHECK ((kind = 'carry_in') = (carries_id IS NOT NULL));
CREATE INDEX pay_lines_carries_idx ON pay_lines (carries_id) WHERE carries_id IS NOT NULL;
CREATE INDEX pay_lines_carry_out_idx ON pay_lines (nip) WHERE kind = 'carry_out';

-- payroll_postings held the one "TPP kinerja tahunan" amount a year paid before the monthly
-- payroll. The year's result now reaches pay through pay_lines (the policy's annual rule in the
-- next year's runs); the old rows stay readable as history and no row is added any more.
COMMENT ON TABLE payroll_postings IS 'History only (before migration 0027): the annual TPP kinerja postings of EmployeeCycle. The year''s result is paid through pay_lines.';
CREATE FUNCTION payroll_postings_closed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payroll_postings is history only: the annual result is paid through pay_lines'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER payroll_postings_no_insert BEFORE INSERT ON payroll_postings
    FOR EACH ROW EXECUTE FUNCTION payroll_postings_closed();
