ALTER TABLE payroll_postings
    DROP CONSTRAINT payroll_postings_only_reversals_negative,
    DROP CONSTRAINT payroll_postings_amount_bound;
ALTER TABLE positions DROP CONSTRAINT positions_tpp_basic_bound;
