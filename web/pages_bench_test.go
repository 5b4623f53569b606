package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/testenv"
)

// BenchmarkPages measures the server time of the main pages with 10,000 enrolments present, each
// next to the JSON endpoint that reads the same data, in the same run and the same session:
// "Tugas saya" (/tugas) against GET /api/me/tasks for a penilai with 10,001 open tasks, and the
// year page against GET /api/cycles/:cycle/employees/:nip (whose workflow answers the live status).
// Each iteration requests the page and its JSON twin once; the metrics are p50 and p99 in
// milliseconds of each, over loopback HTTP, and page/json, the ratio of their p50s.
func BenchmarkPages(b *testing.B) {
	e := startWorld(b)
	ctx := context.Background()
	// 10,000 more enrolments under the same penilai, each with its open review task: seeded in SQL
	// (no workflows), so the inbox and the org tables are at that size.
	nip := `'19900101' || lpad(i::text, 10, '0')`
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
		 SELECT ` + nip + `, 'Pegawai ' || i, 'p' || i || '@contoh.go.id', 'PNS', 'diskominfo', 'pranata', $1
		 FROM generate_series(1, 10000) i`, []any{nipPenilai}},
		{`INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase)
		 SELECT $1::bigint, ` + nip + `, 'bench/' || $1::bigint || '/' || i, $2, $3, 'perencanaan'
		 FROM generate_series(1, 10000) i`, []any{e.cycle, nipPenilai, testenv.NIPHead}},
		{`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
		 SELECT $1, ` + nip + `, 'review_plan', $2, 'penilai', 'Setujui atau kembalikan SKP Pegawai ' || i,
		        now() + (i % 90 - 30) * interval '1 day'
		 FROM generate_series(1, 10000) i`, []any{e.cycle, nipPenilai}},
	} {
		if _, err := e.p.Pool.Exec(ctx, q.sql, q.args...); err != nil {
			b.Fatal(err)
		}
	}
	// Cleanups run last first: the seeded years leave before endYears would stop 10,000 workflows
	// that never ran.
	b.Cleanup(func() {
		if _, err := e.p.Pool.Exec(ctx, `DELETE FROM tasks WHERE subject_nip LIKE '19900101%';
			DELETE FROM employee_cycles WHERE workflow_id LIKE 'bench/%'`); err != nil {
			b.Error(err)
		}
	})
	if _, err := e.p.Pool.Exec(ctx, `ANALYZE`); err != nil {
		b.Fatal(err)
	}
	hc, _ := e.session(nipPenilai)
	year := fmt.Sprintf("/siklus/%d/pegawai/%s", e.cycle, nipEmployee)
	for _, c := range []struct{ name, page, json string }{
		{"tugas", "/tugas", "/api/me/tasks"},
		{"tahun", year, fmt.Sprintf("/api/cycles/%d/employees/%s", e.cycle, nipEmployee)},
	} {
		b.Run(c.name, func(b *testing.B) { pageAgainstJSON(b, hc, e.base, c.page, c.json) })
	}
}

// pageAgainstJSON asks a page and its JSON twin in turn, each iteration once, after one warming
// request each (templates, connections, plans), and reports both (report).
func pageAgainstJSON(b *testing.B, hc *http.Client, base, page, json string) {
	timedGet(b, hc, base+page)
	timedGet(b, hc, base+json)
	var ps, js []time.Duration
	for b.Loop() {
		ps = append(ps, timedGet(b, hc, base+page))
		js = append(js, timedGet(b, hc, base+json))
	}
	report(b, ps, js)
}

// timedGet is the server time of one GET over loopback HTTP, failing on any answer but 200.
func timedGet(b *testing.B, hc *http.Client, url string) time.Duration {
	start := time.Now()
	res, err := hc.Get(url)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	d := time.Since(start)
	if res.StatusCode != http.StatusOK {
		b.Fatalf("GET %s: %d", url, res.StatusCode)
	}
	return d
}

// report gives a page's and its JSON twin's p50 and p99 in milliseconds, and page/json, the
// ratio of their p50s.
func report(b *testing.B, page, api []time.Duration) {
	p50, p99 := percentiles(page)
	j50, j99 := percentiles(api)
	b.ReportMetric(ms(p50), "page-p50-ms")
	b.ReportMetric(ms(p99), "page-p99-ms")
	b.ReportMetric(ms(j50), "json-p50-ms")
	b.ReportMetric(ms(j99), "json-p99-ms")
	b.ReportMetric(float64(p50)/float64(j50), "page/json")
}

// percentiles are the 50th and 99th percentiles of ds (nearest rank).
func percentiles(ds []time.Duration) (p50, p99 time.Duration) {
	s := slices.Clone(ds)
	slices.Sort(s)
	at := func(p int) time.Duration { return s[max(0, (len(s)*p+99)/100-1)] }
	return at(50), at(99)
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
