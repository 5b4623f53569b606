DROP TABLE IF EXISTS distribution_justifications;
DROP TABLE IF EXISTS org_predikat;
ALTER TABLE cycles DROP COLUMN distribution_mode;
