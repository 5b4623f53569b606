DROP TRIGGER payroll_postings_no_update ON payroll_postings;
DROP TRIGGER payroll_postings_no_truncate ON payroll_postings;
DROP FUNCTION payroll_postings_append_only();
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'kinerja_app') THEN
        GRANT UPDATE, DELETE ON payroll_postings TO kinerja_app;
    END IF;
END;
$$;
