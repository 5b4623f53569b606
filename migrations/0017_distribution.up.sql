-- SE MenPANRB 03/2023: a unit's own predikat for a cycle bounds its employees' predikat.
-- block: a unit that breaks the rule holds its employees' results from becoming final until HR
-- records a justification (or the unit fits the rule again); warn: it only shows.
ALTER TABLE cycles ADD COLUMN distribution_mode text NOT NULL DEFAULT 'block'
    CHECK (distribution_mode IN ('block', 'warn'));

CREATE TABLE org_predikat (
    cycle_id   bigint NOT NULL REFERENCES cycles (id),
    unit_id    text   NOT NULL REFERENCES org_units (id),
    predikat   text   NOT NULL CHECK (predikat IN ('istimewa', 'baik', 'butuh_perbaikan', 'kurang', 'sangat_kurang')),
    set_by     text   NOT NULL REFERENCES employees (nip),
    set_at     timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, unit_id)
);

CREATE TABLE distribution_justifications (
    cycle_id      bigint NOT NULL REFERENCES cycles (id),
    unit_id       text   NOT NULL REFERENCES org_units (id),
    justification text   NOT NULL,
    recorded_by   text   NOT NULL REFERENCES employees (nip),
    recorded_at   timestamptz NOT NULL,
    PRIMARY KEY (cycle_id, unit_id)
);
