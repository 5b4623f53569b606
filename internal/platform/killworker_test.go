package platform_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/kinerja/platform/internal/payloadcrypt"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/workflows"
)

// workerProcessEnv makes the test binary run only a worker (runWorkerProcess) instead of tests.
const workerProcessEnv = "KINERJA_TEST_WORKER_PROCESS"

// workerAppName tags the worker's database sessions, so the test can see one wait on a lock.
const workerAppName = "kinerja-test-worker"

// runWorkerProcess runs a worker from DATABASE_URL, TEMPORAL_ADDRESS and KINERJA_PAYLOAD_KEYS,
// says "ready" on stdout, and stops when stdin closes (so it never outlives its test).
func runWorkerProcess() {
	fail := func(err error) {
		fmt.Fprintln(os.Stderr, "worker process:", err)
		os.Exit(1)
	}
	codec, err := payloadcrypt.FromEnv()
	if err != nil {
		fail(err)
	}
	w, err := platform.StartWorker(context.Background(), platform.Config{
		DatabaseURL: os.Getenv("DATABASE_URL"), TemporalAddress: os.Getenv("TEMPORAL_ADDRESS"),
		TemporalNamespace: testenv.Namespace, Payloads: codec, Logger: testenv.Logger(),
	})
	if err != nil {
		fail(err)
	}
	fmt.Println("ready")
	_, _ = io.Copy(io.Discard, os.Stdin)
	w.Stop()
}

// workerProcess is a worker running in another OS process.
type workerProcess struct {
	cmd   *exec.Cmd
	stdin io.Closer
}

// startWorkerProcess re-runs this test binary as a worker and waits until it polls.
func startWorkerProcess(t *testing.T, dbURL string) *workerProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), workerProcessEnv+"=1", "DATABASE_URL="+dbURL,
		"TEMPORAL_ADDRESS="+testenv.Temporal(t), payloadcrypt.EnvKeys+"="+testenv.PayloadKeys())
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	wp := &workerProcess{cmd: cmd, stdin: stdin}
	t.Cleanup(wp.stop)
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if strings.TrimSpace(line) != "ready" {
		t.Fatalf("worker process did not start: %q %v", line, err)
	}
	return wp
}

// stop ends the process gracefully if it still runs.
func (wp *workerProcess) stop() {
	if wp.cmd.ProcessState == nil {
		_ = wp.stdin.Close()
		_ = wp.cmd.Wait()
	}
}

// kill ends the process with SIGKILL: no deferred code, no graceful worker stop.
func (wp *workerProcess) kill(t *testing.T) {
	t.Helper()
	if err := wp.cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = wp.cmd.Wait()
}

