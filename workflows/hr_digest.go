package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
)

// HRDigestWorkflow is the registered name of the daily HR digest; it runs on a cron schedule.
const HRDigestWorkflow = "HRDigest"

// HRDigestID is the one digest workflow of a deployment.
const HRDigestID = "hr-digest"

// HRDigestCron runs the digest every day at 00.00 UTC, 07.00 WIB, before office hours.
const HRDigestCron = "0 0 * * *"

// HRDigest sends each HR user one email of what is new since the previous run and what is overdue
// in their scope. The previous run's end is carried to the next run, so nothing falls between two.
func HRDigest(ctx workflow.Context) (activities.DigestRun, error) {
	run := activities.DigestRun{At: workflow.Now(ctx)}
	var last activities.DigestRun
	if workflow.HasLastCompletionResult(ctx) && workflow.GetLastCompletionResult(ctx, &last) == nil && !last.At.IsZero() {
		run.Since = last.At
	} else {
		run.Since = run.At.Add(-24 * time.Hour)
	}
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: 10 * time.Minute,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 5 * time.Minute},
	})
	err := workflow.ExecuteActivity(ctx, a.SendHRDigests, run).Get(ctx, &run)
	return run, err
}
