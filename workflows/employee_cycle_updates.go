package workflows

import (
	"slices"
	"strings"
	"unicode/utf8"

	"go.temporal.io/sdk/workflow"

	"github.com/kinerja/platform/activities"
	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/internal/wib"
)

type updateHandler struct {
	name      string
	validator any
	handler   any
}

// handlers pairs each update with its validator. Handlers validate again first: two updates can
// pass validation before either runs, and the second must not act on a state the first changed.
func (c *cycle) handlers() []updateHandler {
	emp := c.in.Employee
	return []updateHandler{
		{UpdateSubmitPlan, c.validateSubmitPlan, func(ctx workflow.Context, in SubmitPlanInput) (Status, error) {
			if err := c.validateSubmitPlan(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.plan, c.planState = in.Plan, planSubmitted
			c.planVersion++
			return c.done(ctx, before, in.Request, "plan.submitted", activities.Record{
				PlanSubmitted: &activities.PlanSubmitted{Version: c.planVersion, Plan: in.Plan}},
				[]string{TaskDraftPlan},
				c.task(TaskReviewPlan, activities.RolePenilai, c.in.Penilai.NIP, "Setujui atau kembalikan SKP "+emp.Name, c.planDue()))
		}},
		{UpdateApprovePlan, c.validateDecidePlan, func(ctx workflow.Context, in ApprovePlanInput) (Status, error) {
			if err := c.validateDecidePlan(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			if !c.draftingAfterMutasi() { // after a mutasi the periods go on where they stand
				c.phase = PhaseExecution
			}
			c.planState = planApproved
			return c.done(ctx, before, in.Request, "plan.approved", activities.Record{
				PlanDecided: &activities.PlanDecided{Version: c.planVersion, Approved: true}},
				[]string{TaskReviewPlan, TaskPlanOverdue})
		}},
		{UpdateReturnPlan, c.validateReturnPlan, func(ctx workflow.Context, in ReturnPlanInput) (Status, error) {
			if err := c.validateReturnPlan(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.planState = planReturned
			return c.done(ctx, before, in.Request, "plan.returned", activities.Record{
				PlanDecided: &activities.PlanDecided{Version: c.planVersion, Notes: in.Notes}},
				[]string{TaskReviewPlan},
				c.task(TaskDraftPlan, activities.RolePegawai, emp.NIP, "Perbaiki dan ajukan kembali SKP "+c.in.CycleName, c.planDue()))
		}},
		{UpdateReportRealisasi, c.validateReport, func(ctx workflow.Context, in ReportRealisasiInput) (Status, error) {
			if err := c.validateReport(in); err != nil {
				return Status{}, err
			}
			if isPeriodID(in.Period) {
				return c.reportPeriod(ctx, in)
			}
			before := c.begin(in.Request)
			rec := activities.Record{Realisasi: &activities.RealisasiReport{Period: in.Period, Items: in.Items}}
			if in.Period == PeriodMidyear {
				c.midReported = true
				return c.done(ctx, before, in.Request, "realisasi.midyear_reported", rec, []string{TaskReportMidyear},
					c.task(TaskGiveFeedback, activities.RolePenilai, c.in.Penilai.NIP, "Berikan umpan balik tengah tahun untuk "+emp.Name, DeadlineMonitoring))
			}
			c.annualReported = true
			return c.done(ctx, before, in.Request, "realisasi.annual_reported", rec, []string{TaskReportAnnual},
				c.task(TaskRate, activities.RolePenilai, c.in.Penilai.NIP, "Nilai kinerja "+emp.Name, DeadlineEvaluation))
		}},
		{UpdateGiveFeedback, c.validateFeedback, func(ctx workflow.Context, in GiveFeedbackInput) (Status, error) {
			if err := c.validateFeedback(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.midFeedback, c.phase = true, PhaseExecution
			return c.done(ctx, before, in.Request, "feedback.midyear_given", activities.Record{
				Feedback: &activities.Feedback{Period: PeriodMidyear, Text: in.Feedback}}, []string{TaskGiveFeedback})
		}},
		{UpdateRate, c.validateRate, func(ctx workflow.Context, in RateInput) (Status, error) {
			if err := c.validateRate(in); err != nil {
				return Status{}, err
			}
			if isPeriodID(in.Period) {
				return c.ratePeriod(ctx, in)
			}
			before := c.begin(in.Request)
			p, _ := appraisal.PredikatOf(in.Hasil, in.Perilaku)
			c.rated, c.hasil, c.perilaku, c.predikat, c.phase = true, in.Hasil, in.Perilaku, p, PhaseDialog
			c.ratedAt = workflow.Now(ctx)
			c.raters = append(c.raters, in.Actor.NIP)
			if in.Actor.OnBehalfOf != "" {
				c.raters = append(c.raters, in.Actor.OnBehalfOf)
			}
			rating := &activities.Rating{Hasil: string(in.Hasil), Perilaku: string(in.Perilaku), Predikat: string(p)}
			for _, r := range in.Rows {
				rating.Rows = append(rating.Rows, activities.RowRating{Seq: r.Seq, Rating: string(r.Rating)})
			}
			return c.done(ctx, before, in.Request, "evaluation.rated", activities.Record{Rating: rating},
				[]string{TaskRate, TaskReportAnnual, TaskEvalOverdue},
				c.task(TaskScheduleDialog, activities.RolePenilai, c.in.Penilai.NIP, "Jadwalkan dialog kinerja dengan "+emp.Name, DeadlineDialog))
		}},
		{UpdateScheduleDialog, c.validateSchedule, func(ctx workflow.Context, in ScheduleDialogInput) (Status, error) {
			if err := c.validateSchedule(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.dialogScheduled = true
			at := in.At
			return c.done(ctx, before, in.Request, "dialog.scheduled", activities.Record{
				DialogScheduled: &activities.DialogScheduled{At: in.At, Place: in.Place}}, []string{TaskScheduleDialog},
				activities.TaskSpec{Kind: TaskRecordDialog, Role: activities.RolePenilai, AssigneeNIP: c.in.Penilai.NIP,
					Title: "Catat hasil dialog kinerja dengan " + emp.Name, DueAt: &at})
		}},
		{UpdateRecordDialog, c.validateRecordDialog, func(ctx workflow.Context, in RecordDialogInput) (Status, error) {
			if err := c.validateRecordDialog(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.dialogRecorded = true
			return c.done(ctx, before, in.Request, "dialog.recorded", activities.Record{
				DialogRecorded: &activities.DialogRecorded{Notes: in.Notes}}, []string{TaskRecordDialog, TaskDialogOverdue},
				c.task(TaskAcknowledge, activities.RolePegawai, emp.NIP, "Konfirmasi penerimaan hasil penilaian "+c.in.CycleName, DeadlineDialog))
		}},
		{UpdateAcknowledge, c.validateAcknowledge, func(ctx workflow.Context, in AcknowledgeInput) (Status, error) {
			if err := c.validateAcknowledge(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.acknowledged = true
			return c.done(ctx, before, in.Request, "result.acknowledged", activities.Record{Acknowledged: true},
				[]string{TaskAcknowledge, TaskDialogOverdue})
		}},
		{UpdateFileAppeal, c.validateAppeal, func(ctx workflow.Context, in FileAppealInput) (Status, error) {
			if err := c.validateAppeal(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.appealFiled = true
			due := workflow.Now(ctx).Add(c.in.DecisionSLA)
			return c.done(ctx, before, in.Request, "appeal.filed", activities.Record{
				AppealFiled: &activities.AppealFiled{Reasons: in.Reasons, OriginalPredikat: string(c.predikat)}}, nil,
				activities.TaskSpec{Kind: TaskDecideAppeal, Role: activities.RoleAtasan, AssigneeNIP: c.in.Atasan.NIP,
					Title: "Putuskan keberatan " + emp.Name, DueAt: &due})
		}},
		{UpdateDecideAppeal, c.validateDecision, func(ctx workflow.Context, in DecideAppealInput) (Status, error) {
			if err := c.validateDecision(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			rec := &activities.AppealDecided{Decision: in.Decision, Notes: in.Notes, FinalPredikat: string(c.predikat)}
			c.finalPredikat = c.predikat
			if in.Decision == AppealChange {
				p, _ := appraisal.PredikatOf(in.Hasil, in.Perilaku)
				c.finalPredikat = p
				rec.Hasil, rec.Perilaku, rec.FinalPredikat = string(in.Hasil), string(in.Perilaku), string(p)
			}
			c.appealDecided = true
			return c.done(ctx, before, in.Request, "appeal.decided", activities.Record{AppealDecided: rec},
				[]string{TaskDecideAppeal, TaskAppealOverdue})
		}},
		{UpdateConfirmFollowUp, c.validateFollowUp, func(ctx workflow.Context, in ConfirmFollowUpInput) (Status, error) {
			if err := c.validateFollowUp(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.followUp, c.followUpDone = in.Decision, true
			return c.done(ctx, before, in.Request, "followup.decided", activities.Record{
				FollowUpDecided: &activities.FollowUpDecided{Decided: string(in.Decision), Notes: in.Notes}},
				[]string{TaskConfirmFollowUp})
		}},
		{UpdateReassign, c.validateReassign, func(ctx workflow.Context, in ReassignInput) (Status, error) {
			if err := c.validateReassign(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			rec := &activities.Reassigned{FromPenilai: c.in.Penilai.NIP, ToPenilai: in.Penilai.NIP,
				FromAtasan: c.in.Atasan.NIP, ToAtasan: in.Atasan.NIP}
			c.in.Penilai, c.in.Atasan = in.Penilai, in.Atasan
			return c.done(ctx, before, in.Request, "supervisors.reassigned", activities.Record{Reassigned: rec}, nil)
		}},
		{UpdateMutasi, c.validateMutasi, func(ctx workflow.Context, in MutasiInput) (Status, error) {
			if err := c.validateMutasi(in); err != nil {
				return Status{}, err
			}
			return c.recordMutasi(ctx, in)
		}},
		{UpdateSetPlan, c.validateSetPlan, func(ctx workflow.Context, in SetPlanInput) (Status, error) {
			if err := c.validateSetPlan(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.plan, c.planState, c.phase = in.Plan, planApproved, PhaseExecution
			c.planVersion++
			return c.done(ctx, before, in.Request, "plan.set_by_hr", activities.Record{
				PlanSet: &activities.PlanSubmitted{Version: c.planVersion, Plan: in.Plan}},
				[]string{TaskDraftPlan, TaskReviewPlan, TaskPlanOverdue})
		}},
		{UpdateResume, c.validateResume, func(ctx workflow.Context, in ResumeInput) (Status, error) {
			if err := c.validateResume(in); err != nil {
				return Status{}, err
			}
			c.begin(in.Request)
			c.resumeAsked = true
			return c.status(), nil
		}},
		{UpdateCloseYear, c.validateCloseYear, func(ctx workflow.Context, in CloseYearInput) (Status, error) {
			if err := c.validateCloseYear(in); err != nil {
				return Status{}, err
			}
			before := c.begin(in.Request)
			c.closed, c.closeReason, c.phase = true, in.Reason, PhaseClosed
			c.apply(ctx, step{key: "req-" + in.RequestID, actor: in.Actor.NIP, onBehalfOf: in.Actor.OnBehalfOf,
				action: "year.closed", before: &before, closeAll: true, closing: true,
				record: activities.Record{YearClosed: &activities.YearClosed{Reason: in.Reason, Notes: in.Notes}}})
			return c.status(), nil
		}},
	}
}

// begin marks the request processed and returns the state before the change, for the audit log.
func (c *cycle) begin(r Request) activities.Snapshot {
	c.seen[r.RequestID] = true
	c.seenOrder = append(c.seenOrder, r.RequestID)
	return c.snapshot()
}

// done records an accepted human step and answers with the new status.
func (c *cycle) done(ctx workflow.Context, before activities.Snapshot, r Request, action string,
	rec activities.Record, closeKinds []string, open ...activities.TaskSpec) (Status, error) {
	c.apply(ctx, step{key: "req-" + r.RequestID, actor: r.Actor.NIP, onBehalfOf: r.Actor.OnBehalfOf, action: action, record: rec,
		close: closeKinds, open: open, before: &before})
	return c.status(), nil
}

func (c *cycle) validateSubmitPlan(in SubmitPlanInput) error {
	if err := c.checkRequest(in.Request, activities.RolePegawai, c.in.Employee.NIP); err != nil {
		return err
	}
	if (c.phase != PhasePlanning && !c.draftingAfterMutasi()) || c.planState == planSubmitted || c.planState == planApproved {
		return reject(ErrWrongPhase, "SKP tidak dapat diajukan: status SKP saat ini %s", c.planState)
	}
	if err := in.Plan.Validate(); err != nil {
		return reject(ErrInvalid, "%s", err.Error())
	}
	return nil
}

func (c *cycle) validateDecidePlan(in ApprovePlanInput) error {
	if err := c.checkRequest(in.Request, activities.RolePenilai, c.in.Penilai.NIP); err != nil {
		return err
	}
	if c.planState != planSubmitted {
		return reject(ErrWrongPhase, "tidak ada SKP yang menunggu persetujuan (status SKP: %s)", c.planState)
	}
	return nil
}

func (c *cycle) validateReturnPlan(in ReturnPlanInput) error {
	if err := c.validateDecidePlan(ApprovePlanInput{in.Request}); err != nil {
		return err
	}
	if strings.TrimSpace(in.Notes) == "" {
		return reject(ErrInvalid, "notes: tuliskan apa yang perlu diperbaiki")
	}
	return nil
}

func (c *cycle) validateReport(in ReportRealisasiInput) error {
	if err := c.checkRequest(in.Request, activities.RolePegawai, c.in.Employee.NIP); err != nil {
		return err
	}
	switch in.Period {
	case PeriodMidyear:
		if !c.monitoringOpen || c.midReported {
			return reject(ErrWrongPhase, "laporan tengah tahun tidak sedang dibuka atau sudah dilaporkan")
		}
	case PeriodAnnual:
		if c.phase != PhaseEvaluation || c.annualReported || c.rated {
			return reject(ErrWrongPhase, "laporan akhir tahun tidak sedang dibuka atau sudah dilaporkan")
		}
	case "":
		return reject(ErrInvalid, "period: harus midyear atau annual")
	default:
		return c.validatePeriodReport(in)
	}
	if err := skp.ValidateRealisasi(c.plan, in.Items); err != nil {
		return reject(ErrInvalid, "%s", err.Error())
	}
	return nil
}

func (c *cycle) validateFeedback(in GiveFeedbackInput) error {
	if err := c.checkRequest(in.Request, activities.RolePenilai, c.in.Penilai.NIP); err != nil {
		return err
	}
	if !c.monitoringOpen || !c.midReported || c.midFeedback {
		return reject(ErrWrongPhase, "umpan balik tengah tahun diberikan setelah pegawai melaporkan realisasi, satu kali")
	}
	if strings.TrimSpace(in.Feedback) == "" {
		return reject(ErrInvalid, "feedback: wajib diisi")
	}
	return nil
}

func (c *cycle) validateRate(in RateInput) error {
	if isPeriodID(in.Period) {
		penilai := c.in.Penilai.NIP
		if c.open != nil && c.open.p.ID == in.Period {
			penilai = c.periodPenilai(c.open.p).NIP // the penilai of that time
		}
		if err := c.checkRequest(in.Request, activities.RolePenilai, penilai); err != nil {
			return err
		}
		return c.validatePeriodRate(in)
	}
	if err := c.checkRequest(in.Request, activities.RolePenilai, c.in.Penilai.NIP); err != nil {
		return err
	}
	if c.phase != PhaseEvaluation || c.rated {
		return reject(ErrWrongPhase, "penilaian tidak sedang dibuka atau sudah dilakukan")
	}
	if !c.annualReported && !c.evaluationLate && !c.lateFor(DeadlineEvaluation) {
		return reject(ErrWrongPhase, "pegawai belum melaporkan realisasi akhir tahun; penilaian tanpa laporan baru dapat dilakukan setelah batas waktu penilaian")
	}
	if _, err := appraisal.ParseRating(string(in.Hasil)); err != nil {
		return reject(ErrInvalid, "rating_hasil: %s", err.Error())
	}
	if _, err := appraisal.ParseRating(string(in.Perilaku)); err != nil {
		return reject(ErrInvalid, "rating_perilaku: %s", err.Error())
	}
	return checkRowRatings(c.plan, in.Rows)
}

// checkRowRatings refuses a rating of an RHK the plan lacks, a row rated twice, or an unknown rating.
func checkRowRatings(plan skp.Plan, rows []RowRating) error {
	seen := map[int]bool{}
	for i, r := range rows {
		if r.Seq < 0 || r.Seq >= len(plan.Items) || seen[r.Seq] {
			return reject(ErrInvalid, "row_ratings[%d].seq: tidak ada hasil kerja nomor %d di SKP, atau dinilai dua kali", i, r.Seq)
		}
		seen[r.Seq] = true
		if _, err := appraisal.ParseRating(string(r.Rating)); err != nil {
			return reject(ErrInvalid, "row_ratings[%d].rating: %s", i, err.Error())
		}
	}
	return nil
}

func (c *cycle) validateSchedule(in ScheduleDialogInput) error {
	if err := c.checkRequest(in.Request, activities.RolePenilai, c.in.Penilai.NIP); err != nil {
		return err
	}
	if !c.rated || c.dialogRecorded {
		return reject(ErrWrongPhase, "dialog kinerja dijadwalkan setelah penilaian dan sebelum dicatat")
	}
	if in.At.IsZero() {
		return reject(ErrInvalid, "at: waktu dialog wajib diisi")
	}
	// A dialog is held ahead, within the year: after followup_due the year is over.
	if in.At.Before(c.now()) {
		return reject(ErrInvalid, "at: waktu dialog %s sudah lewat", wib.Format(in.At))
	}
	if end := c.deadlines[DeadlineFollowUp]; !end.IsZero() && in.At.After(end) {
		return reject(ErrInvalid, "at: dialog harus diadakan paling lambat %s", wib.Format(end))
	}
	if strings.TrimSpace(in.Place) == "" {
		return reject(ErrInvalid, "place: tempat dialog wajib diisi")
	}
	return nil
}

func (c *cycle) validateRecordDialog(in RecordDialogInput) error {
	if err := c.checkRequest(in.Request, activities.RolePenilai, c.in.Penilai.NIP); err != nil {
		return err
	}
	if !c.dialogScheduled || c.dialogRecorded {
		return reject(ErrWrongPhase, "catatan dialog diisi setelah dialog dijadwalkan, satu kali")
	}
	if strings.TrimSpace(in.Notes) == "" {
		return reject(ErrInvalid, "notes: catatan dialog wajib diisi")
	}
	return nil
}

func (c *cycle) validateAcknowledge(in AcknowledgeInput) error {
	if err := c.checkRequest(in.Request, activities.RolePegawai, c.in.Employee.NIP); err != nil {
		return err
	}
	if !c.dialogRecorded || c.acknowledged || c.phase != PhaseDialog {
		return reject(ErrWrongPhase, "hasil penilaian dikonfirmasi setelah dialog kinerja dicatat, satu kali")
	}
	return nil
}

func (c *cycle) validateAppeal(in FileAppealInput) error {
	if err := c.checkRequest(in.Request, activities.RolePegawai, c.in.Employee.NIP); err != nil {
		return err
	}
	switch {
	case c.appealFiled:
		return reject(ErrWrongPhase, "keberatan sudah diajukan")
	case !c.appealDeadline.IsZero() && !c.now().Before(c.appealDeadline):
		return reject(ErrWrongPhase, "masa keberatan telah berakhir pada %s", wib.Format(c.appealDeadline))
	case !c.appealOpen:
		return reject(ErrWrongPhase, "keberatan dapat diajukan setelah hasil penilaian Anda terima")
	}
	if len(strings.TrimSpace(in.Reasons)) < 20 {
		return reject(ErrInvalid, "reasons: jelaskan alasan keberatan (minimal 20 karakter)")
	}
	return nil
}

func (c *cycle) validateDecision(in DecideAppealInput) error {
	if err := c.checkRequest(in.Request, activities.RoleAtasan, c.in.Atasan.NIP); err != nil {
		return err
	}
	if !c.appealFiled || c.appealDecided {
		return reject(ErrWrongPhase, "tidak ada keberatan yang menunggu keputusan")
	}
	if c.isRater(in.Actor.NIP) || c.isRater(in.Actor.OnBehalfOf) {
		return reject(ErrForbidden, "pejabat yang memberi penilaian tidak dapat memutus keberatan atasnya")
	}
	switch in.Decision {
	case AppealUphold:
	case AppealChange:
		p, err := appraisal.PredikatOf(in.Hasil, in.Perilaku)
		if err != nil {
			return reject(ErrInvalid, "rating_hasil/rating_perilaku: %s", err.Error())
		}
		if p == c.predikat {
			return reject(ErrInvalid, "decision: rating baru menghasilkan predikat yang sama (%s); gunakan uphold", p.Label())
		}
	default:
		return reject(ErrInvalid, "decision: harus uphold atau change")
	}
	if strings.TrimSpace(in.Notes) == "" {
		return reject(ErrInvalid, "notes: tuliskan pertimbangan keputusan")
	}
	return nil
}

func (c *cycle) validateFollowUp(in ConfirmFollowUpInput) error {
	if err := c.checkRequest(in.Request, activities.RoleHR, ""); err != nil {
		return err
	}
	if c.phase != PhaseFollowUp || c.followUpDone {
		return reject(ErrWrongPhase, "tindak lanjut ditetapkan setelah hasil final, satu kali")
	}
	if _, err := appraisal.ParseFollowUp(string(in.Decision)); err != nil {
		return reject(ErrInvalid, "decision: %s", err.Error())
	}
	return nil
}

func (c *cycle) validateReassign(in ReassignInput) error {
	if err := c.checkRequest(in.Request, activities.RoleHR, ""); err != nil {
		return err
	}
	if c.resultFinal {
		return reject(ErrWrongPhase, "hasil sudah final: pejabat penilai dan atasannya tidak lagi berperan")
	}
	if err := c.pendingMutasi(); err != nil {
		return err
	}
	pen, ata := in.Penilai.NIP, in.Atasan.NIP
	if err := c.checkSupervisors(in); err != nil {
		return err
	}
	switch {
	case pen == c.in.Penilai.NIP && ata == c.in.Atasan.NIP:
		return reject(ErrInvalid, "penilai_nip/atasan_nip: sama dengan yang sekarang, tidak ada yang diubah")
	case c.appealFiled && !c.appealDecided && c.isRater(ata):
		return reject(ErrInvalid, "atasan_nip: pejabat yang memberi penilaian tidak dapat memutus keberatan atasnya")
	}
	return nil
}

// checkSupervisors refuses a penilai and atasan who are missing, the employee, or one person.
func (c *cycle) checkSupervisors(in ReassignInput) error {
	emp, pen, ata := c.in.Employee.NIP, in.Penilai.NIP, in.Atasan.NIP
	switch {
	case pen == "" || ata == "":
		return reject(ErrInvalid, "penilai_nip/atasan_nip: pejabat penilai dan atasannya wajib ada")
	case pen == emp || ata == emp:
		return reject(ErrInvalid, "penilai_nip/atasan_nip: pegawai tidak dapat menilai dirinya sendiri")
	case pen == ata:
		return reject(ErrInvalid, "atasan_nip: atasan pejabat penilai harus orang lain dari pejabat penilai")
	}
	return nil
}

// isRater tells whether nip rated this year, in person or as Plt/Plh.
func (c *cycle) isRater(nip string) bool {
	return nip != "" && slices.Contains(c.raters, nip)
}

func (c *cycle) validateSetPlan(in SetPlanInput) error {
	if err := c.checkRequest(in.Request, activities.RoleHR, ""); err != nil {
		return err
	}
	if c.phase != PhasePlanning || c.planState == planApproved {
		return reject(ErrWrongPhase, "SKP sudah ditetapkan")
	}
	if due := c.deadlines[DeadlinePlan]; c.now().Before(due) {
		return reject(ErrWrongPhase, "pengelola kinerja dapat menyusun dan menetapkan SKP setelah batas waktu penyusunan SKP (%s) terlewati",
			wib.Format(due))
	}
	if err := in.Plan.Validate(); err != nil {
		return reject(ErrInvalid, "%s", err.Error())
	}
	return nil
}

// maxCloseNotes bounds the notes of a closed year.
const maxCloseNotes = 2000

func (c *cycle) validateCloseYear(in CloseYearInput) error {
	if err := c.checkRequest(in.Request, activities.RoleHR, ""); err != nil {
		return err
	}
	if !c.trustworthy() {
		return reject(ErrWrongPhase, "tahun kinerja ini dimulai sebelum penutupan oleh pengelola kinerja tersedia")
	}
	if c.ended() || c.posted {
		return reject(ErrWrongPhase, "tahun kinerja sudah berakhir")
	}
	if _, ok := CloseReasons[in.Reason]; !ok {
		return reject(ErrInvalid, "reason: harus salah satu dari pensiun, meninggal, pindah_keluar, duplikat")
	}
	if utf8.RuneCountInString(in.Notes) > maxCloseNotes {
		return reject(ErrInvalid, "notes: paling banyak %d karakter", maxCloseNotes)
	}
	return nil
}

func (c *cycle) validateResume(in ResumeInput) error {
	if err := c.checkRequest(in.Request, activities.RoleHR, ""); err != nil {
		return err
	}
	if c.blocked == "" {
		return reject(ErrWrongPhase, "tahun kinerja ini tidak sedang terhenti")
	}
	return nil
}
