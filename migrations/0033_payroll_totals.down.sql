CREATE FUNCTION pay_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pay_lines is append-only: correct a line with a reversal'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
DROP TRIGGER pay_lines_no_update ON pay_lines;
DROP TRIGGER pay_lines_no_truncate ON pay_lines;
CREATE TRIGGER pay_lines_no_update BEFORE UPDATE OR DELETE ON pay_lines
    FOR EACH ROW EXECUTE FUNCTION pay_lines_append_only();
CREATE TRIGGER pay_lines_no_truncate BEFORE TRUNCATE ON pay_lines
    FOR EACH STATEMENT EXECUTE FUNCTION pay_lines_append_only();
CREATE OR REPLACE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payroll_postings is append-only: correct a posting with a reversal'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
ALTER FUNCTION ledger_append_only() RENAME TO payroll_postings_append_only;

DROP FUNCTION payroll_run_store_totals(bigint, timestamptz);
ALTER TABLE payroll_runs
    DROP COLUMN totals_at, DROP COLUMN lines_count, DROP COLUMN employees_done, DROP COLUMN errors_count,
    DROP COLUMN excluded_count, DROP COLUMN gross, DROP COLUMN deductions, DROP COLUMN carried,
    DROP COLUMN net, DROP COLUMN employer;
