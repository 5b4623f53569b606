// Package worker runs the cycle workflows and their activities on the task queue.
package worker

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/batch"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// Options are the worker's options; the launch benchmark's no-op baseline runs with the same.
func Options() worker.Options {
	return worker.Options{MaxConcurrentWorkflowTaskPollers: 8, MaxConcurrentActivityTaskPollers: 8}
}

// New returns a worker (not yet started) with every workflow and activity registered.
func New(c client.Client, acts *activities.Activities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, Options())
	w.RegisterWorkflowWithOptions(workflows.EmployeeCycle, workflow.RegisterOptions{Name: workflows.EmployeeCycleWorkflow})
	w.RegisterWorkflowWithOptions(workflows.HRDigest, workflow.RegisterOptions{Name: workflows.HRDigestWorkflow})
	w.RegisterWorkflowWithOptions(workflows.Batch, workflow.RegisterOptions{Name: workflows.BatchWorkflow})
	w.RegisterWorkflowWithOptions(workflows.PayrollRun, workflow.RegisterOptions{Name: workflows.PayrollRunWorkflow})
	w.RegisterActivity(acts)
	w.RegisterActivity(&batch.Activities{Store: &store.Store{Pool: acts.Pool}, Temporal: c})
	return w
}

// EnsureHRDigest starts the daily HR digest's cron workflow unless it already runs.
func EnsureHRDigest(ctx context.Context, c client.Client) error {
	_, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: workflows.HRDigestID, TaskQueue: workflows.TaskQueue, CronSchedule: workflows.HRDigestCron,
		WorkflowIDConflictPolicy: enums.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
	}, workflows.HRDigestWorkflow)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start the HR digest: %w", err)
	}
	return nil
}
