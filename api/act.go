package api

import (
	"net/http"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

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
	}
	return nil, nil
}

// act sends one human step to the employee's workflow and answers with the new status.
// The workflow's validator decides whether the caller may take this step now.
func (s *Server) act(c *gin.Context) {
	en, ok := s.visibleEnrolment(c)
	if !ok {
		return
	}
	update := c.Param("action")
	in, req := stepInput(update)
	if in == nil {
		fail(c, errNotFound("langkah "+update+" tidak dikenal"))
		return
	}
	if err := bind(c, in); err != nil {
		fail(c, err)
		return
	}
	me := caller(c)
	// The actor is who the org data says is calling, never what the body claims.
	req.Actor = workflows.Actor{NIP: me.NIP, HR: me.IsHR}
	if req.RequestID == "" {
		req.RequestID = c.GetHeader("Idempotency-Key")
	}
	if req.RequestID == "" {
		req.RequestID = uuid.NewString()
	}
	ctx := c.Request.Context()
	h, err := s.Temporal.UpdateWorkflow(ctx, client.UpdateWorkflowOptions{
		WorkflowID: en.WorkflowID, UpdateName: update, UpdateID: uuid.NewString(),
		Args: []any{in}, WaitForStage: client.WorkflowUpdateStageCompleted,
	})
	if err != nil {
		fail(c, err)
		return
	}
	var st workflows.Status
	if err := h.Get(ctx, &st); err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"request_id": req.RequestID, "status": st})
}
