package platform_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/worker"
	"github.com/kinerja/platform/workflows"
)

// The deadline burst, modelled: when a deadline shared by every year passes, each EmployeeCycle
// wakes from its timer (at the date, or at workflows.PacedAt with pacing) and writes one step
// through the ApplyStep activity: for plan_due, a plan_overdue task for the atasan and one for
// HR, the projection, the audit row. burstYear is exactly that part of a year and nothing else:
// one timer to the same instant, then the real activity writing the same step into the same
// tables. Full years cannot give the unpaced case (every new year takes the paced version) nor a
// spread at production's rate (a rehearsal's spread shrinks with its reminder lead).

type burstInput struct {
	Due    time.Time
	Spread time.Duration // 0: every year at Due (years started before pacing)
	Step   activities.Step
}

func burstYear(ctx workflow.Context, in burstInput) error {
	at := workflows.PacedAt(workflow.GetInfo(ctx).WorkflowExecution.ID, in.Due, in.Spread)
	if d := at.Sub(workflow.Now(ctx)); d > 0 {
		if err := workflow.Sleep(ctx, d); err != nil {
			return err
		}
	}
	st := in.Step
	st.At = workflow.Now(ctx)
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{ // the year's step options
		StartToCloseTimeout: 30 * time.Second,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	return workflow.ExecuteActivity(ctx, "ApplyStep", st).Get(ctx, nil)
}

// burstN is how many years share the deadline in each burst (KINERJA_BENCH_BURST_N).
func burstN(b *testing.B) int { return benchN(b, "KINERJA_BENCH_BURST_N", 2_000) }

// burstSpreadPerYear keeps production's rate: 100,000 years over DeadlineWorkSpread (30 min)
// is one year every 18 ms, so N years get N × 18 ms.
const burstSpreadPerYear = workflows.DeadlineWorkSpread / 100_000

// BenchmarkDeadlineBurst lets N years' plan_due escalations (KINERJA_BENCH_BURST_N, default 2,000)
// fire together on the real Temporal dev server and PostgreSQL: first all at the date (unpaced),
// then paced at production's rate (N × 18 ms: 100,000 over 30 minutes), then paced at half the
// rate the unpaced burst drained at (paced_fit: what this machine can carry). Meanwhile a reader
// measures p50/p99 of a one-row query on a connection of its own (PostgreSQL's own
// responsiveness) and of HR's and the atasan's inbox pages through a pool of the API's size,
// while the step writes go through one of the worker's (the platform's two pools,
// platform.DefaultAPIConns and DefaultWorkerConns). The idle baseline is read in the same run,
// every year waiting on its timer. Per burst it reports the drain (from the date to the last
// step written), the steps per second and the mean wait for a connection of each pool. Each
// burst uses its own N years, so 3N are seeded.
func BenchmarkDeadlineBurst(b *testing.B) {
	n := burstN(b)
	for range b.N {
		runDeadlineBurst(b, n)
	}
}

// burstRegion seeds 3n staff (one set per burst) in 10 dinas, each staff's penilai the dinas
// head, every atasan the region's head, in one running cycle with a drafting task each.
func burstRegion(b *testing.B, pool *pgxpool.Pool, n int) (cycle int64, nips [3][]string) {
	ctx := context.Background()
	st := &store.Store{Pool: pool}
	for _, sql := range []string{
		`INSERT INTO org_units VALUES ('pemda', 'Pemda', NULL)`,
		`INSERT INTO org_units SELECT 'dinas-' || d, 'Dinas ' || d, 'pemda' FROM generate_series(1, 10) d`,
		`INSERT INTO positions VALUES ('staf', 'Staf', 'pelaksana', 7, 4000000)`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id)
			VALUES ('` + nipHead + `', 'Kepala', 'kepala@contoh.go.id', 'PNS', 'pemda', 'staf')`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
			SELECT '19800101' || lpad(d::text, 10, '0'), 'Kepala Dinas ' || d, 'kadis' || d || '@contoh.go.id', 'PNS',
				'dinas-' || d, 'staf', '` + nipHead + `' FROM generate_series(1, 10) d`,
		`INSERT INTO employees (nip, name, email, status, unit_id, position_id, superior_nip)
			SELECT '19900101' || lpad(i::text, 10, '0'), 'Pegawai ' || i, 'p' || i || '@contoh.go.id', 'PNS',
				'dinas-' || (i % 10 + 1), 'staf', '19800101' || lpad((i % 10 + 1)::text, 10, '0')
			FROM generate_series(1, @staff::int) i`,
	} {
		if _, err := pool.Exec(ctx, sql, pgx.NamedArgs{"staff": 3 * n}); err != nil {
			b.Fatal(err)
		}
	}
	dl := map[string]time.Time{}
	for i, name := range store.DeadlineColumns {
		dl[name] = time.Now().AddDate(0, i+1, 0)
	}
	cycle, err := st.CreateCycle(ctx, store.Cycle{Year: time.Now().Year(), Name: "Penilaian Kinerja", Deadlines: dl,
		AppealWindow: 14 * 24 * time.Hour, DecisionSLA: 14 * 24 * time.Hour, ReminderLead: 72 * time.Hour, CreatedBy: nipHead})
	if err != nil {
		b.Fatal(err)
	}
	for _, sql := range []string{
		`INSERT INTO employee_cycles (cycle_id, nip, workflow_id, workflow_state, penilai_nip, atasan_nip, phase)
			SELECT @cycle, nip, 'wf-' || nip, 'started', superior_nip, '` + nipHead + `', 'perencanaan'
			FROM employees WHERE nip LIKE '19900101%'`,
		`INSERT INTO tasks (cycle_id, subject_nip, kind, assignee_nip, assignee_role, title, due_at)
			SELECT @cycle, nip, 'draft_plan', nip, 'pegawai', 'Susun SKP', now() + interval '1 day'
			FROM employees WHERE nip LIKE '19900101%'`,
		`VACUUM ANALYZE`,
	} {
		if _, err := pool.Exec(ctx, sql, pgx.NamedArgs{"cycle": cycle}); err != nil {
			b.Fatal(err)
		}
	}
	for i := 1; i <= 3*n; i++ {
		nips[(i-1)%3] = append(nips[(i-1)%3], fmt.Sprintf("19900101%010d", i))
	}
	return cycle, nips
}

