package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// BatchWorkflow is the registered name of the workflow that works through one batch (package
// batch, table batches): launching a cycle, enrolling listed employees, moving a deadline,
// reassigning after a reorganisation.
const BatchWorkflow = "Batch"

// ActivityProcessBatchPage is the batch's one activity (batch.Activities.ProcessBatchPage): it
// does the next page of pending items and answers a BatchPage. Named, not referenced: the
// activity needs a Temporal client and lives outside this package.
const ActivityProcessBatchPage = "ProcessBatchPage"

// SignalBatchWake tells a batch its state changed in the database (resumed or cancelled): the
// database decides, the signal only spares the wait.
const SignalBatchWake = "batch-wake"

// BatchIDPrefix starts the workflow ID of every batch; the rest is random (batches.workflow_id).
const BatchIDPrefix = "batch/"

// BatchInput is where a batch's workflow (or its continuation) starts.
type BatchInput struct {
	BatchID  int64
	PageSize int // items per activity; 0: DefaultBatchPageSize
}

// DefaultBatchPageSize items per page: a page's results are recorded together, and pausing or
// cancelling takes effect between pages.
const DefaultBatchPageSize = 200

// BatchPage is what one page did.
type BatchPage struct {
	State     string // the batch's state after the page: running, paused, cancelled or finished
	Processed int
}

// batchPagesPerRun bounds a run's history; the batch continues as new after that many pages.
const batchPagesPerRun = 100

// pausedRecheck is how long a paused batch waits for a wake signal before reading its state again.
const pausedRecheck = 10 * time.Minute

// Batch works through a batch page by page until no item is pending, or it is cancelled. Every
// page is idempotent (package batch), so a page a crash interrupted is simply done again.
func Batch(ctx workflow.Context, in BatchInput) error {
	if in.PageSize <= 0 {
		in.PageSize = DefaultBatchPageSize
	}
	wake := workflow.GetSignalChannel(ctx, SignalBatchWake)
	actx := workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 15 * time.Minute,
		// A worker killed midway is noticed within this, and the page runs again elsewhere.
		HeartbeatTimeout: 20 * time.Second,
		RetryPolicy:      &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	})
	drain := func() {
		for wake.ReceiveAsync(nil) {
		}
	}
	for pages := 0; pages < batchPagesPerRun; pages++ {
		var page BatchPage
		if err := workflow.ExecuteActivity(actx, ActivityProcessBatchPage, in.BatchID, in.PageSize).Get(ctx, &page); err != nil {
			return err
		}
		switch page.State {
		case "finished", "cancelled":
			return nil
		case "paused":
			sel := workflow.NewSelector(ctx)
			sel.AddReceive(wake, func(workflow.ReceiveChannel, bool) {})
			sel.AddFuture(workflow.NewTimer(ctx, pausedRecheck), func(workflow.Future) {})
			sel.Select(ctx)
		}
		drain()
	}
	drain()
	return workflow.NewContinueAsNewError(ctx, BatchWorkflow, in)
}
