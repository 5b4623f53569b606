package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// stepInput returns a fresh input for an update name and the Request inside it.
func stepInput(update string) (any, *workflows.Request) {
	switch update {
	case workflows.UpdateSubmitPlan:
		in := &workflows.SubmitPlanInput{}
		return in, &in.Request
	case workflows.UpdateApprovePlan:
		in := &workflows.ApprovePlanInput{}
		return in, &in.Request
	case workflows.UpdateReturnPlan:
		in := &workflows.ReturnPlanInput{}
		return in, &in.Request
	case workflows.UpdateReportRealisasi:
		in := &workflows.ReportRealisasiInput{}
		return in, &in.Request
	case workflows.UpdateGiveFeedback:
		in := &workflows.GiveFeedbackInput{}
		return in, &in.Request
	case workflows.UpdateRate:
		in := &workflows.RateInput{}
		return in, &in.Request
	case workflows.UpdateScheduleDialog:
		in := &workflows.ScheduleDialogInput{}
		return in, &in.Request
	case workflows.UpdateRecordDialog:
		in := &workflows.RecordDialogInput{}
		return in, &in.Request
	case workflows.UpdateAcknowledge:
		in := &workflows.AcknowledgeInput{}
		return in, &in.Request
	case workflows.UpdateFileAppeal:
		in := &workflows.FileAppealInput{}
		return in, &in.Request
	case workflows.UpdateDecideAppeal:
		in := &workflows.DecideAppealInput{}
		return in, &in.Request
	case workflows.UpdateConfirmFollowUp:
		in := &workflows.ConfirmFollowUpInput{}
		return in, &in.Request
	case workflows.UpdateReassign:
		in := &workflows.ReassignInput{}
		return in, &in.Request
	case workflows.UpdateMutasi:
		in := &workflows.MutasiInput{}
		return in, &in.Request
	case workflows.UpdateSetPlan:
		in := &workflows.SetPlanInput{}
		return in, &in.Request
	case workflows.UpdateCloseYear:
		in := &workflows.CloseYearInput{}
		return in, &in.Request
	case workflows.UpdateResume:
		in := &workflows.ResumeInput{}
		return in, &in.Request
	}
	return nil, nil
}

// stepRole is whose each step is; the workflow's validators check the same (and stay the final word).
func stepRole(update string) (access.Role, bool) {
	switch update {
	case workflows.UpdateSubmitPlan, workflows.UpdateReportRealisasi, workflows.UpdateAcknowledge, workflows.UpdateFileAppeal:
		return access.Pegawai, true
	case workflows.UpdateApprovePlan, workflows.UpdateReturnPlan, workflows.UpdateGiveFeedback, workflows.UpdateRate,
		workflows.UpdateScheduleDialog, workflows.UpdateRecordDialog:
		return access.Penilai, true
	case workflows.UpdateDecideAppeal:
		return access.Atasan, true
	case workflows.UpdateConfirmFollowUp, workflows.UpdateReassign, workflows.UpdateSetPlan, workflows.UpdateCloseYear,
		workflows.UpdateResume, workflows.UpdateMutasi:
		return access.HR, true
	}
	return "", false
}

// act sends one human step to the employee's workflow and answers with the new status; the
// pages take the same step through Step (api/steps.go).
func (s *Server) act(c *gin.Context) {
	rid, st, err := s.step(c, c.Param("action"), func(in any, _ *workflows.Request) error { return bind(c, in) })
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"request_id": rid, "status": st})
}

// maxRequestIDLen bounds a client's request id (Temporal caps IDs at 1000 bytes).
const maxRequestIDLen = 128

// requestID settles the step's request id: the body's request_id, else the Idempotency-Key
// header, else a fresh one. A client retrying with the same id gets the first answer again.
func requestID(c *gin.Context, req *workflows.Request) error {
	key := c.GetHeader("Idempotency-Key")
	field := "request_id"
	switch {
	case req.RequestID == "" && key != "":
		req.RequestID, field = key, "Idempotency-Key"
	case req.RequestID != "" && key != "" && key != req.RequestID:
		return errBadRequest("request_id: berbeda dengan header Idempotency-Key; kirim satu saja atau samakan")
	case req.RequestID == "":
		req.RequestID = uuid.NewString()
		return nil
	}
	if len(req.RequestID) > maxRequestIDLen {
		return errBadRequest(fmt.Sprintf("%s: paling panjang %d karakter", field, maxRequestIDLen))
	}
	if strings.TrimSpace(req.RequestID) != req.RequestID || strings.IndexFunc(req.RequestID, func(r rune) bool {
		return unicode.IsControl(r) || r == utf8.RuneError
	}) >= 0 {
		return errBadRequest(field + ": tidak boleh diawali atau diakhiri spasi, atau memuat karakter kontrol")
	}
	return nil
}

// update sends one update to an employee's workflow and waits for its answer. The update ID is
// the step and the request id: Temporal answers a retry (same step, same id) with the first
// outcome instead of running it again, while another step reusing the id still reaches the
// workflow, whose validator refuses it as a duplicate.
func (s *Server) update(ctx context.Context, workflowID, name, requestID string, in any) (workflows.Status, error) {
	var st workflows.Status
	h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: workflowID, UpdateName: name, UpdateID: name + "/" + requestID,
		Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err == nil {
		err = h.Get(ctx, &st)
	}
	return st, err
}

// resolveSupervisors fills a reassignment with the people it names; a NIP left empty is taken from
// today's org data: the employee's superior as penilai, and that person's superior as atasan.
func (s *Server) resolveSupervisors(ctx context.Context, nip string, in *workflows.ReassignInput) error {
	person := func(field, nip string) (store.Employee, error) {
		e, err := s.Store.Employee(ctx, nip)
		if errors.Is(err, store.ErrNotFound) {
			return e, errInvalid(field + ": pegawai " + nip + " tidak terdaftar")
		}
		return e, err
	}
	if in.PenilaiNIP == "" {
		emp, err := s.Store.Employee(ctx, nip)
		if err != nil {
			return err
		}
		if in.PenilaiNIP = emp.SuperiorNIP; in.PenilaiNIP == "" {
			return errInvalid("penilai_nip: data organisasi belum menyebut atasan pegawai ini; isi penilai_nip")
		}
	}
	pen, err := person("penilai_nip", in.PenilaiNIP)
	if err != nil {
		return err
	}
	if in.AtasanNIP == "" {
		if in.AtasanNIP = pen.SuperiorNIP; in.AtasanNIP == "" {
			return errInvalid("atasan_nip: data organisasi belum menyebut atasan " + pen.Name + "; isi atasan_nip")
		}
	}
	ata, err := person("atasan_nip", in.AtasanNIP)
	if err != nil {
		return err
	}
	in.Penilai = workflows.Person{NIP: pen.NIP, Name: pen.Name}
	in.Atasan = workflows.Person{NIP: ata.NIP, Name: ata.Name}
	return nil
}
