-- The calendar of a cycle's evaluation periods (internal/period.Calendar): HR's setting per cycle,
-- fixed once the cycle is created. The defaults are the days fixed in code before, so existing
-- cycles keep them: the report opens 3 days before a period ends, is due 5 days after it, the
-- rating 10 days after. The application checks the finer bounds (api, period.Calendar.Check).
ALTER TABLE cycles
    ADD COLUMN period_opens_days  int NOT NULL DEFAULT 3  CHECK (period_opens_days BETWEEN 0 AND 14),
    ADD COLUMN period_report_days int NOT NULL DEFAULT 5  CHECK (period_report_days BETWEEN 1 AND 30),
    ADD COLUMN period_rating_days int NOT NULL DEFAULT 10 CHECK (period_rating_days BETWEEN 1 AND 60),
    ADD CONSTRAINT cycles_period_rating_after_report CHECK (period_rating_days > period_report_days);
