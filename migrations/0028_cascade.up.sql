-- Cascading (issue 7): each RHK row of an SKP points to what it serves: an RHK of the penilai's
-- approved SKP in the same cycle, or, when the penilai is outside the cycle (a unit head under the
-- region's leadership), one of the unit's goals for the cycle. Rows submitted before this
-- migration, and rows with no source to point to, keep both columns NULL and only the free text.

-- Sasaran unit: what a unit aims at in a cycle, recorded by HR or the unit's head.
CREATE TABLE unit_goals (
    id          bigserial PRIMARY KEY,
    cycle_id    bigint NOT NULL REFERENCES cycles (id),
    unit_id     text   NOT NULL REFERENCES org_units (id),
    goal        text   NOT NULL CHECK (length(goal) BETWEEN 1 AND 2000),
    created_by  text   NOT NULL REFERENCES employees (nip),
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX unit_goals_unit_idx ON unit_goals (cycle_id, unit_id, id);

-- The parent pins the exact approved version it was chosen from (skp id + seq): an approved SKP is
-- never edited, so the link always reads the text the employee saw.
ALTER TABLE skp_items
    ADD COLUMN parent_skp_id  bigint,
    ADD COLUMN parent_seq     int,
    ADD COLUMN parent_goal_id bigint REFERENCES unit_goals (id),
    ADD FOREIGN KEY (parent_skp_id, parent_seq) REFERENCES skp_items (skp_id, seq),
    ADD CHECK ((parent_skp_id IS NULL) = (parent_seq IS NULL)),
    ADD CHECK (parent_skp_id IS NULL OR parent_goal_id IS NULL);
CREATE INDEX skp_items_parent_idx ON skp_items (parent_skp_id, parent_seq) WHERE parent_skp_id IS NOT NULL;
