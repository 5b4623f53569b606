// Package batch runs the work HR starts for many employees at once (launching a cycle, enrolling
// a list, moving a deadline, reassigning after a reorganisation) as durable batches: the HTTP
// call writes the batch and its items (store.CreateBatch) and starts its workflow
// (workflows.Batch), which works through the items page by page with ProcessBatchPage. Every
// page is idempotent, so a crash anywhere only makes a page run again: enrolment finds its rows
// and workflow IDs, a deadline signal carries the date, a reassignment's update ID is fixed per
// batch and employee.
package batch

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/kinerja/platform/enrolment"
	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// Concurrency bounds the Temporal calls (starts, signals, updates) one page makes at once.
const Concurrency = 16

// MoveDeadline is a move_deadline batch's params: the deadline moved and its new date.
type MoveDeadline struct {
	Name string    `json:"name"`
	At   time.Time `json:"at"`
}

// Start writes the batch with its selection and starts its workflow. A batch whose workflow
// could not be started stays running in the database; EnsureWorkflows starts it later.
func Start(ctx context.Context, st *store.Store, tc client.Client, nb store.NewBatch) (store.Batch, error) {
	nb.WorkflowID = workflows.BatchIDPrefix + rand.Text()
	id, err := st.CreateBatch(ctx, nb)
	if err != nil {
		return store.Batch{}, err
	}
	b, err := st.Batch(ctx, id)
	if err != nil {
		return b, err
	}
	if err := startWorkflow(ctx, tc, b); err != nil {
		slog.ErrorContext(ctx, "batch workflow not started; the next platform start retries", "batch", id, "error", err)
	}
	return b, nil
}

func startWorkflow(ctx context.Context, tc client.Client, b store.Batch) error {
	_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
		ID: b.WorkflowID, TaskQueue: workflows.TaskQueue,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
	}, workflows.BatchWorkflow, workflows.BatchInput{BatchID: b.ID})
	return err
}

// EnsureWorkflows starts the workflow of every running or paused batch that has none (its
// start failed after the batch was written). Starting one that runs is a no-op.
func EnsureWorkflows(ctx context.Context, st *store.Store, tc client.Client) error {
	bs, err := st.UnfinishedBatches(ctx)
	if err != nil {
		return err
	}
	var errs []error
	for _, b := range bs {
		if err := startWorkflow(ctx, tc, b); err != nil {
			errs = append(errs, fmt.Errorf("batch %d: %w", b.ID, err))
		}
	}
	return errors.Join(errs...)
}

// Wake tells a batch's workflow that its state changed; a batch whose workflow ended needs none.
func Wake(ctx context.Context, tc client.Client, b store.Batch) error {
	err := tc.SignalWorkflow(ctx, b.WorkflowID, "", workflows.SignalBatchWake, nil)
	var nf *serviceerror.NotFound
	if errors.As(err, &nf) {
		return nil
	}
	return err
}

// Activities is the batch workflow's activity.
type Activities struct {
	Store    *store.Store
	Temporal client.Client
	Log      *slog.Logger
}

func (a *Activities) log() *slog.Logger {
	if a.Log == nil {
		return slog.Default()
	}
	return a.Log
}

// ProcessBatchPage does up to limit pending items of the batch and records how each ended. A
// paused or cancelled batch is left as it is; one with nothing pending is marked finished.
func (a *Activities) ProcessBatchPage(ctx context.Context, batchID int64, limit int) (workflows.BatchPage, error) {
	state, nips, err := a.Store.PendingBatchItems(ctx, batchID, limit)
	if err != nil {
		return workflows.BatchPage{}, err
	}
	if state != store.BatchRunning {
		return workflows.BatchPage{State: state}, nil
	}
	if len(nips) == 0 {
		if _, err := a.Store.FinishBatch(ctx, batchID); err != nil {
			return workflows.BatchPage{}, err
		}
		b, err := a.Store.Batch(ctx, batchID)
		return workflows.BatchPage{State: b.State}, err
	}
	b, err := a.Store.Batch(ctx, batchID)
	if err != nil {
		return workflows.BatchPage{}, err
	}
	// A page of thousands of Temporal calls outlives a heartbeat interval: beat while it runs.
	beat, stop := context.WithCancel(ctx)
	defer stop()
	go func() {
		t := time.NewTicker(5 * time.Second)
		defer t.Stop()
		for {
			select {
			case <-beat.Done():
				return
			case <-t.C:
				activity.RecordHeartbeat(ctx)
			}
		}
	}()
	var results []store.ItemResult
	switch b.Kind {
	case store.BatchLaunch, store.BatchEnrol:
		results, err = a.enrol(ctx, b, nips)
	case store.BatchMoveDeadline:
		results, err = a.moveDeadline(ctx, b, nips)
	case store.BatchReassign:
		results, err = a.reassign(ctx, b, nips)
	default:
		err = temporal.NewNonRetryableApplicationError("unknown batch kind "+b.Kind, "batch_kind", nil)
	}
	if err != nil {
		return workflows.BatchPage{}, err
	}
	if err := a.Store.RecordBatchItems(ctx, batchID, results); err != nil {
		return workflows.BatchPage{}, err
	}
	return workflows.BatchPage{State: store.BatchRunning, Processed: len(results)}, nil
}

