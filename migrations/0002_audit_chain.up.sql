-- The audit log becomes a hash chain that the database itself keeps append-only.
--
-- Every row carries prev_hash (the hash of the row before it in id order; NULL for the first row)
-- and hash = sha256(canonical bytes of the row). The Go verifier (package audit) recomputes the
-- same bytes, so the encoding below is a contract: change it only with a new version tag.
--
-- Canonical encoding, version "kinerja.audit_log.v1":
--
--   hash = sha256( F('kinerja.audit_log.v1')
--                || F(id as decimal text)
--                || F(at in UTC as 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"', e.g. 2026-01-31T16:59:00.000000Z)
--                || F(actor_nip) || F(on_behalf_of) || F(action)
--                || F(cycle_id as decimal text) || F(subject_nip)
--                || F(before::text) || F(after::text)     -- jsonb's text form, which is canonical
--                || F(prev_hash) )                         -- the 32 raw bytes, not hex
--
--   F(NULL) = ff ff ff ff
--   F(x)    = length of x in bytes as a 4-byte big-endian integer, then x (text as UTF-8)
--
-- Length prefixes make the encoding unambiguous: no two different rows give the same bytes.
-- Columns added to audit_log later are not covered unless the encoding gets a new version.

-- No appends while the existing rows are chained.
LOCK TABLE audit_log IN SHARE ROW EXCLUSIVE MODE;

ALTER TABLE audit_log ADD COLUMN prev_hash bytea, ADD COLUMN hash bytea;

-- F above.
CREATE FUNCTION audit_log_field(v bytea) RETURNS bytea
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN v IS NULL THEN decode('ffffffff', 'hex') ELSE int4send(length(v)) || v END
$$;

-- The hash of one row from its columns and its prev_hash (the row's own hash column is ignored).
CREATE FUNCTION audit_log_hash(r audit_log) RETURNS bytea
    LANGUAGE sql STABLE AS $$
    SELECT sha256(
           audit_log_field(convert_to('kinerja.audit_log.v1', 'UTF8'))
        || audit_log_field(convert_to(r.id::text, 'UTF8'))
        || audit_log_field(convert_to(to_char(r.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'UTF8'))
        || audit_log_field(convert_to(r.actor_nip, 'UTF8'))
        || audit_log_field(convert_to(r.on_behalf_of, 'UTF8'))
        || audit_log_field(convert_to(r.action, 'UTF8'))
        || audit_log_field(convert_to(r.cycle_id::text, 'UTF8'))
        || audit_log_field(convert_to(r.subject_nip, 'UTF8'))
        || audit_log_field(convert_to(r.before::text, 'UTF8'))
        || audit_log_field(convert_to(r.after::text, 'UTF8'))
        || audit_log_field(r.prev_hash))
$$;

-- Chain the rows already there, in id order.
DO $$
DECLARE
    r    audit_log;
    prev bytea;
BEGIN
    FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
        r.prev_hash := prev;
        prev := audit_log_hash(r);
        UPDATE audit_log SET prev_hash = r.prev_hash, hash = prev WHERE id = r.id;
    END LOOP;
END
$$;

ALTER TABLE audit_log
    ALTER COLUMN hash SET NOT NULL,
    ADD CONSTRAINT audit_log_hash_len CHECK (octet_length(hash) = 32),
    ADD CONSTRAINT audit_log_prev_hash_len CHECK (prev_hash IS NULL OR octet_length(prev_hash) = 32);

-- Appends are serialised by a transaction-level advisory lock (726202201, "audit chain"), held until
-- the appending transaction ends. The id drawn before the lock may be lower than that of a row
-- chained meanwhile by a concurrent transaction; such a row gets a fresh id, so ids always grow in
-- the order rows are chained and the verifier can follow the chain in id order (the discarded id is
-- a gap, which the verifier accepts). Read committed is required: each statement of this function
-- then sees every append committed before the lock was granted. Under repeatable read or
-- serializable the snapshot could predate the previous append and fork the chain, so such inserts
-- are refused.
CREATE FUNCTION audit_log_chain() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    last_id bigint;
BEGIN
    IF current_setting('transaction_isolation') <> 'read committed' THEN
        RAISE EXCEPTION 'audit_log: rows can only be appended under READ COMMITTED isolation, not %',
            current_setting('transaction_isolation');
    END IF;
    PERFORM pg_advisory_xact_lock(726202201);
    -- Both NULL for the first row.
    SELECT id, hash INTO last_id, NEW.prev_hash FROM audit_log ORDER BY id DESC LIMIT 1;
    IF NEW.id <= last_id THEN
        NEW.id := nextval('audit_log_id_seq');
    END IF;
    NEW.hash := audit_log_hash(NEW);
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_chain();

-- Append-only for everyone, superusers included (triggers run for them too). Only disabling the
-- triggers, which needs the table's owner or a superuser, gets around this; the chain shows it.
CREATE FUNCTION audit_log_refuse_change() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = 'insufficient_privilege',
        HINT = 'Koreksi dicatat sebagai baris audit baru; baris lama tidak diubah atau dihapus.';
END
$$;

CREATE TRIGGER audit_log_no_update_delete BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC;

-- For export by date.
CREATE INDEX audit_log_at_idx ON audit_log (at);

-- kinerja_app: the role production connections log in through (deploy/README.md). It reads and
-- writes every table but may only read and append audit_log. Roles are cluster-wide, so it may exist
-- already (another database, or a concurrent migration); a migrating user without CREATEROLE
-- skips creating it and the grants with a notice.
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'kinerja_app') THEN
        BEGIN
            CREATE ROLE kinerja_app NOLOGIN;
        EXCEPTION
            WHEN duplicate_object OR unique_violation THEN NULL; -- created concurrently
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'role kinerja_app not created (no CREATEROLE); see deploy/README.md';
                RETURN;
        END;
    END IF;
    GRANT USAGE ON SCHEMA public TO kinerja_app;
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO kinerja_app;
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM kinerja_app;
    GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO kinerja_app;
    -- Tables and sequences later migrations create (as this same user) get the same grants.
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO kinerja_app;
    ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE ON SEQUENCES TO kinerja_app;
END
$$;
