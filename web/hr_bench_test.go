package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/api"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
)

// BenchmarkHRPages measures the server time of HR's main pages with 10,000 enrolments present,
// next to the JSON endpoint that reads the same data, in the same run: every iteration asks
// both, in turn, and the benchmark reports each one's p50 and p99 and the page/JSON ratio of
// the medians. Read the ratios: the absolute figures depend on the machine and its load.
//
// The enrolments are written straight into PostgreSQL (these views read only PostgreSQL): 20
// dinas of 5 bidang of 100 employees, years spread over the phases, a tenth blocked, a fifth
// with an overdue task, a third rated, every dinas with its own predikat.
func BenchmarkHRPages(b *testing.B) {
	pool, cycle := seedTenThousand(b)
	// A reassignment of every running year, a tenth of them failed: the batch page's data.
	batchID, err := (&store.Store{Pool: pool}).CreateBatch(context.Background(), store.NewBatch{CycleID: cycle,
		Kind: store.BatchReassign, CreatedBy: hrNIP, WorkflowID: "batch/bench"})
	if err == nil {
		_, err = pool.Exec(context.Background(), `UPDATE batch_items SET status = CASE WHEN right(nip, 1) = '7' THEN 'failed' ELSE 'done' END,
			message = CASE WHEN right(nip, 1) = '7' THEN 'pembaruan ditolak' ELSE '' END, done_at = now() WHERE batch_id = $1 AND right(nip, 1) < '8'`, batchID)
	}
	if err != nil {
		b.Fatal(err)
	}
	h := (&api.Server{Store: &store.Store{Pool: pool}, DevAuth: true}).Handler()
	ask := func(path string) time.Duration {
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set(api.DevNIPHeader, hrNIP)
		w := httptest.NewRecorder()
		start := time.Now()
		h.ServeHTTP(w, req)
		took := time.Since(start)
		if w.Code != http.StatusOK {
			b.Fatalf("%s: %d %s", path, w.Code, w.Body.String())
		}
		return took
	}
	for _, v := range []struct{ name, json, page string }{
		{"progress", "/api/cycles/%d/progress", "/siklus/%d/kemajuan"},
		{"progress-dinas", "/api/cycles/%d/progress?unit=dinas-07", "/siklus/%d/kemajuan?unit=dinas-07"},
		{"progress-overdue", "/api/cycles/%d/progress?overdue=true", "/siklus/%d/kemajuan?overdue=true"},
		{"kurva-all", "/api/cycles/%d/distribution", "/siklus/%d/kurva"},
		{"kurva-dinas", "/api/cycles/%d/distribution?unit=dinas-07", "/siklus/%d/kurva?unit=dinas-07"},
		{"cycle", "/api/cycles/%d", "/siklus/%d"},
		{"supervisor-changes", "/api/cycles/%d/supervisor-changes", "/siklus/%d/atasan-berubah"},
		{"batch", "/api/batches/%d", "/proses/%d"},
	} {
		b.Run(v.name, func(b *testing.B) {
			id := cycle
			if v.name == "batch" {
				id = batchID
			}
			jsonPath, pagePath := fmt.Sprintf(v.json, id), fmt.Sprintf(v.page, id)
			ask(jsonPath) // warm both once: the first answer pays for plans and templates
			ask(pagePath)
			var js, ps []time.Duration
			for b.Loop() {
				js = append(js, ask(jsonPath))
				ps = append(ps, ask(pagePath))
			}
			jp50, jp99 := percentiles(js)
			pp50, pp99 := percentiles(ps)
			b.ReportMetric(ms(jp50), "json-p50-ms")
			b.ReportMetric(ms(jp99), "json-p99-ms")
			b.ReportMetric(ms(pp50), "page-p50-ms")
			b.ReportMetric(ms(pp99), "page-p99-ms")
			b.ReportMetric(float64(pp50)/float64(jp50), "page/json-p50")
		})
	}
}

