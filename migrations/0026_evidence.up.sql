-- Evidence around a rating (issue 7): the daily activity log and 360 feedback. None of it rates:
-- the penilai reads it when rating.

-- Laporan kegiatan harian: one row per activity an employee logs against an RHK row of their
-- approved SKP. Deleting is the employee's own correction before the year ends.
CREATE TABLE activity_logs (
    id           bigserial PRIMARY KEY,
    cycle_id     bigint NOT NULL,
    nip          text   NOT NULL,
    day          date   NOT NULL,           -- the WIB day the work was done
    rhk_seq      int    NOT NULL,           -- skp_items.seq of the approved SKP
    description  text   NOT NULL CHECK (length(description) BETWEEN 1 AND 2000),
    quantity     bigint NOT NULL CHECK (quantity BETWEEN 0 AND 1000000),
    output       text   NOT NULL CHECK (length(output) BETWEEN 1 AND 100),
    evidence_url text   NOT NULL DEFAULT '' CHECK (length(evidence_url) <= 2000),
    created_at   timestamptz NOT NULL DEFAULT now(),
    created_by   text   NOT NULL REFERENCES employees (nip),
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip)
);
CREATE INDEX activity_logs_year_idx ON activity_logs (cycle_id, nip, day);

-- 360 feedback: the penilai asks peers or subordinates; each answers once for the seven
-- BerAKHLAK values. rater_nip is never shown to the employee.
CREATE TABLE feedback_requests (
    id           bigserial PRIMARY KEY,
    cycle_id     bigint NOT NULL,
    nip          text   NOT NULL,
    rater_nip    text   NOT NULL REFERENCES employees (nip),
    requested_by text   NOT NULL REFERENCES employees (nip),
    requested_at timestamptz NOT NULL,
    answered_at  timestamptz,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip),
    UNIQUE (cycle_id, nip, rater_nip),
    CHECK (rater_nip <> nip)
);
CREATE INDEX feedback_requests_rater_idx ON feedback_requests (rater_nip) WHERE answered_at IS NULL;

CREATE TABLE feedback_answers (
    request_id bigint NOT NULL REFERENCES feedback_requests (id),
    value      text   NOT NULL,
    rating     text   NOT NULL CHECK (rating IN ('dibawah', 'sesuai', 'diatas')),
    comment    text   NOT NULL DEFAULT '' CHECK (length(comment) <= 1000),
    PRIMARY KEY (request_id, value)
);

-- Public satisfaction survey (survei kepuasan layanan) of a unit: HR makes a link with a random
-- token; anyone with it answers without logging in, one answer per browser per WIB day.
CREATE TABLE survey_links (
    token       text PRIMARY KEY,
    unit_id     text NOT NULL REFERENCES org_units (id),
    created_by  text NOT NULL REFERENCES employees (nip),
    created_at  timestamptz NOT NULL
);

CREATE TABLE survey_responses (
    id           bigserial PRIMARY KEY,
    token        text NOT NULL REFERENCES survey_links (token),
    unit_id      text NOT NULL REFERENCES org_units (id),
    day          date NOT NULL,                 -- WIB
    client_hash  text NOT NULL,                 -- sha256 of the link and the browser's cookie
    kemudahan    smallint NOT NULL CHECK (kemudahan BETWEEN 1 AND 5),
    kecepatan    smallint NOT NULL CHECK (kecepatan BETWEEN 1 AND 5),
    keramahan    smallint NOT NULL CHECK (keramahan BETWEEN 1 AND 5),
    comment      text NOT NULL DEFAULT '' CHECK (length(comment) <= 500),
    answered_at  timestamptz NOT NULL,
    UNIQUE (token, client_hash, day)
);
CREATE INDEX survey_responses_unit_idx ON survey_responses (unit_id, day);

-- Each rater gets a task of their own (kind feedback_360), so several open tasks of that kind
-- share (cycle, subject, kind, role): the one-open-task rule leaves that kind out, and holds
-- per assignee for it instead. Inserts that rely on the rule name the new predicate.
DROP INDEX tasks_open_idx;
CREATE UNIQUE INDEX tasks_open_idx ON tasks (cycle_id, subject_nip, kind, assignee_role)
    WHERE done_at IS NULL AND kind <> 'feedback_360';
CREATE UNIQUE INDEX tasks_open_feedback_idx ON tasks (cycle_id, subject_nip, assignee_nip)
    WHERE done_at IS NULL AND kind = 'feedback_360';
