package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/testenv"
)

// BenchmarkCascadeReads times the superior's cascade tree and an employee's parent list in a
// region of BENCH_REGION_SIZE staff (default 100,000), every bidang head with an approved SKP of
// three RHK and every staff member with a submitted SKP of two rows pointing at them, next to a
// one-row query's round trip in the same run. Their cost should follow the team (about 250 staff
// per head at 100,000), not the region.
func BenchmarkCascadeReads(b *testing.B) {
	staff := 100_000
	if v, err := strconv.Atoi(os.Getenv("BENCH_REGION_SIZE")); err == nil && v > 0 {
		staff = v
	}
	pool := testenv.DB(b)
	r := seedRegionAtScale(b, pool, staff)
	ctx := context.Background()
	for _, sql := range []string{
		`INSERT INTO employee_cycles (cycle_id, nip, workflow_id, penilai_nip, atasan_nip, phase)
			SELECT @cycle, nip, 'wf-' || nip, superior_nip, NULL, 'pelaksanaan' FROM employees WHERE nip LIKE '19800101%'`,
		`INSERT INTO skp (cycle_id, nip, version, approach, status, submitted_at)
			SELECT @cycle, nip, 1, 'kuantitatif', 'approved', @now FROM employees WHERE nip LIKE '19800101%'`,
		`INSERT INTO skp_items (skp_id, seq, kind, rhk, aspect, iki, target, unit)
			SELECT s.id, k, 'utama', 'RHK ' || k || ' ' || s.nip, 'kuantitas', 'IKI', '10', 'dokumen' FROM skp s, generate_series(0, 2) k`,
		`INSERT INTO skp (cycle_id, nip, version, approach, status, submitted_at)
			SELECT @cycle, nip, 1, 'kuantitatif', 'submitted', @now FROM employees WHERE nip LIKE '19900101%'`,
		`INSERT INTO skp_items (skp_id, seq, kind, superior_rhk, rhk, aspect, iki, target, unit, parent_skp_id, parent_seq)
			SELECT s.id, k, 'utama', p.rhk, 'Hasil ' || k, 'kuantitas', 'IKI', '5', 'dokumen', p.skp_id, p.seq
			FROM skp s JOIN employees e ON e.nip = s.nip JOIN skp ps ON ps.nip = e.superior_nip
			JOIN skp_items p ON p.skp_id = ps.id, generate_series(0, 1) k
			WHERE s.nip LIKE '19900101%' AND p.seq = (k + e.nip::numeric::bigint % 2)::int`,
		`VACUUM ANALYZE`,
	} {
		if _, err := pool.Exec(ctx, sql, pgx.NamedArgs{"cycle": r.cycle, "now": r.now}); err != nil {
			b.Fatal(err)
		}
	}
	head := "198001010000000124"
	en, err := r.st.Enrolment(ctx, r.cycle, "199001010000000123")
	if err != nil {
		b.Fatal(err)
	}
	reads := []struct {
		name string
		read func() error
	}{
		{"roundtrip", func() error { var one int; return pool.QueryRow(ctx, `SELECT 1`).Scan(&one) }},
		{"cascade_tree", func() error {
			c, err := r.st.Cascade(ctx, r.cycle, head)
			if err == nil && len(c.Items) != 3 {
				b.Fatalf("tree of %d RHK", len(c.Items))
			}
			return err
		}},
		{"rhk_parents", func() error {
			p, err := r.st.RHKParents(ctx, en)
			if err == nil && len(p.Candidates) != 3 {
				b.Fatalf("%d candidates", len(p.Candidates))
			}
			return err
		}},
	}
	for _, rd := range reads {
		b.Run(rd.name, func(b *testing.B) {
			if err := rd.read(); err != nil {
				b.Fatal(err)
			}
			start := time.Now()
			for b.Loop() {
				if err := rd.read(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(time.Since(start).Microseconds())/1000/float64(b.N), "ms/read")
		})
	}
}
