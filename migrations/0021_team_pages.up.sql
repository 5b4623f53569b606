-- The team page (web/team.go, store.Team) finds the years a supervisor has a part in.
CREATE INDEX employee_cycles_penilai_idx ON employee_cycles (penilai_nip);
CREATE INDEX employee_cycles_atasan_idx ON employee_cycles (atasan_nip) WHERE atasan_nip IS NOT NULL;

-- Bukti dukung uploaded as files (api/evidence.go): the bytes live under the server's evidence
-- directory (never served directly), named by id; this row says whose they are and what they are.
CREATE TABLE evidence_files (
    id           text PRIMARY KEY,
    cycle_id     bigint NOT NULL,
    nip          text   NOT NULL,
    file_name    text   NOT NULL,
    content_type text   NOT NULL,
    size_bytes   bigint NOT NULL CHECK (size_bytes > 0),
    sha256       text   NOT NULL,
    uploaded_by  text   NOT NULL,
    uploaded_at  timestamptz NOT NULL,
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip)
);
CREATE INDEX evidence_files_year_idx ON evidence_files (cycle_id, nip);

-- The penilai's optional rating of single RHK (RateInput.Rows); the year's rating stays in evaluations.
CREATE TABLE evaluation_row_ratings (
    cycle_id bigint NOT NULL,
    nip      text   NOT NULL,
    seq      int    NOT NULL CHECK (seq >= 0),
    rating   text   NOT NULL CHECK (rating IN ('diatas', 'sesuai', 'dibawah')),
    PRIMARY KEY (cycle_id, nip, seq),
    FOREIGN KEY (cycle_id, nip) REFERENCES employee_cycles (cycle_id, nip)
);
