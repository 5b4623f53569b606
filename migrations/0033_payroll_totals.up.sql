-- Pay polish (README "Monthly payroll"): a run keeps its totals, and the two ledgers share one
-- append-only trigger function.

-- A run's totals, stored once its lines are complete (payroll.FinishComputing) and again on
-- exclusion and decision, so the list of runs reads them instead of summing every run's lines on
-- each read. NULL totals_at: still computing (the list says so). Amounts are signed as the ledger
-- has them except deductions, which is what is taken off (pph21 + iwp) as a positive amount.
ALTER TABLE payroll_runs
    ADD COLUMN totals_at      timestamptz,
    ADD COLUMN lines_count    int    NOT NULL DEFAULT 0,
    ADD COLUMN employees_done int    NOT NULL DEFAULT 0,
    ADD COLUMN errors_count   int    NOT NULL DEFAULT 0,
    ADD COLUMN excluded_count int    NOT NULL DEFAULT 0,
    ADD COLUMN gross          bigint NOT NULL DEFAULT 0, -- tpp, annual reward/cut, pph21 allowance
    ADD COLUMN deductions     bigint NOT NULL DEFAULT 0, -- pph21 and iwp taken off
    ADD COLUMN carried        bigint NOT NULL DEFAULT 0, -- carry_out and carry_in
    ADD COLUMN net            bigint NOT NULL DEFAULT 0, -- the transfer: every line but bpjs
    ADD COLUMN employer       bigint NOT NULL DEFAULT 0; -- bpjs, the employer's share

-- The one place a run's totals are summed: Go calls it (payroll.storeTotals) and the backfill
-- below uses it. net = gross - deductions + carried by construction of the kinds.
CREATE FUNCTION payroll_run_store_totals(run_id bigint, at timestamptz) RETURNS void LANGUAGE sql AS $$
    UPDATE payroll_runs r SET totals_at = $2, lines_count = l.n, employees_done = p.employees, errors_count = p.errors,
        excluded_count = x.n, gross = l.gross, deductions = l.deductions, carried = l.carried, net = l.net, employer = l.employer
    FROM (SELECT count(*) AS n,
                 coalesce(sum(amount) FILTER (WHERE kind IN ('tpp', 'annual_reward', 'annual_cut', 'pph21_allowance')), 0) AS gross,
                 -coalesce(sum(amount) FILTER (WHERE kind IN ('pph21', 'iwp')), 0) AS deductions,
                 coalesce(sum(amount) FILTER (WHERE kind IN ('carry_out', 'carry_in')), 0) AS carried,
                 coalesce(sum(amount) FILTER (WHERE kind <> 'bpjs'), 0) AS net,
                 coalesce(sum(amount) FILTER (WHERE kind = 'bpjs'), 0) AS employer
          FROM pay_lines WHERE pay_lines.run_id = $1) l,
         (SELECT coalesce(sum(employees), 0) AS employees, coalesce(sum(jsonb_array_length(errors)), 0) AS errors
          FROM payroll_run_pages WHERE payroll_run_pages.run_id = $1) p,
         (SELECT count(*) AS n FROM payroll_run_exclusions WHERE payroll_run_exclusions.run_id = $1) x
    WHERE r.id = $1;
$$;

SELECT payroll_run_store_totals(id, coalesce(decided_at, computed_at, now()))
FROM payroll_runs WHERE state <> 'computing';

-- pay_lines (0020) copied payroll_postings' append-only function (0006) under another name. One
-- function now serves both ledgers, naming the table it refuses; the copy goes.
ALTER FUNCTION payroll_postings_append_only() RENAME TO ledger_append_only;
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: correct a line with a reversal', TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER pay_lines_no_update ON pay_lines;
DROP TRIGGER pay_lines_no_truncate ON pay_lines;
CREATE TRIGGER pay_lines_no_update BEFORE UPDATE OR DELETE ON pay_lines
    FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
CREATE TRIGGER pay_lines_no_truncate BEFORE TRUNCATE ON pay_lines
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();
DROP FUNCTION pay_lines_append_only();
