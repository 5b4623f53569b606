-- Evaluation periods inside the year (internal/period): HR chooses monthly or quarterly per
-- cycle; NULL is the single mid-year check-in of cycles made before (and of rehearsals).
ALTER TABLE cycles ADD COLUMN evaluation_period text CHECK (evaluation_period IN ('monthly', 'quarterly'));

-- A period's report, feedback and rating live in evaluations like the mid-year and annual ones,
-- under the period's id ("2027-03", "2027-Q1").
ALTER TABLE evaluations DROP CONSTRAINT evaluations_period_check;
ALTER TABLE evaluations ADD CONSTRAINT evaluations_period_check
    CHECK (period IN ('midyear', 'annual') OR period ~ '^[0-9]{4}-(0[1-9]|1[0-2]|Q[1-4])$');

-- The penilai's rating of each RHK row in a period (the period's hasil kerja follows from them,
-- appraisal.HasilKerja) and of each BerAKHLAK value (behind the period's rating of perilaku).
CREATE TABLE period_row_ratings (
    cycle_id bigint NOT NULL,
    nip      text   NOT NULL,
    period   text   NOT NULL,
    seq      int    NOT NULL CHECK (seq >= 0),
    rating   text   NOT NULL CHECK (rating IN ('diatas', 'sesuai', 'dibawah')),
    PRIMARY KEY (cycle_id, nip, period, seq),
    FOREIGN KEY (cycle_id, nip, period) REFERENCES evaluations (cycle_id, nip, period)
);
CREATE TABLE period_value_ratings (
    cycle_id bigint NOT NULL,
    nip      text   NOT NULL,
    period   text   NOT NULL,
    value    text   NOT NULL,
    rating   text   NOT NULL CHECK (rating IN ('diatas', 'sesuai', 'dibawah')),
    PRIMARY KEY (cycle_id, nip, period, value),
    FOREIGN KEY (cycle_id, nip, period) REFERENCES evaluations (cycle_id, nip, period)
);
