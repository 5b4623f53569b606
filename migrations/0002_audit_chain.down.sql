-- Undoes 0002_audit_chain. The cluster-wide role kinerja_app is kept: other databases on the same
-- server may still grant to it. Drop it by hand (DROP OWNED BY kinerja_app in each database, then
-- DROP ROLE kinerja_app) once nothing uses it.
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'kinerja_app') THEN
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE SELECT, INSERT, UPDATE, DELETE ON TABLES FROM kinerja_app;
        ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE USAGE ON SEQUENCES FROM kinerja_app;
        REVOKE ALL ON ALL TABLES IN SCHEMA public FROM kinerja_app;
        REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM kinerja_app;
        REVOKE USAGE ON SCHEMA public FROM kinerja_app;
    END IF;
END
$$;

DROP INDEX audit_log_at_idx;
DROP TRIGGER audit_log_no_truncate ON audit_log;
DROP TRIGGER audit_log_no_update_delete ON audit_log;
DROP TRIGGER audit_log_chain ON audit_log;
DROP FUNCTION audit_log_refuse_change();
DROP FUNCTION audit_log_chain();
DROP FUNCTION audit_log_hash(audit_log);
DROP FUNCTION audit_log_field(bytea);
ALTER TABLE audit_log DROP COLUMN hash, DROP COLUMN prev_hash;
