-- The records people read and the money that gets paid. Workflows own the process;
-- these tables are its projections plus the ledger.

CREATE TABLE org_units (
    id         text PRIMARY KEY,
    name       text NOT NULL,
    parent_id  text REFERENCES org_units (id)
);

CREATE TABLE positions (
    id             text PRIMARY KEY,
    name           text NOT NULL,
    jenis_jabatan  text NOT NULL CHECK (jenis_jabatan IN ('jpt', 'administrator', 'pengawas', 'pelaksana', 'fungsional')),
    kelas_jabatan  int  NOT NULL CHECK (kelas_jabatan BETWEEN 1 AND 17),
    -- Monthly basic TPP for this post, whole rupiah.
    tpp_basic      bigint NOT NULL DEFAULT 0 CHECK (tpp_basic >= 0)
);

CREATE TABLE employees (
    nip           text PRIMARY KEY CHECK (nip ~ '^[0-9]{18}$'),
    name          text NOT NULL,
    email         text NOT NULL,
    status        text NOT NULL CHECK (status IN ('PNS', 'PPPK', 'CPNS')),
    unit_id       text NOT NULL REFERENCES org_units (id),
    position_id   text NOT NULL REFERENCES positions (id),
    superior_nip  text REFERENCES employees (nip) DEFERRABLE INITIALLY DEFERRED,
    is_hr         boolean NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (superior_nip IS DISTINCT FROM nip)
);
CREATE INDEX employees_superior_idx ON employees (superior_nip);

CREATE TABLE cycles (
    id                bigserial PRIMARY KEY,
    year              int  NOT NULL CHECK (year BETWEEN 2022 AND 2100),
    name              text NOT NULL,
    plan_due          timestamptz NOT NULL,
    monitoring_start  timestamptz NOT NULL,
    monitoring_due    timestamptz NOT NULL,
    evaluation_start  timestamptz NOT NULL,
    evaluation_due    timestamptz NOT NULL,
    dialog_due        timestamptz NOT NULL,
    followup_due      timestamptz NOT NULL,
    appeal_window     interval NOT NULL,
    decision_sla      interval NOT NULL,
    reminder_lead     interval NOT NULL,
    created_by        text NOT NULL REFERENCES employees (nip),
    created_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per employee enrolled in a cycle: where their workflow stands.
CREATE TABLE employee_cycles (
    cycle_id      bigint NOT NULL REFERENCES cycles (id),
    nip           text   NOT NULL REFERENCES employees (nip),
    workflow_id   text   NOT NULL UNIQUE,
    penilai_nip   text   NOT NULL REFERENCES employees (nip),
    atasan_nip    text   REFERENCES employees (nip),
    phase         text   NOT NULL,
    predikat      text,
    result_final  boolean NOT NULL DEFAULT false,
    -- Sequence of the workflow step last projected: steps may commit out of order, the projection never goes back.
    step_seq      bigint NOT NULL DEFAULT 0,
    enrolled_at   timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (cycle_id, nip)
);

-- Every submitted version of a plan is kept; the latest version is the live one.
CREATE TABLE skp (
    id            bigserial PRIMARY KEY,
    cycle_id      bigint NOT NULL,
    nip           text   NOT NULL,
    version       int    NOT NULL,
    approach      text   NOT NULL CHECK (approach IN ('kuantitatif', 'kualitatif')),
    status        text   NOT NULL CHECK (status IN ('submitted', 'returned', 'approved')),
    submitted_at  timestamptz NOT NULL,
    decided_at    timestamptz,
    decided_by    text REFERENCES employees (nip),
    return_notes  text,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip),
    UNIQUE (cycle_id, nip, version)
);

CREATE TABLE skp_items (
    skp_id        bigint NOT NULL REFERENCES skp (id),
    seq           int    NOT NULL,
    kind          text   NOT NULL CHECK (kind IN ('utama', 'tambahan')),
    superior_rhk  text   NOT NULL DEFAULT '',
    rhk           text   NOT NULL,
    aspect        text   NOT NULL CHECK (aspect IN ('kuantitas', 'kualitas', 'waktu', 'biaya')),
    iki           text   NOT NULL,
    target        text   NOT NULL,
    unit          text   NOT NULL,
    PRIMARY KEY (skp_id, seq)
);

CREATE TABLE skp_behaviours (
    skp_id       bigint NOT NULL REFERENCES skp (id),
    value        text   NOT NULL,
    expectation  text   NOT NULL DEFAULT '',
    PRIMARY KEY (skp_id, value)
);

-- Periodic ('midyear') and annual evaluations.
CREATE TABLE evaluations (
    cycle_id         bigint NOT NULL,
    nip              text   NOT NULL,
    period           text   NOT NULL CHECK (period IN ('midyear', 'annual')),
    reported_at      timestamptz,
    feedback         text,
    feedback_by      text REFERENCES employees (nip),
    feedback_at      timestamptz,
    rating_hasil     text,
    rating_perilaku  text,
    predikat         text,
    rated_by         text REFERENCES employees (nip),
    rated_at         timestamptz,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip),
    PRIMARY KEY (cycle_id, nip, period)
);

