DROP TRIGGER payroll_postings_no_insert ON payroll_postings;
DROP FUNCTION payroll_postings_closed();
COMMENT ON TABLE payroll_postings IS NULL;
DROP INDEX pay_lines_carry_out_idx;
DROP INDEX pay_lines_carries_idx;
ALTER TABLE pay_lines DROP CONSTRAINT pay_lines_carry_link;
ALTER TABLE pay_lines DROP COLUMN carries_id;
ALTER TABLE pay_lines DROP CONSTRAINT pay_lines_kind_check;
ALTER TABLE pay_lines ADD CONSTRAINT pay_lines_kind_check
    CHECK (kind IN ('tpp', 'pph21_allowance', 'pph21', 'iwp', 'bpjs')) NOT VALID;
DROP TABLE payroll_run_exclusions;
CREATE UNIQUE INDEX payroll_runs_one_open ON payroll_runs ((true)) WHERE state IN ('computing', 'awaiting_approval');
