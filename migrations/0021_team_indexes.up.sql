-- The team page (web/team.go, store.Team) finds the years a supervisor has a part in.
CREATE INDEX employee_cycles_penilai_idx ON employee_cycles (penilai_nip);
CREATE INDEX employee_cycles_atasan_idx ON employee_cycles (atasan_nip) WHERE atasan_nip IS NOT NULL;
