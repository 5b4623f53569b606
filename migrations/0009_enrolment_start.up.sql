-- Enrolment writes the row first ('starting'), then starts the workflow under the row's
-- workflow_id, then marks the row 'started'. A crash in between leaves a 'starting' row that
-- enrolling again or the sweeper finishes. Years enrolled before this migration already run.
ALTER TABLE employee_cycles ADD COLUMN workflow_state text NOT NULL DEFAULT 'started'
    CHECK (workflow_state IN ('starting', 'started'));
ALTER TABLE employee_cycles ALTER COLUMN workflow_state SET DEFAULT 'starting';
CREATE INDEX employee_cycles_starting ON employee_cycles (enrolled_at) WHERE workflow_state = 'starting';
