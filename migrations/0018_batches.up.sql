-- Durable batches: launching a cycle, enrolling listed employees, moving a deadline and
-- reassigning after a reorganisation run as a Batch workflow over these rows, never as a loop
-- inside an HTTP request. The items are the batch's selection, written with the batch in one
-- transaction; each item ends done, failed or skipped, with a message in Bahasa Indonesia.
-- The counts are read from the items (batch_items_status), never kept twice.
CREATE TABLE batches (
    id           bigserial PRIMARY KEY,
    cycle_id     bigint NOT NULL REFERENCES cycles (id),
    kind         text   NOT NULL CHECK (kind IN ('launch', 'enrol', 'move_deadline', 'reassign')),
    -- The unit subtree the batch covers; NULL is the whole region.
    scope_unit   text   REFERENCES org_units (id),
    params       jsonb  NOT NULL DEFAULT '{}',
    state        text   NOT NULL DEFAULT 'running' CHECK (state IN ('running', 'paused', 'cancelled', 'finished')),
    created_by   text   NOT NULL REFERENCES employees (nip),
    -- Random, like an enrolment's: test databases (and restored backups) count ids from 1 again.
    workflow_id  text   NOT NULL UNIQUE,
    started_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    CHECK ((finished_at IS NULL) = (state IN ('running', 'paused')))
);
CREATE INDEX batches_cycle ON batches (cycle_id, id);

CREATE TABLE batch_items (
    batch_id  bigint NOT NULL REFERENCES batches (id),
    -- Not a reference: an enrol batch keeps the NIPs HR typed, unknown ones included (failed).
    nip       text   NOT NULL,
    status    text   NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'failed', 'skipped')),
    message   text   NOT NULL DEFAULT '',
    done_at   timestamptz,
    PRIMARY KEY (batch_id, nip),
    CHECK ((done_at IS NULL) = (status = 'pending'))
);
CREATE INDEX batch_items_status ON batch_items (batch_id, status, nip);
