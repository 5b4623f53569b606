package enrolment

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// Supervisors names an employee's penilai and atasan penilai from today's org data, or says in
// Bahasa Indonesia why the employee cannot be enrolled.
type Supervisors func(nip string) (penilaiNIP, atasanNIP string, err error)

// EnrolPage enrols a page of employees the way Enrol enrols one, with a few statements for the
// whole page and up to concurrency workflow starts at once: rows first, then the workflows, then
// the deadlines moved meanwhile, then the rows marked started. It returns one error per NIP (nil:
// enrolled). A row that exists decides (supervisors is asked only for NIPs without one); a row
// started before since answers ErrAlreadyEnrolled, one started at or after since was started by
// an earlier attempt of the same caller (a batch re-running a page after a crash) and answers nil.
// The error returned is for the page as a whole: nothing is marked started, run it again.
func (s *Starter) EnrolPage(ctx context.Context, cy store.Cycle, nips []string, supervisors Supervisors,
	since time.Time, concurrency int) ([]error, error) {
	errs := make([]error, len(nips))
	at := map[string]int{}
	for i, n := range nips {
		at[n] = i
	}
	rows, err := s.Store.EnrolmentsOfNIPs(ctx, cy.ID, nips)
	if err != nil {
		return nil, err
	}
	have := map[string]bool{}
	for _, r := range rows {
		have[r.NIP] = true
	}
	var fresh []store.Enrolment
	for i, n := range nips {
		if have[n] {
			continue
		}
		pen, ata, err := supervisors(n)
		if err != nil {
			errs[i] = err
			continue
		}
		fresh = append(fresh, store.Enrolment{CycleID: cy.ID, NIP: n, WorkflowID: NewWorkflowID(),
			PenilaiNIP: pen, AtasanNIP: ata, Phase: string(workflows.PhasePlanning)})
	}
	if len(fresh) > 0 {
		if err := s.Store.EnrolMany(ctx, fresh); err != nil {
			return nil, fmt.Errorf("enrolment rows: %w", err)
		}
		if rows, err = s.Store.EnrolmentsOfNIPs(ctx, cy.ID, nips); err != nil {
			return nil, err
		}
	}
	var starting []store.Enrolment
	var people []string
	for _, r := range rows {
		i := at[r.NIP]
		switch {
		case r.WorkflowState != store.WorkflowStarted:
			starting = append(starting, r.Enrolment)
			people = append(people, r.PenilaiNIP, r.AtasanNIP)
		case r.EnrolledAt.Before(since):
			errs[i] = ErrAlreadyEnrolled
		}
	}
	if len(starting) == 0 {
		return errs, nil
	}
	known, err := s.Store.Employees(ctx, people)
	if err != nil {
		return nil, err
	}
	person := map[string]workflows.Person{}
	for _, e := range known {
		person[e.NIP] = workflows.Person{NIP: e.NIP, Name: e.Name}
	}

	started := make([]bool, len(starting))
	sem := make(chan struct{}, max(concurrency, 1))
	var wg sync.WaitGroup
	for k, en := range starting {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			err := s.execute(ctx, cy, en, person[en.PenilaiNIP], person[en.AtasanNIP])
			if err != nil {
				// The row stays 'starting': the next attempt, or the sweeper, starts the year.
				s.log().ErrorContext(ctx, "enrolment not started", "cycle", cy.ID, "workflow_id", en.WorkflowID, "error", err)
				errs[at[en.NIP]] = errNotStarted
				return
			}
			started[k] = true
		}()
	}
	wg.Wait()
	var ids, done []string
	for k, en := range starting {
		if started[k] {
			ids, done = append(ids, en.WorkflowID), append(done, en.NIP)
		}
	}
	if err := s.catchUp(ctx, cy, ids...); err != nil {
		return nil, err
	}
	if err := s.Store.MarkManyStarted(ctx, cy.ID, done); err != nil {
		return nil, fmt.Errorf("mark started: %w", err)
	}
	return errs, nil
}

// errNotStarted: the row is written but its workflow could not be started now.
var errNotStarted = errors.New("tercatat, tetapi siklus pegawai belum dapat dimulai; sistem akan mencoba lagi otomatis, atau daftarkan ulang")
