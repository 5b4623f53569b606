DROP TABLE IF EXISTS period_value_ratings;
DROP TABLE IF EXISTS period_row_ratings;
DELETE FROM evaluation_items WHERE period NOT IN ('midyear', 'annual');
DELETE FROM evaluations WHERE period NOT IN ('midyear', 'annual');
ALTER TABLE evaluations DROP CONSTRAINT evaluations_period_check;
ALTER TABLE evaluations ADD CONSTRAINT evaluations_period_check CHECK (period IN ('midyear', 'annual'));
ALTER TABLE cycles DROP COLUMN IF EXISTS evaluation_period;
