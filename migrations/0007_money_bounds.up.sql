-- Money the regulation cannot produce is refused by the database too, whatever the application
-- does: basic TPP at most Rp1.000.000.000 a month (internal/tpp.MaxBasic), a posting at most that
-- in either direction, and only a reversal may be negative.
-- NOT VALID: rows written before this migration stay (the ledger is append-only and cannot be
-- corrected in place); every row inserted or updated from now on is checked.
ALTER TABLE positions
    ADD CONSTRAINT positions_tpp_basic_bound CHECK (tpp_basic BETWEEN 0 AND 1000000000) NOT VALID;
ALTER TABLE payroll_postings
    ADD CONSTRAINT payroll_postings_amount_bound CHECK (amount BETWEEN -1000000000 AND 1000000000) NOT VALID,
    ADD CONSTRAINT payroll_postings_only_reversals_negative CHECK (amount >= 0 OR reverses_id IS NOT NULL) NOT VALID;
