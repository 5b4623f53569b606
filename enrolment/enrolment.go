// Package enrolment starts employees' years so that an enrolment row and its workflow never
// exist one without the other for long, whatever crashes between them. The row comes first
// (workflow_state 'starting', with a fresh opaque workflow ID), then the workflow under the row's
// ID, then the row is marked 'started'. A crash in between leaves a 'starting' row: enrolling
// again or the sweeper starts its workflow. Starting twice is a no-op: the ID is the row's, and
// Temporal answers a start of a running or finished ID with that run.
package enrolment

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// ErrAlreadyEnrolled: the employee's year in this cycle was started before; nothing was done.
var ErrAlreadyEnrolled = errors.New("sudah terdaftar di siklus ini")

// SweepEvery is how often a running platform looks for enrolments left 'starting'; a row
// younger than this is left to the request that is enrolling it.
const SweepEvery = time.Minute

// NewWorkflowID returns a fresh workflow ID for one employee's year: random, so it says nothing
// about whose year it is.
func NewWorkflowID() string { return workflows.EmployeeCycleIDPrefix + rand.Text() }

// Starter enrols employees and starts their years.
type Starter struct {
	Store    *store.Store
	Temporal client.Client
	Log      *slog.Logger // nil: slog.Default()
}

func (s *Starter) log() *slog.Logger {
	if s.Log == nil {
		return slog.Default()
	}
	return s.Log
}

// Enrol enrols the employee with the penilai and atasan penilai given and starts the year.
// ErrAlreadyEnrolled when the year was started before. An enrolment left half done (row written,
// workflow perhaps not) is finished as it was first written: same row, same workflow ID, same
// supervisors.
func (s *Starter) Enrol(ctx context.Context, cy store.Cycle, nip, penilaiNIP, atasanNIP string) error {
	if _, err := s.Store.Enrol(ctx, store.Enrolment{CycleID: cy.ID, NIP: nip, WorkflowID: NewWorkflowID(),
		PenilaiNIP: penilaiNIP, AtasanNIP: atasanNIP, Phase: string(workflows.PhasePlanning)}); err != nil {
		return fmt.Errorf("enrolment row: %w", err)
	}
	en, err := s.Store.Enrolment(ctx, cy.ID, nip)
	if err != nil {
		return err
	}
	if en.WorkflowState == store.WorkflowStarted {
		return ErrAlreadyEnrolled
	}
	return s.start(ctx, cy, en)
}

// start starts the row's workflow (or finds it) and marks the row started.
func (s *Starter) start(ctx context.Context, cy store.Cycle, en store.Enrolment) error {
	if err := s.StartWorkflow(ctx, cy, en); err != nil {
		return err
	}
	if err := s.Store.MarkStarted(ctx, en.CycleID, en.NIP); err != nil {
		return fmt.Errorf("mark %s started: %w", en.WorkflowID, err)
	}
	return nil
}

// StartWorkflow starts the enrolment's workflow under the row's ID, built from the row and the
// cycle, then signals any deadline moved since cy was read. A workflow already running or
// finished under that ID is not started again, and no error. It does not mark the row: Enrol
// and Sweep do.
func (s *Starter) StartWorkflow(ctx context.Context, cy store.Cycle, en store.Enrolment) error {
	penilai, err := s.person(ctx, en.PenilaiNIP)
	if err != nil {
		return err
	}
	atasan, err := s.person(ctx, en.AtasanNIP)
	if err != nil {
		return err
	}
	if err := s.execute(ctx, cy, en, penilai, atasan); err != nil {
		return err
	}
	return s.catchUp(ctx, cy, en.WorkflowID)
}

