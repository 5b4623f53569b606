package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"

	"github.com/kinerja/platform/payroll"
)

// PayrollHeartbeat is how often a page reports it is alive; the workflow gives a page up (and
// runs it again elsewhere) after a few missed beats, so a killed worker holds a run up briefly.
const PayrollHeartbeat = 3 * time.Second

// PayrollDecision is HR's answer to a computed run.
type PayrollDecision struct {
	Approve bool      `json:"approve"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
}

// PayrollPage computes and writes one page of a payroll run (payroll.Engine.RunPage): a page
// already written returns what it wrote, so a retry after a crash writes nothing twice.
func (a *Activities) PayrollPage(ctx context.Context, runID int64, after, upto string) (payroll.Page, error) {
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		t := time.NewTicker(PayrollHeartbeat)
		defer t.Stop()
		for {
			activity.RecordHeartbeat(ctx, after)
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-t.C:
			}
		}
	}()
	e := payroll.Engine{Pool: a.Pool, AfterCommit: a.PayrollAfterCommit}
	return e.RunPage(ctx, runID, after, upto)
}

// PayrollPlan splits a run's employees into pages of size by NIP (payroll.PlanPages).
func (a *Activities) PayrollPlan(ctx context.Context, runID int64, size int) ([]string, error) {
	e := payroll.Engine{Pool: a.Pool}
	return e.Plan(ctx, runID, size)
}

// PayrollComputed marks a run whose every page is written as awaiting HR's approval.
func (a *Activities) PayrollComputed(ctx context.Context, runID int64, at time.Time) error {
	return payroll.FinishComputing(ctx, a.Pool, runID, at)
}

// PayrollDecide records HR's approval or cancellation of a run.
func (a *Activities) PayrollDecide(ctx context.Context, runID int64, d PayrollDecision) error {
	return payroll.Decide(ctx, a.Pool, runID, d.Approve, d.By, d.At)
}
