// Package worker runs the cycle workflows and their activities on the task queue.
package worker

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/workflows"
)

// New returns a worker (not yet started) with every workflow and activity registered.
func New(c client.Client, acts *activities.Activities) worker.Worker {
	w := worker.New(c, workflows.TaskQueue, worker.Options{})
	w.RegisterWorkflowWithOptions(workflows.EmployeeCycle, workflow.RegisterOptions{Name: workflows.EmployeeCycleWorkflow})
	w.RegisterActivity(acts)
	return w
}
