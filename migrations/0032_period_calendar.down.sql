ALTER TABLE cycles
    DROP CONSTRAINT IF EXISTS cycles_period_rating_after_report,
    DROP COLUMN IF EXISTS period_rating_days,
    DROP COLUMN IF EXISTS period_report_days,
    DROP COLUMN IF EXISTS period_opens_days;