// TestStepSurvivesAKilledWorker kills the worker process (SIGKILL) while it is inside a step's
// transaction, the atasan's appeal decision (which opens HR's follow-up task), held there by a
// lock the test takes on the audit log, and starts a new worker process. The step lands exactly
// once and the year goes on through HR's follow-up to its one TPP posting: no duplicate row,
// task, email or posting, no lost step. The wait is bounded by the
// step activity's start-to-close timeout, after which Temporal retries it on the new worker.
func TestStepSurvivesAKilledWorker(t *testing.T) {
	dbURL := testenv.DBURL(t)
	p := startPlatform(t, platform.Config{DatabaseURL: dbURL, DevAuth: true, NoWorker: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("application_name", workerAppName)
	u.RawQuery = q.Encode()
	workerURL := u.String()

	first := startWorkerProcess(t, workerURL)
	e.call("POST", "/api/org/import", asBootstrap, orgImport(), 200)
	cycle := e.yearUntilAppeal(yearTexts{plan: "Layanan perizinan daring", iki: "Jumlah layanan", feedback: "Lanjutkan",
		notes: "Target tercapai sebagian", reason: "Bukti rilis belum dinilai", decision: "Bukti sah"})
	outboxBefore := e.count(`SELECT count(*) FROM notification_outbox`)

	// Hold the audit log: the next step's transaction writes its record, projection, tasks and
	// emails, then waits at its audit row.
	ctx := context.Background()
	lock, err := p.Pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Rollback(ctx) //nolint:errcheck // released below; this is for early failures
	if _, err := lock.Exec(ctx, `LOCK TABLE audit_log IN EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	answered := make(chan string, 1)
	go func() {
		// The caller's request stays open while the step is retried; it may outlive the test's interest.
		body, _ := json.Marshal(appealDecision("Bukti sah"))
		req, _ := http.NewRequest("POST", fmt.Sprintf("%s/api/cycles/%d/employees/%s/decide-appeal", e.base, cycle, nipEmployee),
			bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Dev-NIP", nipHead)
		res, err := (&http.Client{Timeout: 3 * time.Minute}).Do(req)
		if err != nil {
			answered <- err.Error()
			return
		}
		res.Body.Close()
		answered <- res.Status
	}()
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
			AND application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%INSERT INTO audit_log%'`, workerAppName) == 1
	})

	first.kill(t)
	if err := lock.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	// Nothing of the interrupted step committed.
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'appeal.decided'`); n != 0 {
		t.Fatalf("%d appeal decisions audited before the retry", n)
	}
	if n := e.count(`SELECT count(*) FROM notification_outbox`); n != outboxBefore {
		t.Fatalf("the killed step left %d outbox rows", n-outboxBefore)
	}

	startWorkerProcess(t, workerURL)
	waitLong(t, 3*time.Minute, func() bool {
		return e.count(`SELECT count(*) FROM employee_cycles WHERE phase = $1`, string(workflows.PhaseFollowUp)) == 1
	})
	if n := e.count(`SELECT count(*) FROM tasks WHERE kind = 'confirm_followup' AND done_at IS NULL`); n != 1 {
		t.Errorf("%d follow-up tasks for HR after the retried decision, want 1", n)
	}
	e.act(cycle, "confirm-followup", nipHR, map[string]any{"decision": "none", "notes": "Sesuai usulan"}, 200)
	e.waitPhase(cycle, workflows.PhaseDone)
	wctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	var st workflows.Status
	if err := p.Temporal.GetWorkflow(wctx, workflowID(t, p.Pool, cycle, nipEmployee), "").Get(wctx, &st); err != nil {
		t.Fatalf("workflow result: %v", err)
	}
	if !st.Posted || st.FinalPredikat != "baik" {
		t.Errorf("workflow result = %+v", st)
	}
	select {
	case got := <-answered:
		t.Logf("the interrupted request answered: %s", got)
	default:
	}

	for what, n := range map[string]int{
		"appeal decision audit rows": e.count(`SELECT count(*) FROM audit_log WHERE action = 'appeal.decided'`),
		"follow-up audit rows":       e.count(`SELECT count(*) FROM audit_log WHERE action = 'followup.decided'`),
		"posting audit rows":         e.count(`SELECT count(*) FROM audit_log WHERE action = 'payroll.posted'`),
		"final result":               e.count(`SELECT count(*) FROM employee_cycles WHERE nip = $1 AND result_final`, nipEmployee),
		"confirm_followup task":      e.count(`SELECT count(*) FROM tasks WHERE kind = $1`, workflows.TaskConfirmFollowUp),
	} {
		if n != 1 {
			t.Errorf("%s: %d, want 1", what, n)
		}
	}
	if n := e.count(`SELECT count(*) FROM payroll_postings`); n != 0 {
		t.Errorf("%d rows in payroll_postings, history only since migration 0027", n)
	}
	// Every applied step wrote exactly one audit row, and nothing was written twice.
	steps := e.count(`SELECT count(*) FROM applied_steps`)
	audited := e.count(`SELECT count(*) FROM audit_log WHERE subject_nip = $1`, nipEmployee)
	if steps != audited {
		t.Errorf("%d applied steps, %d audit rows of the year", steps, audited)
	}
	for what, sql := range map[string]string{
		"tasks":  `SELECT count(*) FROM (SELECT 1 FROM tasks GROUP BY subject_nip, kind, assignee_role, title HAVING count(*) > 1) d`,
		"emails": `SELECT count(*) FROM (SELECT 1 FROM notification_outbox GROUP BY to_email, subject, body_text HAVING count(*) > 1) d`,
		"audit":  `SELECT count(*) FROM (SELECT 1 FROM audit_log WHERE subject_nip IS NOT NULL GROUP BY action, subject_nip, actor_nip, after::text HAVING count(*) > 1) d`,
	} {
		if n := e.count(sql); n != 0 {
			t.Errorf("%d duplicated %s", n, what)
		}
	}
	if n := e.count(`SELECT count(*) FROM tasks WHERE done_at IS NULL`); n != 0 {
		t.Errorf("%d tasks left open", n)
	}
}

// waitLong polls like waitFor, for longer: a retry after a killed worker waits out the activity's timeout.
func waitLong(t *testing.T, d time.Duration, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(d); time.Now().Before(end); time.Sleep(250 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("condition not met within %s", d)
}
