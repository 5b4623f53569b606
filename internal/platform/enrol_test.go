package platform_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"go.temporal.io/api/serviceerror"

	"github.com/kinerja/platform/enrolment"
	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// workflowID reads the workflow ID of an employee's year from its enrolment: IDs are opaque,
// nothing computes them from a NIP.
func workflowID(tb testing.TB, pool *pgxpool.Pool, cycle int64, nip string) string {
	tb.Helper()
	var id string
	if err := pool.QueryRow(context.Background(), `SELECT workflow_id FROM employee_cycles WHERE cycle_id = $1 AND nip = $2`,
		cycle, nip).Scan(&id); err != nil {
		tb.Fatalf("workflow id of %s in cycle %d: %v", nip, cycle, err)
	}
	return id
}

// runID is the run of the workflow now under the ID, "" when there is none.
func runID(tb testing.TB, p *platform.Platform, id string) string {
	tb.Helper()
	d, err := p.Temporal.DescribeWorkflowExecution(context.Background(), id, "")
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return ""
	}
	if err != nil {
		tb.Fatalf("describe %s: %v", id, err)
	}
	return d.GetWorkflowExecutionInfo().GetExecution().GetRunId()
}

// crashedEnrolment writes an enrolment row the way enrolment does first, and goes no further:
// what a process that died right after that write leaves behind.
func crashedEnrolment(tb testing.TB, p *platform.Platform, cycle int64, nip, penilai, atasan string) store.Enrolment {
	tb.Helper()
	st := &store.Store{Pool: p.Pool}
	ctx := context.Background()
	if _, err := st.Enrol(ctx, store.Enrolment{CycleID: cycle, NIP: nip, WorkflowID: enrolment.NewWorkflowID(),
		PenilaiNIP: penilai, AtasanNIP: atasan, Phase: string(workflows.PhasePlanning)}); err != nil {
		tb.Fatal(err)
	}
	en, err := st.Enrolment(ctx, cycle, nip)
	if err != nil {
		tb.Fatal(err)
	}
	return en
}

func (e *e2e) workflowState(cycle int64, nip string) string {
	e.t.Helper()
	var s string
	if err := e.pool.QueryRow(context.Background(), `SELECT workflow_state FROM employee_cycles WHERE cycle_id = $1 AND nip = $2`,
		cycle, nip).Scan(&s); err != nil {
		e.t.Fatal(err)
	}
	return s
}

