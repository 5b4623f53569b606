ALTER TABLE employee_cycles DROP COLUMN former_penilai_nip;
DROP TABLE skp_closures;
DROP TABLE mutasi;