// Messages an item ends with, in Bahasa Indonesia.
const (
	msgUnknown       = "pegawai tidak terdaftar"
	msgNoPenilai     = "pegawai belum punya pejabat penilai (superior_nip kosong)"
	msgFinished      = "siklus pegawai ini sudah selesai; tanggal baru tidak berlaku lagi baginya"
	msgNotSignalled  = "siklus pegawai ini tidak dapat diberi tahu; ulangi pemindahan batas waktu ini"
	msgNotEnrolled   = "pegawai tidak terdaftar di siklus ini"
	msgResultFinal   = "hasil penilaian sudah final; pejabat penilai tidak diganti lagi"
	msgNoChange      = "pejabat penilai dan atasannya sudah sesuai data organisasi"
	msgServerProblem = "terjadi kesalahan pada server; coba lagi atau hubungi admin"
)

func noAtasan(penilaiName string) string {
	return "pejabat penilai " + penilaiName + " belum punya atasan; keberatan tidak akan ada yang memutus"
}

// enrol enrols the page's employees. In a launch, an employee the org data gives no penilai or
// atasan is skipped with the reason (a region's head has none); in an enrol batch, HR named them,
// so it fails.
func (a *Activities) enrol(ctx context.Context, b store.Batch, nips []string) ([]store.ItemResult, error) {
	cy, err := a.Store.Cycle(ctx, b.CycleID)
	if err != nil {
		return nil, err
	}
	chains, err := a.Store.SupervisorChains(ctx, nips)
	if err != nil {
		return nil, err
	}
	type refusal struct{ error }
	supervisors := func(nip string) (string, string, error) {
		c := chains[nip]
		switch {
		case !c.Known:
			return "", "", refusal{errors.New(msgUnknown)}
		case c.PenilaiNIP == "":
			return "", "", refusal{errors.New(msgNoPenilai)}
		case c.AtasanNIP == "":
			return "", "", refusal{errors.New(noAtasan(c.PenilaiName))}
		}
		return c.PenilaiNIP, c.AtasanNIP, nil
	}
	st := enrolment.Starter{Store: a.Store, Temporal: a.Temporal, Log: a.log()}
	// Rows this batch started on an earlier attempt of a page were written after the batch was.
	errs, err := st.EnrolPage(ctx, cy, nips, supervisors, b.StartedAt, Concurrency)
	if err != nil {
		return nil, err
	}
	out := make([]store.ItemResult, len(nips))
	for i, nip := range nips {
		r := store.ItemResult{NIP: nip, Status: store.ItemDone}
		var ref refusal
		switch {
		case errs[i] == nil:
		case errors.Is(errs[i], enrolment.ErrAlreadyEnrolled):
			r.Status, r.Message = store.ItemSkipped, errs[i].Error()
		case errors.As(errs[i], &ref) && b.Kind == store.BatchLaunch:
			r.Status, r.Message = store.ItemSkipped, errs[i].Error()
		default:
			r.Status, r.Message = store.ItemFailed, errs[i].Error()
		}
		out[i] = r
	}
	return out, nil
}

// each runs fn for every enrolment of the page, Concurrency at once; an item without an
// enrolment fails.
func (a *Activities) each(ctx context.Context, b store.Batch, nips []string,
	fn func(store.EnrolmentAt) store.ItemResult) ([]store.ItemResult, error) {
	ens, err := a.Store.EnrolmentsOfNIPs(ctx, b.CycleID, nips)
	if err != nil {
		return nil, err
	}
	byNIP := map[string]store.EnrolmentAt{}
	for _, en := range ens {
		byNIP[en.NIP] = en
	}
	out := make([]store.ItemResult, len(nips))
	sem := make(chan struct{}, Concurrency)
	var wg sync.WaitGroup
	for i, nip := range nips {
		en, ok := byNIP[nip]
		if !ok {
			out[i] = store.ItemResult{NIP: nip, Status: store.ItemFailed, Message: msgNotEnrolled}
			continue
		}
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			out[i] = fn(en)
			out[i].NIP = nip
		}()
	}
	wg.Wait()
	return out, nil
}