CREATE TABLE evaluation_items (
    cycle_id      bigint NOT NULL,
    nip           text   NOT NULL,
    period        text   NOT NULL,
    seq           int    NOT NULL,
    realisasi     text   NOT NULL,
    evidence_url  text   NOT NULL DEFAULT '',
    FOREIGN KEY (cycle_id, nip, period) REFERENCES evaluations (cycle_id, nip, period),
    PRIMARY KEY (cycle_id, nip, period, seq)
);

CREATE TABLE feedback_sessions (
    cycle_id         bigint NOT NULL,
    nip              text   NOT NULL,
    scheduled_at     timestamptz NOT NULL,
    place            text   NOT NULL,
    notes            text,
    recorded_at      timestamptz,
    acknowledged_at  timestamptz,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip),
    PRIMARY KEY (cycle_id, nip)
);

CREATE TABLE appeals (
    cycle_id              bigint NOT NULL,
    nip                   text   NOT NULL,
    reasons               text   NOT NULL,
    filed_at              timestamptz NOT NULL,
    original_predikat     text   NOT NULL,
    decision              text CHECK (decision IN ('uphold', 'change')),
    new_rating_hasil      text,
    new_rating_perilaku   text,
    final_predikat        text,
    decision_notes        text,
    decided_by            text REFERENCES employees (nip),
    decided_at            timestamptz,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip),
    PRIMARY KEY (cycle_id, nip)
);

CREATE TABLE followups (
    cycle_id     bigint NOT NULL,
    nip          text   NOT NULL,
    predikat     text   NOT NULL,
    recommended  text   NOT NULL,
    decided      text,
    notes        text,
    decided_by   text REFERENCES employees (nip),
    decided_at   timestamptz,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip),
    PRIMARY KEY (cycle_id, nip)
);

-- The ledger. Rows are never updated: a correction is a reversal row plus a new posting.
CREATE TABLE payroll_postings (
    id           bigserial PRIMARY KEY,
    nip          text   NOT NULL REFERENCES employees (nip),
    cycle_id     bigint NOT NULL REFERENCES cycles (id),
    period       text   NOT NULL,
    kind         text   NOT NULL,
    amount       bigint NOT NULL,
    basis        jsonb  NOT NULL,
    reverses_id  bigint REFERENCES payroll_postings (id),
    posted_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (nip, cycle_id, period, kind)
);

-- The inbox: who must do what, for whom, by when.
CREATE TABLE tasks (
    id             bigserial PRIMARY KEY,
    cycle_id       bigint NOT NULL,
    subject_nip    text   NOT NULL,
    kind           text   NOT NULL,
    assignee_nip   text REFERENCES employees (nip),
    assignee_role  text NOT NULL CHECK (assignee_role IN ('pegawai', 'penilai', 'atasan', 'hr')),
    title          text NOT NULL,
    due_at         timestamptz,
    opened_at      timestamptz NOT NULL DEFAULT now(),
    done_at        timestamptz,
    done_by        text REFERENCES employees (nip),
    FOREIGN KEY (cycle_id, subject_nip) REFERENCES employee_cycles (cycle_id, nip)
);
-- At most one open task of a kind per employee-cycle and assignee role.
CREATE UNIQUE INDEX tasks_open_idx ON tasks (cycle_id, subject_nip, kind, assignee_role) WHERE done_at IS NULL;
CREATE INDEX tasks_assignee_idx ON tasks (assignee_nip) WHERE done_at IS NULL;

CREATE TABLE notification_outbox (
    id                   bigserial PRIMARY KEY,
    dedupe_key           text NOT NULL UNIQUE,
    to_email             text NOT NULL,
    to_name              text NOT NULL,
    subject              text NOT NULL,
    body_text            text NOT NULL,
    body_html            text NOT NULL,
    custom_args          jsonb NOT NULL DEFAULT '{}',
    status               text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    attempts             int  NOT NULL DEFAULT 0,
    last_error           text,
    provider_message_id  text,
    created_at           timestamptz NOT NULL DEFAULT now(),
    sent_at              timestamptz
);

-- Append-only: the application never updates or deletes these rows.
CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_nip     text NOT NULL,
    on_behalf_of  text,
    action        text NOT NULL,
    cycle_id      bigint,
    subject_nip   text,
    before        jsonb,
    after         jsonb
);
CREATE INDEX audit_log_subject_idx ON audit_log (cycle_id, subject_nip);

-- Workflow steps already written, so a retried activity writes nothing twice.
CREATE TABLE applied_steps (
    step_key    text PRIMARY KEY,
    applied_at  timestamptz NOT NULL DEFAULT now()
);
