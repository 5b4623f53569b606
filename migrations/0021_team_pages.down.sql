DROP TABLE IF EXISTS evaluation_row_ratings;
DROP TABLE IF EXISTS evidence_files;
DROP INDEX IF EXISTS employee_cycles_atasan_idx;
DROP INDEX IF EXISTS employee_cycles_penilai_idx;
