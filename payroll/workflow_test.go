package payroll_test

import (
	"context"
	"errors"
	"sync/atomic"
	"testing"
	"time"

	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/pay"
	"github.com/kinerja/platform/internal/testenv"
	"github.com/kinerja/platform/payroll"
	"github.com/kinerja/platform/worker"
	"github.com/kinerja/platform/workflows"
)

// A run through the real workflow on a real Temporal server: one page commits and its worker
// "crashes" before reporting it, later the worker is killed outright midway; a new worker
// resumes the run, which writes every employee's lines exactly once and waits for approval.
func TestPayrollRunKilledMidwayResumesWithoutDuplicates(t *testing.T) {
	const staff = 9
	e := newEnv(t, staff, policyWithID(pay.Balangan2025(), "balangan-2026", pay.MonthOf(2026, 1)))
	ctx := context.Background()
	for i := 1; i <= staff; i++ {
		e.predikat(nipOf(i), march, "baik", "")
	}
	tc := testenv.TemporalClient(t)

	// Pages of two by NIP: after "", the HR's NIP, staff 2, 4, 6 and 8.
	killed := make(chan struct{})
	var lostOnce, killOnce atomic.Bool
	first := worker.New(tc, &activities.Activities{Pool: e.pool, PayrollAfterCommit: func(_ int64, after string) error {
		if after == nipOf(2) && lostOnce.CompareAndSwap(false, true) {
			return errors.New("worker lost the answer after the page committed")
		}
		if after == nipOf(6) && killOnce.CompareAndSwap(false, true) {
			close(killed)
			<-make(chan struct{}) // this worker hangs here until it is stopped
		}
		return nil
	}})
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	r, err := payroll.CreateRun(ctx, e.pool, march, nil, nipHR, e.now)
	if err != nil {
		t.Fatal(err)
	}
	run, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: r.WorkflowID, TaskQueue: workflows.TaskQueue},
		workflows.PayrollRunWorkflow, workflows.PayrollRunInput{RunID: r.ID, PageSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-killed:
	case <-time.After(time.Minute):
		t.Fatal("the run never reached the page after staff 6")
	}
	mid, err := payroll.GetRun(ctx, e.pool, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Midway: the killed page committed but its activity never reports; the run cannot go on.
	if mid.State != payroll.StateComputing || mid.EmployeesDone == 0 {
		t.Fatalf("midway: %s with %d of %d employees done", mid.State, mid.EmployeesDone, mid.EmployeesTotal)
	}
	go first.Stop() // the hung activity never returns: the worker is gone

	second := worker.New(tc, &activities.Activities{Pool: e.pool})
	if err := second.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(second.Stop)

	deadline := time.Now().Add(2 * time.Minute)
	var done payroll.Run
	for {
		if done, err = payroll.GetRun(ctx, e.pool, r.ID); err != nil {
			t.Fatal(err)
		}
		if done.State == payroll.StateAwaitingApproval || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	// The scope is the whole region: the staff, the head and HR.
	if done.State != payroll.StateAwaitingApproval || done.EmployeesDone != staff+2 || done.EmployeesTotal != staff+2 {
		t.Fatalf("after resuming: %s, %d of %d employees", done.State, done.EmployeesDone, done.EmployeesTotal)
	}
	var lines, distinct, tppLines int
	if err := e.pool.QueryRow(ctx, `SELECT count(*), count(DISTINCT (nip, period, kind, entry)), count(*) FILTER (WHERE kind = 'tpp')
		FROM pay_lines WHERE run_id = $1`, r.ID).Scan(&lines, &distinct, &tppLines); err != nil {
		t.Fatal(err)
	}
	if lines != distinct || tppLines != staff+2 || lines != done.Lines {
		t.Errorf("lines %d, distinct %d, tpp lines %d (want %d), progress says %d", lines, distinct, tppLines, staff+2, done.Lines)
	}

	// Approval while computing is refused by the workflow; now it is taken.
	upd, err := tc.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{WorkflowID: r.WorkflowID, UpdateName: workflows.UpdateDecideRun,
		UpdateID: "approve-1", Args: []any{activities.PayrollDecision{Approve: true, By: nipHR, At: e.now}},
		WaitForStage: client.WorkflowUpdateStageCompleted})
	if err != nil {
		t.Fatal(err)
	}
	var state string
	if err := upd.Get(ctx, &state); err != nil || state != payroll.StateApproved {
		t.Fatalf("approve: %q, %v", state, err)
	}
	if err := run.Get(ctx, &state); err != nil || state != payroll.StateApproved {
		t.Fatalf("workflow ended %q, %v", state, err)
	}
	final, err := payroll.GetRun(ctx, e.pool, r.ID)
	if err != nil || final.State != payroll.StateApproved || final.DecidedBy == nil || *final.DecidedBy != nipHR {
		t.Fatalf("after approval: %+v, %v", final, err)
	}
}