// burstReader reads in a loop and files each latency under the phase current at its start.
type burstReader struct {
	mu    sync.Mutex
	phase string
	lat   map[string]map[string][]time.Duration // phase → read → latencies
}

func (r *burstReader) setPhase(p string) {
	r.mu.Lock()
	r.phase = p
	r.mu.Unlock()
}

func (r *burstReader) record(phase, read string, d time.Duration) {
	if phase == "" {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.lat[phase] == nil {
		r.lat[phase] = map[string][]time.Duration{}
	}
	r.lat[phase][read] = append(r.lat[phase][read], d)
}

func (r *burstReader) run(ctx context.Context, b *testing.B, conn *pgx.Conn, st *store.Store) {
	reads := []struct {
		name string
		read func() error
	}{
		{"roundtrip", func() error { var one int; return conn.QueryRow(ctx, `SELECT 1`).Scan(&one) }},
		{"inbox_hr", func() error {
			_, err := st.Inbox(ctx, store.InboxQuery{NIP: nipHead, HR: true, Now: time.Now(), Limit: 50})
			return err
		}},
		{"inbox_atasan", func() error {
			_, err := st.Inbox(ctx, store.InboxQuery{NIP: nipHead, Now: time.Now(), Limit: 50})
			return err
		}},
	}
	for ctx.Err() == nil {
		for _, rd := range reads {
			r.mu.Lock()
			phase := r.phase
			r.mu.Unlock()
			start := time.Now()
			if err := rd.read(); err != nil {
				if ctx.Err() == nil {
					b.Error(rd.name, err)
				}
				return
			}
			r.record(phase, rd.name, time.Since(start))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func quantileMS(lat []time.Duration, q float64) float64 {
	if len(lat) == 0 {
		return 0
	}
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[int(q*float64(len(s)-1))]) / float64(time.Millisecond)
}

// burstPhase is what one phase of the run measured besides the reads.
type burstPhase struct {
	drain  time.Duration // from the date to the last step written
	api    poolUse       // the page reads' pool
	worker poolUse       // the step writes' pool
	load   string        // /proc/loadavg at the phase's end
}

// poolUse is how a pool was used during a phase: connections taken and the time spent waiting.
type poolUse struct {
	acquires int64
	wait     time.Duration
}

func usedBetween(before, after *pgxpool.Stat) poolUse {
	return poolUse{after.AcquireCount() - before.AcquireCount(), after.AcquireDuration() - before.AcquireDuration()}
}

// meanWait is the mean wait for one connection, in milliseconds.
func (u poolUse) meanWait() float64 {
	if u.acquires == 0 {
		return 0
	}
	return float64(u.wait/time.Duration(u.acquires)) / float64(time.Millisecond)
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil || len(b) < 14 {
		return "?"
	}
	return string(b[:14])
}

func runDeadlineBurst(b *testing.B, n int) {
	ctx := context.Background()
	dbURL := testenv.DBURL(b)
	// The platform's two pools: the worker's for step writes, the API's for page reads; a third,
	// small one seeds and counts, so neither pool carries the benchmark's own queries.
	pool, err := store.OpenSized(ctx, dbURL, 2)
	if err != nil {
		b.Fatal(err)
	}
	defer pool.Close()
	workerPool, err := store.OpenSized(ctx, dbURL, platform.DefaultWorkerConns)
	if err != nil {
		b.Fatal(err)
	}
	defer workerPool.Close()
	apiPool, err := store.OpenSized(ctx, dbURL, platform.DefaultAPIConns)
	if err != nil {
		b.Fatal(err)
	}
	defer apiPool.Close()
	cycle, sets := burstRegion(b, pool, n)
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)

	c := testenv.TemporalClient(b)
	run := time.Now().UnixNano()
	queue := fmt.Sprintf("bench-burst-%d", run)
	w := sdkworker.New(c, queue, worker.Options())
	w.RegisterWorkflow(burstYear)
	w.RegisterActivity(&activities.Activities{Pool: workerPool})
	if err := w.Start(); err != nil {
		b.Fatal(err)
	}
	defer w.Stop()

	rd := &burstReader{lat: map[string]map[string][]time.Duration{}}
	rctx, stopReader := context.WithCancel(ctx)
	readerDone := make(chan struct{})
	go func() { defer close(readerDone); rd.run(rctx, b, conn, &store.Store{Pool: apiPool}) }()

	written := func(prefix string) int {
		var k int
		if err := pool.QueryRow(ctx, `SELECT count(*) FROM applied_steps WHERE step_key LIKE $1 || '%'`, prefix).Scan(&k); err != nil {
			b.Fatal(err)
		}
		return k
	}
	phases := map[string]burstPhase{}
	startAllowance := time.Duration(n) * 150 * time.Millisecond
	// burst starts one set's years due a while ahead, reads the idle baseline while they wait
	// (first burst only), then times the burst from the date to the last step written.
	burst := func(name string, nips []string, spread time.Duration, baseline bool) {
		prefix := fmt.Sprintf("burst-%d-%s/", run, name)
		// Starting ran 6-200 years a second here, with the machine's load; every year must be
		// waiting before the date comes: the first burst allows 150 ms a year, the next ones
		// 1.5 times what the previous start took.
		startedAt := time.Now()
		due := startedAt.Add(startAllowance + 15*time.Second).Truncate(time.Second)
		var next atomic.Int64
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := next.Add(1) - 1; i < int64(len(nips)); i = next.Add(1) - 1 {
					id := prefix + nips[i]
					st := activities.Step{Key: id + "/overdue-plan_due", Seq: 2, CycleID: cycle, NIP: nips[i], ActorNIP: "system",
						Action: "deadline.escalated", Before: activities.Snapshot{Phase: "perencanaan", PlanState: "draft"},
						After: activities.Snapshot{Phase: "perencanaan", PlanState: "draft"},
						OpenTasks: []activities.TaskSpec{
							{Kind: "plan_overdue", Role: activities.RoleAtasan, AssigneeNIP: nipHead, Title: "SKP belum ditetapkan melewati batas waktu"},
							{Kind: "plan_overdue", Role: activities.RoleHR, Title: "SKP belum ditetapkan melewati batas waktu"},
						}}
					// A loaded server answers slowly: a minute per start, tried again once, and a
					// start that timed out after it took effect is found started.
					var err error
					for try := 0; try < 2; try++ {
						sctx, cancel := context.WithTimeout(ctx, time.Minute)
						_, err = c.ExecuteWorkflow(sctx, client.StartWorkflowOptions{ID: id, TaskQueue: queue}, burstYear,
							burstInput{Due: due, Spread: spread, Step: st})
						cancel()
						var started *serviceerror.WorkflowExecutionAlreadyStarted
						if err == nil || errors.As(err, &started) {
							err = nil
							break
						}
					}
					if err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		if b.Failed() {
			b.FailNow()
		}
		startAllowance = time.Since(startedAt) * 3 / 2
		if left := time.Until(due); left < 3*time.Second {
			b.Fatalf("%s: starting %d years took until %s before the date; nothing idle to measure", name, n, left)
		}
		if baseline {
			time.Sleep(time.Second) // the starts' own work settles
			rd.setPhase("idle")
		}
		time.Sleep(time.Until(due))
		if baseline {
			phases["idle"] = burstPhase{load: loadavg()}
		}
		apiBefore, workerBefore := apiPool.Stat(), workerPool.Stat()
		rd.setPhase(name)
		for written(prefix) < n {
			time.Sleep(250 * time.Millisecond)
		}
		rd.setPhase("")
		phases[name] = burstPhase{drain: time.Since(due), api: usedBetween(apiBefore, apiPool.Stat()),
			worker: usedBetween(workerBefore, workerPool.Stat()), load: loadavg()}
	}
	b.ResetTimer()
	burst("unpaced", sets[0], 0, true)
	time.Sleep(3 * time.Second)
	spread := time.Duration(n) * burstSpreadPerYear
	burst("paced", sets[1], spread, false)
	time.Sleep(3 * time.Second)
	// Paced at half of what the unpaced burst showed this machine can write.
	capacity := float64(n) / phases["unpaced"].drain.Seconds()
	fitted := time.Duration(float64(n) / (capacity / 2) * float64(time.Second))
	burst("paced_fit", sets[2], fitted, false)
	b.StopTimer()
	stopReader()
	<-readerDone

	if k := written(fmt.Sprintf("burst-%d-", run)); k != 3*n {
		b.Fatalf("%d steps written, want %d", k, 3*n)
	}
	var tasks int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM tasks WHERE cycle_id = $1 AND kind = 'plan_overdue'`, cycle).Scan(&tasks); err != nil {
		b.Fatal(err)
	}
	if tasks != 6*n {
		b.Fatalf("%d plan_overdue tasks, want %d (atasan and HR per year)", tasks, 6*n)
	}
	order := []string{"idle", "unpaced", "paced", "paced_fit"}
	for _, read := range []string{"roundtrip", "inbox_hr", "inbox_atasan"} {
		idle50, idle99 := quantileMS(rd.lat["idle"][read], 0.5), quantileMS(rd.lat["idle"][read], 0.99)
		for _, phase := range order {
			l := rd.lat[phase][read]
			p50, p99 := quantileMS(l, 0.5), quantileMS(l, 0.99)
			b.ReportMetric(p50, read+"_"+phase+"_p50-ms")
			b.ReportMetric(p99, read+"_"+phase+"_p99-ms")
			fmt.Fprintf(os.Stderr, "deadline burst %-12s %-9s reads %4d  p50 %7.2f ms (x%5.1f idle)  p99 %7.2f ms (x%5.1f idle)\n",
				read, phase, len(l), p50, p50/idle50, p99, p99/idle99)
		}
	}
	for _, phase := range order[1:] {
		ph := phases[phase]
		b.ReportMetric(ph.drain.Seconds(), phase+"_drain-s")
		b.ReportMetric(float64(n)/ph.drain.Seconds(), phase+"_steps/s")
		b.ReportMetric(ph.api.meanWait(), phase+"_api_pool_wait-ms")
		b.ReportMetric(ph.worker.meanWait(), phase+"_worker_pool_wait-ms")
		fmt.Fprintf(os.Stderr, "deadline burst %-9s drained %d steps in %6.1f s (%5.1f/s), mean wait for a connection: API pool %6.2f ms, worker pool %6.2f ms, load %s\n",
			phase, n, ph.drain.Seconds(), float64(n)/ph.drain.Seconds(), ph.api.meanWait(), ph.worker.meanWait(), ph.load)
	}
	b.ReportMetric(spread.Seconds(), "paced_spread-s")
	b.ReportMetric(fitted.Seconds(), "paced_fit_spread-s")
	fmt.Fprintf(os.Stderr, "deadline burst: %d years a burst; paced spread %.1f s (production's 100,000 in 30 min), paced_fit %.1f s (half the unpaced rate); idle load %s\n",
		n, spread.Seconds(), fitted.Seconds(), phases["idle"].load)
}
