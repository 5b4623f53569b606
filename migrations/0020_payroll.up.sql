-- The monthly TPP payroll (README "Monthly payroll"): region policy versions as data, what a
-- month's pay depends on (period predikat, attendance, pay profile, long leave, TPP components,
-- working calendar), the runs and their ledger of pay lines.

-- A version of the region's TPP rule: internal/pay.Policy as JSON. A month is paid under the
-- version whose effective_from is the latest on or before it. A version that paid any line can
-- never change or go (trigger below); a new version is added instead.
CREATE TABLE tpp_policies (
    id              text PRIMARY KEY,
    effective_from  date NOT NULL UNIQUE CHECK (extract(day FROM effective_from) = 1),
    policy          jsonb NOT NULL,
    created_by      text NOT NULL REFERENCES employees (nip),
    created_at      timestamptz NOT NULL DEFAULT now()
);

-- The predikat a period (a month, or a quarter: every month inside it) was rated with. The
-- period work writes it; the payroll reads it. A corrected predikat (appeal) overwrites the row:
-- the ledger, not this table, keeps what was paid, and the next run pays the difference.
CREATE TABLE period_results (
    cycle_id      bigint NOT NULL REFERENCES cycles (id),
    nip           text   NOT NULL REFERENCES employees (nip),
    period_start  date   NOT NULL,
    period_end    date   NOT NULL,
    predikat      text   NOT NULL CHECK (predikat IN ('sangat_baik', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    decided_at    timestamptz NOT NULL,
    note          text   NOT NULL DEFAULT '', -- why it was set or changed ("keberatan diputus"), shown as the cause of a rapel
    PRIMARY KEY (cycle_id, nip, period_start),
    CHECK (period_end >= period_start)
);
CREATE INDEX period_results_nip_idx ON period_results (nip, period_start);

-- Working days that differ from Monday-Friday (holidays, cuti bersama, a working Saturday).
CREATE TABLE work_calendar (
    day      date PRIMARY KEY,
    working  boolean NOT NULL,
    note     text NOT NULL DEFAULT ''
);

-- Imported daily attendance. A working day without a row counts as present on time, so an
-- import may hold every day or only the exceptions.
CREATE TABLE attendance_days (
    nip              text NOT NULL REFERENCES employees (nip),
    day              date NOT NULL,
    kind             text NOT NULL CHECK (kind IN ('present', 'absent_excused', 'absent_unexcused', 'leave', 'no_record')),
    late_minutes     int  NOT NULL DEFAULT 0 CHECK (late_minutes BETWEEN 0 AND 1440),
    early_minutes    int  NOT NULL DEFAULT 0 CHECK (early_minutes BETWEEN 0 AND 1440),
    leave_type       text NOT NULL DEFAULT '',
    missed_assembly  boolean NOT NULL DEFAULT false,
    imported_by      text NOT NULL REFERENCES employees (nip),
    imported_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (nip, day),
    CHECK (kind = 'present' OR (late_minutes = 0 AND early_minutes = 0 AND NOT missed_assembly)),
    CHECK ((kind = 'leave') = (leave_type <> ''))
);

-- What the salary payroll knows and the TPP's deductions need; an employee without a row is
-- paid as salary 0, PTKP TK/0.
CREATE TABLE pay_profiles (
    nip           text PRIMARY KEY REFERENCES employees (nip),
    salary        bigint NOT NULL DEFAULT 0 CHECK (salary BETWEEN 0 AND 10000000000),
    salary_pph21  bigint NOT NULL DEFAULT 0 CHECK (salary_pph21 BETWEEN 0 AND 10000000000),
    ptkp          text   NOT NULL DEFAULT 'TK/0' CHECK (ptkp IN ('TK/0', 'TK/1', 'TK/2', 'TK/3', 'K/0', 'K/1', 'K/2', 'K/3')),
    bank_account  text   NOT NULL DEFAULT '',
    bank_name     text   NOT NULL DEFAULT ''
);

-- A long leave (cuti besar/sakit over a month, MPP, hukuman disiplin, CLTN) covering whole months.
CREATE TABLE pay_leaves (
    nip          text NOT NULL REFERENCES employees (nip),
    first_month  date NOT NULL CHECK (extract(day FROM first_month) = 1),
    last_month   date NOT NULL CHECK (extract(day FROM last_month) = 1),
    kind         text NOT NULL CHECK (kind IN ('cuti', 'mpp', 'hukuman_disiplin', 'cltn')),
    months       int  NOT NULL CHECK (months BETWEEN 0 AND 600), -- the leave's whole length as granted
    PRIMARY KEY (nip, first_month),
    CHECK (last_month >= first_month)
);

-- Basic TPP of a position from its kelas jabatan components; a position without a row is paid
-- positions.tpp_basic.
CREATE TABLE position_tpp (
    position_id         text PRIMARY KEY REFERENCES positions (id),
    beban_kerja         bigint NOT NULL DEFAULT 0 CHECK (beban_kerja >= 0),
    prestasi_kerja      bigint NOT NULL DEFAULT 0 CHECK (prestasi_kerja >= 0),
    kondisi_kerja       bigint NOT NULL DEFAULT 0 CHECK (kondisi_kerja >= 0),
    kelangkaan_profesi  bigint NOT NULL DEFAULT 0 CHECK (kelangkaan_profesi >= 0)
);

-- A month's run for a scope (a unit and everything under it; NULL: the whole region). One run
-- at a time is open, so two runs never pay the same difference.
CREATE TABLE payroll_runs (
    id               bigserial PRIMARY KEY,
    month            date NOT NULL CHECK (extract(day FROM month) = 1),
    scope_unit_id    text REFERENCES org_units (id),
    state            text NOT NULL DEFAULT 'computing' CHECK (state IN ('computing', 'awaiting_approval', 'approved', 'cancelled')),
    workflow_id      text NOT NULL UNIQUE,
    employees_total  int  NOT NULL DEFAULT 0,
    created_by       text NOT NULL REFERENCES employees (nip),
    created_at       timestamptz NOT NULL DEFAULT now(),
    computed_at      timestamptz,
    decided_by       text REFERENCES employees (nip),
    decided_at       timestamptz,
    CHECK ((state IN ('approved', 'cancelled')) = (decided_at IS NOT NULL))
);
CREATE UNIQUE INDEX payroll_runs_one_open ON payroll_runs ((true)) WHERE state IN ('computing', 'awaiting_approval');

-- Progress: one row per page of employees a run has written (in the page's transaction), so a
-- page redone after a crash is recognised and counted once.
CREATE TABLE payroll_run_pages (
    run_id     bigint NOT NULL REFERENCES payroll_runs (id),
    after_nip  text   NOT NULL, -- the page starts after this NIP ('' for the first)
    last_nip   text   NOT NULL,
    employees  int    NOT NULL,
    lines      int    NOT NULL,
    errors     jsonb  NOT NULL DEFAULT '[]',
    PRIMARY KEY (run_id, after_nip)
);

-- The ledger. Amounts are signed as they reach the employee: tpp and pph21_allowance add,
-- pph21 and iwp take away; bpjs is the employer's share, shown and not part of the net. A line
-- is never changed: a correction is a reversal of every line of that employee's month (linked
-- by reverses_id) plus the month's new lines, both in a later run and carrying the cause.
-- A run posts each (employee, month, kind) at most once as a line and once as a reversal.
-- Only lines of approved runs count as paid.
CREATE TABLE pay_lines (
    id           bigserial PRIMARY KEY,
    run_id       bigint NOT NULL REFERENCES payroll_runs (id),
    nip          text   NOT NULL REFERENCES employees (nip),
    period       date   NOT NULL CHECK (extract(day FROM period) = 1),
    kind         text   NOT NULL CHECK (kind IN ('tpp', 'pph21_allowance', 'pph21', 'iwp', 'bpjs')),
    entry        text   NOT NULL CHECK (entry IN ('line', 'reversal')),
    amount       bigint NOT NULL CHECK (amount BETWEEN -10000000000 AND 10000000000),
    policy_id    text   NOT NULL REFERENCES tpp_policies (id),
    reverses_id  bigint REFERENCES pay_lines (id),
    cause        text   NOT NULL DEFAULT '',
    -- On the tpp line: the slip (every step, internal/pay.Slip) and the inputs it came from.
    detail       jsonb,
    UNIQUE (run_id, nip, period, kind, entry),
    CHECK ((entry = 'reversal') = (reverses_id IS NOT NULL))
);
CREATE INDEX pay_lines_nip_idx ON pay_lines (nip, period);
-- "Is this line reversed?" is asked of every paid line a run looks back on.
CREATE INDEX pay_lines_reverses_idx ON pay_lines (reverses_id) WHERE reverses_id IS NOT NULL;

CREATE FUNCTION pay_lines_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'pay_lines is append-only: correct a line with a reversal'
        USING ERRCODE = 'insufficient_privilege';
END;
$$;
CREATE TRIGGER pay_lines_no_update BEFORE UPDATE OR DELETE ON pay_lines
    FOR EACH ROW EXECUTE FUNCTION pay_lines_append_only();
CREATE TRIGGER pay_lines_no_truncate BEFORE TRUNCATE ON pay_lines
    FOR EACH STATEMENT EXECUTE FUNCTION pay_lines_append_only();

CREATE FUNCTION tpp_policies_used() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM pay_lines WHERE policy_id = OLD.id) THEN
        RAISE EXCEPTION 'TPP policy % has paid lines: add a new version instead', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER tpp_policies_immutable_once_used BEFORE UPDATE OR DELETE ON tpp_policies
    FOR EACH ROW EXECUTE FUNCTION tpp_policies_used();

DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'kinerja_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON pay_lines FROM kinerja_app;
    END IF;
END;
$$;