// moveDeadline signals the moved date to each year; the date itself was stored by the request.
func (a *Activities) moveDeadline(ctx context.Context, b store.Batch, nips []string) ([]store.ItemResult, error) {
	var p MoveDeadline
	if err := json.Unmarshal(b.Params, &p); err != nil {
		return nil, temporal.NewNonRetryableApplicationError("move_deadline params: "+err.Error(), "batch_params", nil)
	}
	move := workflows.MoveDeadline{Name: workflows.DeadlineName(p.Name), At: p.At}
	return a.each(ctx, b, nips, func(en store.EnrolmentAt) store.ItemResult {
		err := a.Temporal.SignalWorkflow(ctx, en.WorkflowID, "", workflows.SignalMoveDeadline, move)
		var nf *serviceerror.NotFound
		switch {
		case errors.As(err, &nf):
			return store.ItemResult{Status: store.ItemSkipped, Message: msgFinished}
		case err != nil:
			a.log().ErrorContext(ctx, "deadline move not signalled", "batch", b.ID, "workflow_id", en.WorkflowID, "error", err)
			return store.ItemResult{Status: store.ItemFailed, Message: msgNotSignalled}
		}
		return store.ItemResult{Status: store.ItemDone}
	})
}

// reassign points each running year at the penilai and atasan today's org data names. The
// update's ID is fixed per batch and employee: a page run again never reassigns twice.
func (a *Activities) reassign(ctx context.Context, b store.Batch, nips []string) ([]store.ItemResult, error) {
	chains, err := a.Store.SupervisorChains(ctx, nips)
	if err != nil {
		return nil, err
	}
	kept, err := a.Store.MutasiKept(ctx, b.CycleID, nips)
	if err != nil {
		return nil, err
	}
	return a.each(ctx, b, nips, func(en store.EnrolmentAt) store.ItemResult {
		c := chains[en.NIP]
		switch {
		case en.ResultFinal:
			return store.ItemResult{Status: store.ItemSkipped, Message: msgResultFinal}
		case !kept[en.NIP].IsZero():
			return store.ItemResult{Status: store.ItemSkipped, Message: "mutasi berlaku " + wib.Format(kept[en.NIP]) +
				" menetapkan pejabat penilainya; data organisasi masih menyebut atasan sebelum mutasi"}
		case c.PenilaiNIP == "":
			return store.ItemResult{Status: store.ItemFailed, Message: "penilai_nip: data organisasi belum menyebut atasan pegawai ini; isi penilai_nip"}
		case c.AtasanNIP == "":
			return store.ItemResult{Status: store.ItemFailed, Message: "atasan_nip: data organisasi belum menyebut atasan " + c.PenilaiName + "; isi atasan_nip"}
		case c.PenilaiNIP == en.PenilaiNIP && c.AtasanNIP == en.AtasanNIP:
			return store.ItemResult{Status: store.ItemSkipped, Message: msgNoChange}
		}
		in := &workflows.ReassignInput{
			Request:    workflows.Request{RequestID: "batch-" + strconv.FormatInt(b.ID, 10) + "-" + en.NIP, Actor: workflows.Actor{NIP: b.CreatedBy, HR: true}},
			PenilaiNIP: c.PenilaiNIP, AtasanNIP: c.AtasanNIP,
			Penilai: workflows.Person{NIP: c.PenilaiNIP, Name: c.PenilaiName}, Atasan: workflows.Person{NIP: c.AtasanNIP, Name: c.AtasanName},
		}
		h, err := a.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
			WorkflowID: en.WorkflowID, UpdateName: workflows.UpdateReassign, UpdateID: workflows.UpdateReassign + "/" + in.RequestID,
			Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted,
		})
		if err == nil {
			err = h.Get(ctx, nil)
		}
		if err != nil {
			return store.ItemResult{Status: store.ItemFailed, Message: a.rejection(ctx, b.ID, err)}
		}
		return store.ItemResult{Status: store.ItemDone}
	})
}

// rejection is the message of a refused update (the workflow's own, in Bahasa Indonesia), or a
// generic one for anything else, which is logged.
func (a *Activities) rejection(ctx context.Context, batchID int64, err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Message()
	}
	a.log().ErrorContext(ctx, "batch item failed", "batch", batchID, "error", err)
	return msgServerProblem
}
