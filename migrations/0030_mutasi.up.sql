-- A mutasi to another position inside a running year (workflows: mutasi-new-skp). HR records it
-- with its date; at that date the approved SKP closes (skp_closures: the approved row itself is
-- never edited) and the year moves to the new supervisors. former_penilai_nip keeps the penilai of
-- the old SKP able to rate the periods that started before the date, until they are rated or closed.
CREATE TABLE mutasi (
    id               bigserial PRIMARY KEY,
    cycle_id         bigint      NOT NULL,
    nip              text        NOT NULL,
    effective_at     timestamptz NOT NULL,
    position         text        NOT NULL,
    unit             text,
    from_penilai_nip text        NOT NULL,
    to_penilai_nip   text        NOT NULL,
    from_atasan_nip  text        NOT NULL,
    to_atasan_nip    text        NOT NULL,
    recorded_by      text        NOT NULL,
    recorded_at      timestamptz NOT NULL,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip)
);
CREATE INDEX mutasi_year_idx ON mutasi (cycle_id, nip);

CREATE TABLE skp_closures (
    skp_id    bigint PRIMARY KEY REFERENCES skp (id),
    closed_at timestamptz NOT NULL,
    reason    text        NOT NULL CHECK (reason IN ('mutasi')),
    position  text        NOT NULL, -- the position the employee moved to
    unit      text
);

ALTER TABLE employee_cycles ADD COLUMN former_penilai_nip text;
