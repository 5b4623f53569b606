-- Who may do what (internal/access): HR scoped to a unit subtree, admins, and acting officials.
--
-- hr_scope_unit_id: with is_hr, NULL is the whole organisation (region-wide BKPSDM); a unit id
-- limits HR to that unit and every unit under it. It means nothing without is_hr, so it needs it.
-- is_admin: manages HR users' scopes and delegations anywhere, and the organisation-wide
-- settings (org import, cycles, deadlines); it gives no access to anyone's year by itself.
ALTER TABLE employees
    ADD COLUMN hr_scope_unit_id text REFERENCES org_units (id),
    ADD COLUMN is_admin boolean NOT NULL DEFAULT false,
    ADD CONSTRAINT employees_hr_scope_needs_hr CHECK (hr_scope_unit_id IS NULL OR is_hr);

-- Plt (pelaksana tugas) and Plh (pelaksana harian): the delegate acts for the principal, whose
-- authority as pejabat penilai or atasan penilai they hold from starts_at until ends_at
-- (exclusive), or until revoked. Rows are never deleted: a revocation sets revoked_at.
CREATE TABLE delegations (
    id             bigserial PRIMARY KEY,
    principal_nip  text NOT NULL REFERENCES employees (nip),
    delegate_nip   text NOT NULL REFERENCES employees (nip),
    kind           text NOT NULL CHECK (kind IN ('plt', 'plh')),
    starts_at      timestamptz NOT NULL,
    ends_at        timestamptz NOT NULL,
    reason         text NOT NULL CHECK (btrim(reason) <> ''),
    created_by     text NOT NULL REFERENCES employees (nip),
    created_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at     timestamptz,
    revoked_by     text REFERENCES employees (nip),
    CHECK (ends_at > starts_at),
    CHECK (principal_nip <> delegate_nip),
    CHECK ((revoked_at IS NULL) = (revoked_by IS NULL))
);
CREATE INDEX delegations_delegate_idx ON delegations (delegate_nip, ends_at) WHERE revoked_at IS NULL;
CREATE INDEX delegations_principal_idx ON delegations (principal_nip);