// TestEnrolmentLeftHalfDoneIsRepaired: a row written without its workflow (a crash between the
// two) gets its year started by enrolling again, and by the sweeper of a platform that starts.
func TestEnrolmentLeftHalfDoneIsRepaired(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	cycle := e.newCycle()

	en := crashedEnrolment(t, p, cycle, nipEmployee, nipPenilai, nipHead)
	if !strings.HasPrefix(en.WorkflowID, workflows.EmployeeCycleIDPrefix) || strings.Contains(en.WorkflowID, nipEmployee) {
		t.Fatalf("workflow id %q is not opaque", en.WorkflowID)
	}
	if runID(t, p, en.WorkflowID) != "" || en.WorkflowState != store.WorkflowStarting {
		t.Fatalf("the crashed enrolment already has a workflow, or is %q", en.WorkflowState)
	}
	// HR sees the half-done enrolment for what it is.
	prog := e.call("GET", fmt.Sprintf("/api/cycles/%d/progress", cycle), nipHR, nil, 200)
	if rows := prog["employees"].([]any); len(rows) != 1 || rows[0].(map[string]any)["workflow_state"] != store.WorkflowStarting {
		t.Fatalf("progress = %v", prog)
	}

	// Enrolling again finishes it: same row, same workflow ID, and the year runs.
	if res, items := e.batch("POST", fmt.Sprintf("/api/cycles/%d/enrol", cycle), nipHR, map[string]any{"nips": []string{nipEmployee}}); items[nipEmployee]["status"] != "done" {
		t.Fatalf("re-enrol = %v %v", res, items)
	}
	if id := workflowID(t, p.Pool, cycle, nipEmployee); id != en.WorkflowID {
		t.Fatalf("re-enrolment changed the workflow id from %s to %s", en.WorkflowID, id)
	}
	if s := e.workflowState(cycle, nipEmployee); s != store.WorkflowStarted {
		t.Fatalf("after re-enrolment the row is %q", s)
	}
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE cycle_id = $1 AND subject_nip = $2 AND kind = 'draft_plan'`, cycle, nipEmployee) == 1
	})

	// A half-done row is finished as it was written, even when today's org data would no longer
	// enrol the employee (the head has no superior), and then reads as enrolled.
	crashedEnrolment(t, p, cycle, nipHead, nipPenilai, nipHR)
	path := fmt.Sprintf("/api/cycles/%d/enrol", cycle)
	if res, items := e.batch("POST", path, nipHR, map[string]any{"nips": []string{nipHead}}); items[nipHead]["status"] != "done" {
		t.Fatalf("re-enrol of a half-done row = %v %v", res, items)
	}
	if res, items := e.batch("POST", path, nipHR, map[string]any{"nips": []string{nipHead}}); items[nipHead]["status"] != "skipped" ||
		items[nipHead]["message"] != "sudah terdaftar di siklus ini" {
		t.Fatalf("enrolling again = %v %v", res, items)
	}

	// A second crash, then another replica starts: its sweeper starts that year without being asked.
	other := crashedEnrolment(t, p, cycle, nipStranger, nipPenilai, nipHead)
	startPlatform(t, platform.Config{DevAuth: true, DatabaseURL: p.Pool.Config().ConnString()})
	waitFor(t, func() bool { return e.workflowState(cycle, nipStranger) == store.WorkflowStarted })
	if runID(t, p, other.WorkflowID) == "" {
		t.Fatal("the sweeper marked a year started that has no workflow")
	}
	waitFor(t, func() bool {
		return e.count(`SELECT count(*) FROM tasks WHERE cycle_id = $1 AND subject_nip = $2 AND kind = 'draft_plan'`, cycle, nipStranger) == 1
	})
}

// TestEnrolmentStartedButNotMarkedIsNotStartedTwice: the workflow started but the process died
// before marking the row; enrolling again starts nothing new, and a third time says "sudah terdaftar".
func TestEnrolmentStartedButNotMarkedIsNotStartedTwice(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	cycle := e.newCycle()
	ctx := context.Background()
	st := &store.Store{Pool: p.Pool}
	cy, err := st.Cycle(ctx, cycle)
	if err != nil {
		t.Fatal(err)
	}
	en := crashedEnrolment(t, p, cycle, nipEmployee, nipPenilai, nipHead)
	starter := &enrolment.Starter{Store: st, Temporal: p.Temporal}
	if err := starter.StartWorkflow(ctx, cy, en); err != nil {
		t.Fatal(err)
	}
	run := runID(t, p, en.WorkflowID)
	if run == "" {
		t.Fatal("no workflow started")
	}

	path := fmt.Sprintf("/api/cycles/%d/enrol", cycle)
	res, items := e.batch("POST", path, nipHR, map[string]any{"nips": []string{nipEmployee}})
	if items[nipEmployee]["status"] != "done" || e.workflowState(cycle, nipEmployee) != store.WorkflowStarted {
		t.Fatalf("re-enrol = %v %v", res, items)
	}
	if again := runID(t, p, en.WorkflowID); again != run {
		t.Fatalf("re-enrolment started run %s beside %s", again, run)
	}
	// Once marked, enrolling again is answered per row and is no error for the batch.
	res, items = e.batch("POST", path, nipHR, map[string]any{"nips": []string{nipEmployee}})
	if res["skipped"] != 1.0 || res["done"] != 0.0 || res["failed"] != 0.0 || res["state"] != "finished" ||
		items[nipEmployee]["message"] != "sudah terdaftar di siklus ini" {
		t.Fatalf("enrolling an enrolled employee = %v %v", res, items)
	}
	if again := runID(t, p, en.WorkflowID); again != run {
		t.Fatalf("enrolling again started run %s beside %s", again, run)
	}
	// Nothing was left for a sweeper either, and a sweep of a started row would be a no-op.
	if n, err := starter.Sweep(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("sweep repaired %d: %v", n, err)
	}
	waitFor(t, func() bool { return e.count(`SELECT count(*) FROM tasks WHERE kind = 'draft_plan'`) == 1 })
}

// TestSweepStartsOnlyRowsLeftBeforeTheCutoff: the sweeper leaves a row an enrolment request may
// still be working on, and starts one older than the cutoff exactly once.
func TestSweepStartsOnlyRowsLeftBeforeTheCutoff(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	cycle := e.newCycle()
	ctx := context.Background()
	starter := &enrolment.Starter{Store: &store.Store{Pool: p.Pool}, Temporal: p.Temporal}
	en := crashedEnrolment(t, p, cycle, nipEmployee, nipPenilai, nipHead)

	if n, err := starter.Sweep(ctx, time.Now().Add(-time.Hour)); err != nil || n != 0 {
		t.Fatalf("a sweep with an earlier cutoff repaired %d: %v", n, err)
	}
	if runID(t, p, en.WorkflowID) != "" || e.workflowState(cycle, nipEmployee) != store.WorkflowStarting {
		t.Fatal("a row younger than the cutoff was started")
	}
	if n, err := starter.Sweep(ctx, time.Now()); err != nil || n != 1 {
		t.Fatalf("sweep repaired %d: %v", n, err)
	}
	if runID(t, p, en.WorkflowID) == "" || e.workflowState(cycle, nipEmployee) != store.WorkflowStarted {
		t.Fatal("the sweep did not start the year")
	}
	if n, err := starter.Sweep(ctx, time.Now()); err != nil || n != 0 {
		t.Fatalf("a second sweep repaired %d: %v", n, err)
	}
}

// TestStartCatchesUpOnDeadlinesMovedMeanwhile: a deadline HR moves while a year is being started
// (its signal finds no workflow yet) still reaches the year.
func TestStartCatchesUpOnDeadlinesMovedMeanwhile(t *testing.T) {
	p := startPlatform(t, platform.Config{DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	cycle := e.newCycle()
	ctx := context.Background()
	st := &store.Store{Pool: p.Pool}
	stale, err := st.Cycle(ctx, cycle)
	if err != nil {
		t.Fatal(err)
	}
	en := crashedEnrolment(t, p, cycle, nipEmployee, nipPenilai, nipHead)
	moved := stale.Deadlines["plan_due"].Add(-30 * time.Minute)
	e.moveDeadline(cycle, "plan_due", moved) // signals nobody: the year has no workflow yet
	starter := &enrolment.Starter{Store: st, Temporal: p.Temporal}
	if err := starter.StartWorkflow(ctx, stale, en); err != nil {
		t.Fatal(err)
	}
	waitFor(t, func() bool {
		v, err := p.Temporal.QueryWorkflow(ctx, en.WorkflowID, "", workflows.QueryStatus)
		var s workflows.Status
		if err != nil || v.Get(&s) != nil {
			return false
		}
		return s.Deadlines[workflows.DeadlinePlan].Equal(moved.Truncate(time.Microsecond))
	})
}