const hrNIP, headNIP = "198501012010012001", "197001011995031001"

// seedTenThousand writes the benchmark's organisation and enrolments into a fresh database.
func seedTenThousand(b testing.TB) (*pgxpool.Pool, int64) {
	ctx := context.Background()
	pool := testenv.DB(b)
	setup := []string{
		`INSERT INTO org_units (id, name) VALUES ('pemda', 'Pemerintah Daerah')`,
		`INSERT INTO org_units (id, name, parent_id) SELECT format('dinas-%s', lpad(d::text, 2, '0')), format('Dinas %s', d), 'pemda' FROM generate_series(0, 19) d`,
		`INSERT INTO org_units (id, name, parent_id) SELECT format('bidang-%s-%s', lpad(d::text, 2, '0'), k), format('Bidang %s.%s', d, k),
			format('dinas-%s', lpad(d::text, 2, '0')) FROM generate_series(0, 19) d, generate_series(0, 4) k`,
		`INSERT INTO positions (id, name, jenis_jabatan, kelas_jabatan) VALUES ('staf', 'Pranata Komputer', 'fungsional', 8)`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, is_hr) VALUES
			('` + headNIP + `', 'Kepala', 'k@contoh.go.id', 'PNS', 'pemda', 'staf', false),
			('` + hrNIP + `', 'Rina', 'r@contoh.go.id', 'PNS', 'pemda', 'staf', true)`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
			SELECT '199001012020' || lpad(i::text, 6, '0'), 'Pegawai ' || i, 'p' || i || '@contoh.go.id', 'PNS',
				format('bidang-%s-%s', lpad((i / 500)::text, 2, '0'), (i / 100) % 5), 'staf', '` + headNIP + `'
			FROM generate_series(0, 9999) i`,
		`INSERT INTO cycles (year, name, plan_due, monitoring_start, monitoring_due, evaluation_start, evaluation_due, dialog_due,
			followup_due, appeal_window, decision_sla, reminder_lead, created_by) VALUES (2026, 'Penilaian Kinerja 2026',
			'2026-01-31', '2026-02-01', '2026-07-31', '2026-12-01', '2027-01-15', '2027-01-31', '2027-02-28',
			'336h', '336h', '72h', '` + hrNIP + `')`,
		`INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase, predikat, result_final, blocked_reason)
			SELECT c.id, e.nip, 'bench/' || e.nip, '` + headNIP + `', '` + headNIP + `',
				(ARRAY['perencanaan','pelaksanaan','pemantauan','penilaian','dialog','keberatan','tindak_lanjut','selesai'])[1 + (row_number() OVER ()) % 8],
				CASE WHEN (row_number() OVER ()) % 3 = 0 THEN (ARRAY['sangat_baik','baik','butuh_perbaikan','kurang','sangat_kurang'])[1 + (row_number() OVER ()) % 5] END,
				(row_number() OVER ()) % 3 = 0,
				CASE WHEN (row_number() OVER ()) % 10 = 0 THEN 'langkah tidak dapat dicatat' END
			FROM employees e, cycles c WHERE e.nip LIKE '199001012020%'`,
		`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
			SELECT cycle_id, nip, 'draft_plan', nip, 'pegawai', 'Susun SKP',
				CASE WHEN right(nip, 1) IN ('0', '5') THEN now() - interval '2 days' ELSE now() + interval '20 days' END
			FROM employee_cycles`,
		`INSERT INTO org_predikat (cycle_id, unit_id, predikat, set_by, set_at)
			SELECT c.id, u.id, 'baik', '` + hrNIP + `', now() FROM cycles c, org_units u WHERE u.parent_id = 'pemda'`,
		`ANALYZE`,
	}
	for _, q := range setup {
		if _, err := pool.Exec(ctx, q); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	var cycle int64
	if err := pool.QueryRow(ctx, `SELECT id FROM cycles`).Scan(&cycle); err != nil {
		b.Fatal(err)
	}
	return pool, cycle
}
