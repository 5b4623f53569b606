package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/payroll"
)

// PayrollRunWorkflow is the registered name of a monthly payroll run (one per payroll_runs row,
// whose workflow_id names it).
const PayrollRunWorkflow = "PayrollRun"

// UpdateDecideRun is HR's approval or cancellation of a run (activities.PayrollDecision). Approval
// is refused while the run still computes; cancellation stops it after the page being written.
const UpdateDecideRun = "decide-run"

// PayrollPagesPerRun bounds the pages one workflow run takes before it continues as new, which
// keeps its history small whatever the region's size.
const PayrollPagesPerRun = 500

// PayrollParallelPages is how many pages are written at once: one computes while another's
// COPY runs in PostgreSQL.
const PayrollParallelPages = 2

// PayrollRunInput starts (or continues) a run.
type PayrollRunInput struct {
	RunID    int64 `json:"run_id"`
	PageSize int   `json:"page_size"`
	// Bounds are the pages planned by NIP (activities.PayrollPlan); Next is the first page not
	// yet written. Both are set when the run continues as new.
	Bounds []string `json:"bounds,omitempty"`
	Next   int      `json:"next,omitempty"`
}

// PayrollRun computes every employee of the run's scope in pages, each written in one
// transaction by an activity and idempotent, so a crash at any point resumes without a
// duplicate line; then waits for HR to approve (the lines become paid) or cancel (they never
// count). It returns the run's final state.
func PayrollRun(ctx workflow.Context, in PayrollRunInput) (string, error) {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		HeartbeatTimeout:    4 * activities.PayrollHeartbeat,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	var decision *activities.PayrollDecision
	computing, written, state := true, false, payroll.StateComputing
	err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateDecideRun,
		func(ctx workflow.Context, d activities.PayrollDecision) (string, error) {
			decision = &d
			if err := workflow.Await(ctx, func() bool { return written }); err != nil {
				return "", err
			}
			return state, nil
		},
		workflow.UpdateHandlerOptions{Validator: func(ctx workflow.Context, d activities.PayrollDecision) error {
			switch {
			case d.By == "" || d.At.IsZero():
				return temporal.NewNonRetryableApplicationError("keputusan tanpa pengambil keputusan atau waktu", ErrInvalid, nil)
			case decision != nil:
				return temporal.NewNonRetryableApplicationError("penggajian ini sudah diputuskan", ErrDuplicate, nil)
			case d.Approve && computing:
				return temporal.NewNonRetryableApplicationError("penggajian ini masih dihitung; setujui setelah selesai", ErrWrongPhase, nil)
			}
			return nil
		}})
	if err != nil {
		return "", err
	}

	if in.Bounds == nil {
		if err := workflow.ExecuteActivity(ctx, a.PayrollPlan, in.RunID, in.PageSize).Get(ctx, &in.Bounds); err != nil {
			return "", err
		}
	}
	// A sliding window of pages; a cancellation stops new ones, the ones under way finish.
	var pageErr error
	pending, started := 0, 0
	sel := workflow.NewSelector(ctx)
	for {
		for pending < PayrollParallelPages && in.Next < len(in.Bounds) && decision == nil && started < PayrollPagesPerRun && pageErr == nil {
			upto := ""
			if in.Next+1 < len(in.Bounds) {
				upto = in.Bounds[in.Next+1]
			}
			f := workflow.ExecuteActivity(ctx, a.PayrollPage, in.RunID, in.Bounds[in.Next], upto)
			sel.AddFuture(f, func(f workflow.Future) {
				pending--
				if err := f.Get(ctx, nil); err != nil && pageErr == nil {
					pageErr = err
				}
			})
			in.Next++
			pending++
			started++
		}
		if pending == 0 {
			break
		}
		sel.Select(ctx)
	}
	if pageErr != nil {
		return "", pageErr
	}
	if decision == nil && in.Next < len(in.Bounds) {
		return "", workflow.NewContinueAsNewError(ctx, PayrollRunWorkflow, in)
	}
	computing = false
	if decision == nil {
		if err := workflow.ExecuteActivity(ctx, a.PayrollComputed, in.RunID, workflow.Now(ctx)).Get(ctx, nil); err != nil {
			return "", err
		}
		state = payroll.StateAwaitingApproval
		if err := workflow.Await(ctx, func() bool { return decision != nil }); err != nil {
			return "", err
		}
	}
	if err := workflow.ExecuteActivity(ctx, a.PayrollDecide, in.RunID, *decision).Get(ctx, nil); err != nil {
		return "", err
	}
	state = payroll.StateCancelled
	if decision.Approve {
		state = payroll.StateApproved
	}
	written = true
	return state, workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) })
}
