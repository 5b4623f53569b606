package demo_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/demo"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/workflows"
)

func TestMain(m *testing.M) { testenv.Main(m) }

// TestDemoRunsTwiceAgainstOnePlatform runs the demo against a whole platform started in-process
// (real PostgreSQL, real Temporal): the first run bootstraps the organisation and saves the HR
// NIP, the second finds the organisation populated and acts as that HR user.
func TestDemoRunsTwiceAgainstOnePlatform(t *testing.T) {
	pool := testenv.DB(t)
	ctx := context.Background()
	p, err := platform.Start(ctx, platform.Config{
		DatabaseURL: pool.Config().ConnString(), TemporalAddress: testenv.Temporal(t), TemporalNamespace: testenv.Namespace,
		HTTPAddr: "127.0.0.1:0", DevAuth: true, Logger: testenv.Logger(), Payloads: testenv.Payloads(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := p.Stop(ctx); err != nil {
			t.Errorf("stop platform: %v", err)
		}
	})
	t.Setenv(demo.EnvHRNIP, "")
	state := filepath.Join(t.TempDir(), "state", "demo-hr-nip")
	opts := demo.Options{StateFile: state, BootstrapToken: p.BootstrapToken}
	if p.BootstrapToken == "" {
		t.Fatal("an organisation without an admin got no bootstrap token")
	}
	base := "http://" + p.Addr

	start := time.Now()
	var out1 bytes.Buffer
	first, err := demo.RunWith(ctx, base, &out1, opts)
	t.Logf("first run (%s):\n%s", time.Since(start).Round(time.Millisecond), out1.String())
	if err != nil {
		t.Fatalf("first run: %v", err)
	}
	checkResult(t, pool, first)
	saved, err := os.ReadFile(state)
	if err != nil || strings.TrimSpace(string(saved)) != first.HRNIP || first.HRNIP == "" {
		t.Fatalf("state file %s = %q, %v; want the HR NIP %q", state, saved, err, first.HRNIP)
	}
	for _, want := range []string{"Organisasi masih kosong", "Sebaran predikat akhir", "Rp", "Email di outbox"} {
		if !strings.Contains(out1.String(), want) {
			t.Errorf("first output lacks %q", want)
		}
	}

	start = time.Now()
	var out2 bytes.Buffer
	second, err := demo.RunWith(ctx, base, &out2, opts)
	t.Logf("second run (%s):\n%s", time.Since(start).Round(time.Millisecond), out2.String())
	if err != nil {
		t.Fatalf("second run: %v", err)
	}
	checkResult(t, pool, second)
	if second.HRNIP != first.HRNIP || !strings.Contains(out2.String(), "dari berkas "+state) {
		t.Errorf("second run acted as HR %s, want the saved %s", second.HRNIP, first.HRNIP)
	}
	if second.CycleID == first.CycleID {
		t.Errorf("both runs used cycle %d", first.CycleID)
	}
	nips := map[string]bool{}
	for _, e := range append(first.Employees, second.Employees...) {
		if nips[e.NIP] {
			t.Errorf("NIP %s used by both runs", e.NIP)
		}
		nips[e.NIP] = true
	}
	if second.Emails <= first.Emails {
		t.Errorf("outbox went from %d to %d emails", first.Emails, second.Emails)
	}

	// A state file naming nobody, on a populated organisation: the demo explains what it needs.
	stale := filepath.Join(t.TempDir(), "demo-hr-nip")
	if err := os.WriteFile(stale, []byte("199001012015011999\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	// The used bootstrap token does not let it in again.
	_, err = demo.RunWith(ctx, base, io.Discard, demo.Options{StateFile: stale, BootstrapToken: p.BootstrapToken})
	if err == nil || !strings.Contains(err.Error(), demo.EnvHRNIP) || !strings.Contains(err.Error(), "POST /api/org/import: status 401") {
		t.Errorf("run with an unknown HR NIP on a populated organisation: %v", err)
	}
}

func checkResult(t *testing.T, pool *pgxpool.Pool, res demo.Result) {
	t.Helper()
	ctx := context.Background()
	if len(res.Employees) != 10 {
		t.Fatalf("%d employees, want 10", len(res.Employees))
	}
	finals := map[string]int{}
	changed, upheld, overridden := 0, 0, 0
	for _, e := range res.Employees {
		if e.Predikat == "" || e.FinalPredikat == "" {
			t.Errorf("%s: predikat %q, final %q", e.Name, e.Predikat, e.FinalPredikat)
		}
		finals[e.FinalPredikat]++
		switch e.Appeal {
		case workflows.AppealChange:
			changed++
			if e.FinalPredikat == e.Predikat {
				t.Errorf("%s: appeal changed the result but the predikat stayed %s", e.Name, e.Predikat)
			}
		case workflows.AppealUphold:
			upheld++
			if e.FinalPredikat != e.Predikat {
				t.Errorf("%s: appeal upheld but %s became %s", e.Name, e.Predikat, e.FinalPredikat)
			}
		case "":
			if e.FinalPredikat != e.Predikat {
				t.Errorf("%s: no appeal but %s became %s", e.Name, e.Predikat, e.FinalPredikat)
			}
		}
		if e.FollowUp == "" || e.Recommended != string(appraisal.RecommendFollowUp(appraisal.Predikat(e.FinalPredikat))) {
			t.Errorf("%s: follow-up %q, recommended %q for %s", e.Name, e.FollowUp, e.Recommended, e.FinalPredikat)
		}
		if e.FollowUp != e.Recommended {
			overridden++
		}

		// Read independently of the API: the final result is where the monthly payroll reads
		// it (employee_cycles), and no payroll_postings row was added (history only since 0027).
		var basic int64
		var status, final string
		var postings int
		if err := pool.QueryRow(ctx, `SELECT p.tpp_basic, e.status FROM employees e JOIN positions p ON p.id = e.position_id
			WHERE e.nip = $1`, e.NIP).Scan(&basic, &status); err != nil {
			t.Fatalf("%s: %v", e.NIP, err)
		}
		if err := pool.QueryRow(ctx, `SELECT coalesce((SELECT predikat FROM employee_cycles WHERE cycle_id = $1 AND nip = $2 AND result_final), ''),
			(SELECT count(*) FROM payroll_postings WHERE cycle_id = $1 AND nip = $2)`, res.CycleID, e.NIP).Scan(&final, &postings); err != nil {
			t.Fatalf("%s: %v", e.NIP, err)
		}
		if final != e.FinalPredikat || postings != 0 {
			t.Errorf("%s: final result %q in the database (result says %s), %d postings; want the same and none", e.Name, final, e.FinalPredikat, postings)
		}
		if e.Status != status || e.TPPBasic != basic {
			t.Errorf("%s: result says %s/%d, database %s/%d", e.Name, e.Status, e.TPPBasic, status, basic)
		}
	}
	for _, p := range []appraisal.Predikat{appraisal.SangatBaik, appraisal.Baik, appraisal.ButuhPerbaikan, appraisal.Kurang, appraisal.SangatKurang} {
		if finals[string(p)] == 0 {
			t.Errorf("no employee ended %s; spread %v", p, finals)
		}
	}
	if changed != 1 || upheld != 1 || overridden != 1 {
		t.Errorf("appeals changed %d, upheld %d, follow-ups overridden %d; want 1 each", changed, upheld, overridden)
	}
	if res.Emails == 0 {
		t.Error("no emails in the outbox")
	}
	var open int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE cycle_id = $1 AND done_at IS NULL`, res.CycleID).Scan(&open); err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Errorf("%d tasks of cycle %d left open", open, res.CycleID)
	}
}