// execute starts the enrolment's workflow, or finds the one running or finished under its ID.
func (s *Starter) execute(ctx context.Context, cy store.Cycle, en store.Enrolment, penilai, atasan workflows.Person) error {
	in := workflows.EmployeeCycleInput{
		CycleID: cy.ID, CycleName: cy.Name, Year: cy.Year,
		Employee:  workflows.Person{NIP: en.NIP, Name: en.Name},
		Deadlines: workflows.Deadlines{}, AppealWindow: cy.AppealWindow, DecisionSLA: cy.DecisionSLA, ReminderLead: cy.ReminderLead,
		Penilai: penilai, Atasan: atasan, EvaluationPeriod: cy.EvaluationPeriod,
	}
	if cy.EvaluationPeriod != "" { // only a periodic year has periods to time
		cal := cy.Calendar
		in.PeriodCalendar = &cal
	}
	for n, t := range cy.Deadlines {
		in.Deadlines[workflows.DeadlineName(n)] = t
	}
	_, err := s.Temporal.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: en.WorkflowID, TaskQueue: workflows.TaskQueue,
		// A repeat start finds the running year, or the finished one (never a second run), and the
		// SDK answers with that run rather than an error (WorkflowExecutionErrorWhenAlreadyStarted).
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.EmployeeCycleWorkflow, in)
	if err != nil {
		return fmt.Errorf("start workflow %s: %w", en.WorkflowID, err)
	}
	return nil
}

// catchUp signals the deadlines HR moved since cy was read. Moving a deadline writes the cycle
// first and then signals the running years; one moved before this year's workflow existed
// missed it. Read after the start, the cycle holds every move whose signal could have missed.
func (s *Starter) catchUp(ctx context.Context, cy store.Cycle, workflowIDs ...string) error {
	now, err := s.Store.Cycle(ctx, cy.ID)
	if err != nil {
		return err
	}
	for _, n := range store.DeadlineColumns {
		if now.Deadlines[n].Equal(cy.Deadlines[n]) {
			continue
		}
		for _, id := range workflowIDs {
			err := s.Temporal.SignalWorkflow(ctx, id, "", workflows.SignalMoveDeadline,
				workflows.MoveDeadline{Name: workflows.DeadlineName(n), At: now.Deadlines[n]})
			var nf *serviceerror.NotFound
			if err != nil && !errors.As(err, &nf) { // a finished year no longer cares
				return fmt.Errorf("signal %s to %s: %w", n, id, err)
			}
		}
	}
	return nil
}

func (s *Starter) person(ctx context.Context, nip string) (workflows.Person, error) {
	if nip == "" {
		return workflows.Person{}, nil
	}
	e, err := s.Store.Employee(ctx, nip)
	if err != nil {
		return workflows.Person{}, fmt.Errorf("supervisor of an enrolment: %w", err)
	}
	return workflows.Person{NIP: e.NIP, Name: e.Name}, nil
}

// Sweep starts the workflow of every enrolment still 'starting' that was written before the
// given time, marks it started and logs it. It returns how many it repaired; one that fails is
// logged, left for the next sweep, and does not stop the others.
func (s *Starter) Sweep(ctx context.Context, before time.Time) (int, error) {
	ens, err := s.Store.StartingEnrolments(ctx, before)
	if err != nil {
		return 0, fmt.Errorf("list starting enrolments: %w", err)
	}
	cycles := map[int64]store.Cycle{}
	repaired := 0
	var errs []error
	for _, en := range ens {
		cy, ok := cycles[en.CycleID]
		if !ok {
			if cy, err = s.Store.Cycle(ctx, en.CycleID); err != nil {
				errs = append(errs, err)
				continue
			}
			cycles[en.CycleID] = cy
		}
		if err := s.start(ctx, cy, en); err != nil {
			s.log().ErrorContext(ctx, "enrolment sweep: year still not started", "cycle", en.CycleID,
				"workflow_id", en.WorkflowID, "enrolled_at_before", before, "error", err)
			errs = append(errs, err)
			continue
		}
		repaired++
		s.log().WarnContext(ctx, "enrolment sweep: started the year of an enrolment left half done",
			"cycle", en.CycleID, "workflow_id", en.WorkflowID)
	}
	return repaired, errors.Join(errs...)
}

// Run sweeps at once (whatever an earlier process left) and then every SweepEvery, until ctx ends.
func (s *Starter) Run(ctx context.Context) {
	before := time.Now()
	t := time.NewTicker(SweepEvery)
	defer t.Stop()
	for {
		if _, err := s.Sweep(ctx, before); err != nil && ctx.Err() == nil {
			s.log().ErrorContext(ctx, "enrolment sweep failed", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			before = now.Add(-SweepEvery)
		}
	}
}
