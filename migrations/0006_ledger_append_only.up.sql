-- The TPP ledger is corrected by reversal rows, never edited: like the audit log, it refuses
-- UPDATE, DELETE and TRUNCATE for every role, and the application role loses those privileges.
CREATE FUNCTION payroll_postings_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'payroll_postings is append-only: correct a posting with a reversal'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;

CREATE TRIGGER payroll_postings_no_update BEFORE UPDATE OR DELETE ON payroll_postings
    FOR EACH ROW EXECUTE FUNCTION payroll_postings_append_only();
CREATE TRIGGER payroll_postings_no_truncate BEFORE TRUNCATE ON payroll_postings
    FOR EACH STATEMENT EXECUTE FUNCTION payroll_postings_append_only();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'kinerja_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON payroll_postings FROM kinerja_app;
    END IF;
END;
$$;
