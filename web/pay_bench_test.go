package web_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkPayPages measures "Dari kinerja ke TPP" (/tpp) next to GET /api/me/pay, which reads
// the same statement, and HR's list of runs (/penggajian) next to GET /api/payroll/runs, with
// 10,000 more employees and an approved run of 10,000 paid lines (February) present; March is
// paid by a real run through its workflow. Metrics as BenchmarkPages: p50/p99 in ms and page/json.
func BenchmarkPayPages(b *testing.B) {
	e := startWorld(b)
	payWorld(b, e)
	ctx := context.Background()
	if _, err := e.p.Pool.Exec(ctx, `DELETE FROM pay_leaves`); err != nil {
		b.Fatal(err)
	}
	hr, csrf := e.session(nipHR)
	run := int64(e.json(hr, csrf, "POST", "/api/payroll/runs", map[string]any{"month": "2026-03", "scope_unit_id": "diskominfo"}, 202)["id"].(float64))
	e.waitDB(fmt.Sprintf(`SELECT count(*) FROM payroll_runs WHERE id = %d AND state = 'awaiting_approval'`, run), 1)
	e.json(hr, csrf, "POST", fmt.Sprintf("/api/payroll/runs/%d/approve", run), nil, 200)

	nip := `'19900101' || lpad(i::text, 10, '0')`
	for _, q := range []string{
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
		 SELECT ` + nip + `, 'Pegawai ' || i, 'p' || i || '@contoh.go.id', 'PNS', 'diskominfo', 'pranata', '` + nipPenilai + `'
		 FROM generate_series(1, 10000) i`,
		`INSERT INTO payroll_runs (month, scope_unit_id, state, workflow_id, employees_total, created_by, computed_at, decided_by, decided_at)
		 VALUES ('2026-02-01', 'diskominfo', 'approved', 'bench-run', 10000, '` + nipHR + `', now(), '` + nipHR + `', now())`,
		`INSERT INTO pay_lines (run_id, nip, period, kind, entry, amount, policy_id)
		 SELECT (SELECT id FROM payroll_runs WHERE workflow_id = 'bench-run'), ` + nip + `, '2026-02-01', 'tpp', 'line', 3000000 + i, 'manado-2026'
		 FROM generate_series(1, 10000) i`,
		`ANALYZE`,
	} {
		if _, err := e.p.Pool.Exec(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
	emp, _ := e.session(nipEmployee)
	for _, c := range []struct {
		name      string
		hc        *http.Client
		page, api string
	}{
		{"tpp", emp, "/tpp?month=2026-03", "/api/me/pay?month=2026-03"},
		{"penggajian", hr, "/penggajian", "/api/payroll/runs"},
	} {
		b.Run(c.name, func(b *testing.B) { pageAgainstJSON(b, c.hc, e.base, c.page, c.api) })
	}
}
