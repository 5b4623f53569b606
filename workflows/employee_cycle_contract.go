// Package workflows holds the deterministic workflow code and the contract api/ and worker/ use to reach it.
package workflows

import (
	"fmt"
	"time"

	"github.com/kinerja/platform/internal/appraisal"
	"github.com/kinerja/platform/internal/period"
	"github.com/kinerja/platform/internal/skp"
)

// TaskQueue is where the worker listens for cycle workflows and their activities.
const TaskQueue = "kinerja-cycle"

// EmployeeCycleWorkflow is the registered name of the one-per-employee-per-cycle workflow.
const EmployeeCycleWorkflow = "EmployeeCycle"

// EmployeeCycleIDPrefix starts the workflow ID of every employee's year. The rest of the ID is
// random (enrolment.NewWorkflowID): no NIP reaches Temporal's IDs. employee_cycles.workflow_id maps
// a year to its ID; years enrolled before IDs were opaque keep "employee-cycle/<cycle>/<nip>".
const EmployeeCycleIDPrefix = "employee-cycle/"

// Updates: every human step. Each takes its input struct below and returns the new Status.
const (
	UpdateSubmitPlan      = "submit-plan"
	UpdateApprovePlan     = "approve-plan"
	UpdateReturnPlan      = "return-plan"
	UpdateReportRealisasi = "report-realisasi"
	UpdateGiveFeedback    = "give-feedback"
	UpdateRate            = "rate"
	UpdateScheduleDialog  = "schedule-dialog"
	UpdateRecordDialog    = "record-dialog"
	UpdateAcknowledge     = "acknowledge"
	UpdateFileAppeal      = "file-appeal"
	UpdateDecideAppeal    = "decide-appeal"
	UpdateConfirmFollowUp = "confirm-followup"
	// UpdateReassign is HR's: after a mutasi the running year follows the new superiors.
	UpdateReassign = "reassign-supervisors"
	// UpdateSetPlan is HR's once plan_due passed without an approved SKP: HR drafts and sets it.
	UpdateSetPlan = "set-plan"
	// UpdateCloseYear is HR's: the year ends early (retirement, death, transfer out, duplicate).
	UpdateCloseYear = "close-year"
	// UpdateMutasi is HR's: the employee moves to another position at a date; the SKP closes then
	// and a new one is drafted for the new position, rated by the new penilai (periodic years).
	UpdateMutasi = "record-mutasi"
	// UpdateResume is HR's: a year blocked on a step that could not be written tries it again now.
	UpdateResume = "resume"
)

// SignalMoveDeadline carries a MoveDeadline: HR moved a cycle deadline.
const SignalMoveDeadline = "move-deadline"

// SignalRecheckDistribution asks a year whose result the distribution rule holds to check again:
// HR recorded a justification, the unit's predikat changed, or an appeal decision moved the counts.
const SignalRecheckDistribution = "recheck-distribution"

// QueryStatus returns the Status.
const QueryStatus = "status"

// Rejection codes carried as the ApplicationError type of a rejected update.
const (
	ErrForbidden  = "forbidden"         // the caller is not the person this step belongs to
	ErrWrongPhase = "wrong_phase"       // the step does not fit where the cycle stands
	ErrDuplicate  = "duplicate_request" // this request id was already processed
	ErrInvalid    = "invalid"           // the content is incomplete or wrong
)

// Phase is where an employee's year stands.
type Phase string

const (
	PhasePlanning   Phase = "perencanaan"    // drafting and approving the SKP
	PhaseExecution  Phase = "pelaksanaan"    // working; waiting for the monitoring or evaluation date
	PhaseMonitoring Phase = "pemantauan"     // mid-year realisasi and feedback
	PhaseEvaluation Phase = "penilaian"      // final realisasi and rating
	PhaseDialog     Phase = "dialog_kinerja" // feedback session and acknowledgement
	PhaseAppeal     Phase = "keberatan"      // appeal window, or an appeal awaiting decision
	PhaseFollowUp   Phase = "tindak_lanjut"  // HR confirms reward or sanction
	PhaseDone       Phase = "selesai"        // TPP posted, or the year ended unrated
	PhaseClosed     Phase = "ditutup"        // HR closed the year early
)

// Phases lists every phase in the year's order.
var Phases = []Phase{PhasePlanning, PhaseExecution, PhaseMonitoring, PhaseEvaluation, PhaseDialog, PhaseAppeal,
	PhaseFollowUp, PhaseDone, PhaseClosed}

// DeadlineName names one of a cycle's dates HR may move.
type DeadlineName string

const (
	DeadlinePlan            DeadlineName = "plan_due"
	DeadlineMonitoringStart DeadlineName = "monitoring_start"
	DeadlineMonitoring      DeadlineName = "monitoring_due"
	DeadlineEvaluationStart DeadlineName = "evaluation_start"
	DeadlineEvaluation      DeadlineName = "evaluation_due"
	DeadlineDialog          DeadlineName = "dialog_due"
	DeadlineFollowUp        DeadlineName = "followup_due"
)

// DeadlineNames lists every deadline in the order the year meets them.
var DeadlineNames = []DeadlineName{
	DeadlinePlan, DeadlineMonitoringStart, DeadlineMonitoring, DeadlineEvaluationStart,
	DeadlineEvaluation, DeadlineDialog, DeadlineFollowUp,
}

// Deadlines are a cycle's dates.
type Deadlines map[DeadlineName]time.Time

// Validate checks every date is there and they come in the year's order.
func (d Deadlines) Validate() error {
	var prev DeadlineName
	for _, n := range DeadlineNames {
		t, ok := d[n]
		if !ok || t.IsZero() {
			return fmt.Errorf("%s: wajib diisi", n)
		}
		if prev != "" && t.Before(d[prev]) {
			return fmt.Errorf("%s: tidak boleh sebelum %s", n, prev)
		}
		prev = n
	}
	return nil
}

// Person is someone the cycle names, as of enrolment.
type Person struct {
	NIP  string `json:"nip"`
	Name string `json:"name"`
}

// EmployeeCycleInput starts one employee's year.
type EmployeeCycleInput struct {
	CycleID   int64     `json:"cycle_id"`
	CycleName string    `json:"cycle_name"`
	Year      int       `json:"year"`
	Employee  Person    `json:"employee"`
	Penilai   Person    `json:"penilai"` // pejabat penilai kinerja: the direct superior
	Atasan    Person    `json:"atasan"`  // atasan pejabat penilai: decides appeals
	Deadlines Deadlines `json:"deadlines"`
	// AppealWindow runs from the moment the employee receives the result.
	AppealWindow time.Duration `json:"appeal_window"`
	// DecisionSLA is how long the atasan has to decide an appeal before HR is told.
	DecisionSLA time.Duration `json:"decision_sla"`
	// ReminderLead is how long before a deadline the person who must act is reminded.
	ReminderLead time.Duration `json:"reminder_lead"`
	// EvaluationPeriod is monthly or quarterly (internal/period): the year is reported and rated
	// period by period, continuing as new at each period's end. Empty: the mid-year check-in.
	EvaluationPeriod string `json:"evaluation_period,omitempty"`
	// PeriodCalendar is the cycle's period calendar (when reports open, reports and ratings are
	// due); nil in years enrolled before cycles had one: period.DefaultCalendar.
	PeriodCalendar *period.Calendar `json:"period_calendar,omitempty"`
	// Carried is the state a periodic year hands to its next run (continue-as-new); nil at enrolment.
	Carried *CarriedYear `json:"carried,omitempty"`
}

// CarriedYear is what a periodic year keeps across continue-as-new: everything decided so far
// that the rest of the year needs. Tasks, records and the audit log are in PostgreSQL already.
type CarriedYear struct {
	NextPeriod  int       `json:"next_period"` // index into period.Of(Year, EvaluationPeriod)
	Phase       Phase     `json:"phase"`
	Plan        skp.Plan  `json:"plan"`
	PlanState   string    `json:"plan_state"`
	PlanVersion int       `json:"plan_version"`
	Deadlines   Deadlines `json:"deadlines"` // as HR moved them
	StepSeq     int64     `json:"step_seq"`
	// Seen are the request ids already processed, so a repeat is still refused after the boundary.
	Seen []string `json:"seen"`
	// Rated are the periods rated so far with their predikat, in order.
	Rated []PeriodResult `json:"rated,omitempty"`
	// Mutasi is HR's mutasi of this year, if any, with the SKP it closed.
	Mutasi *MutasiState `json:"mutasi,omitempty"`
}

// PeriodResult is a period's outcome as the year keeps it.
type PeriodResult struct {
	Period   string             `json:"period"`
	Predikat appraisal.Predikat `json:"predikat,omitempty"` // empty: the period closed unrated
}

// MoveDeadline is HR's change of one cycle date.
type MoveDeadline struct {
	Name DeadlineName `json:"name"`
	At   time.Time    `json:"at"`
}

// Actor is who calls an update, as the API established it.
type Actor struct {
	NIP string `json:"nip"`
	HR  bool   `json:"hr"` // the API checked the caller is HR with this employee in scope
	// OnBehalfOf is the Plt/Plh who acts for NIP through a delegation the API checked was in
	// force; empty when NIP acts in person. Validators compare NIP only; the audit log keeps both.
	OnBehalfOf string `json:"on_behalf_of,omitempty"`
}

// Request is carried by every update: a caller-chosen id (a repeat is rejected) and the actor.
type Request struct {
	RequestID string `json:"request_id"`
	Actor     Actor  `json:"actor" input:"server"` // set by the API from the caller's identity
}

type SubmitPlanInput struct {
	Request
	Plan skp.Plan `json:"plan"`
}

type ApprovePlanInput struct{ Request }

type ReturnPlanInput struct {
	Request
	Notes string `json:"notes"`
}

// Period of a realisasi report or feedback; in a periodic year also a period's id ("2027-03",
// "2027-Q1", internal/period).
const (
	PeriodMidyear = "midyear"
	PeriodAnnual  = "annual"
)

type ReportRealisasiInput struct {
	Request
	Period string          `json:"period"`
	Items  []skp.Realisasi `json:"items"`
}

type GiveFeedbackInput struct {
	Request
	Feedback string `json:"feedback"`
}

type RateInput struct {
	Request
	Hasil    appraisal.Rating `json:"rating_hasil"`
	Perilaku appraisal.Rating `json:"rating_perilaku"`
	// Rows optionally rate the realisasi of single RHK, as the penilai weighs them; the year's
	// rating of hasil kerja is Hasil.
	Rows []RowRating `json:"row_ratings,omitempty"`
	// Period, in a periodic year, rates that period instead of the year: every RHK row is rated
	// (hasil kerja follows from them, appraisal.HasilKerja; Hasil stays empty), every BerAKHLAK
	// value too, Perilaku is the penilai's judgement over them, and Feedback is required.
	Period   string        `json:"period,omitempty"`
	Values   []ValueRating `json:"value_ratings,omitempty"`
	Feedback string        `json:"feedback,omitempty"`
}

// ValueRating is the penilai's rating of one BerAKHLAK value (skp.BerAKHLAK) in a period.
type ValueRating struct {
	Value  string           `json:"value"`
	Rating appraisal.Rating `json:"rating"`
}

// RowRating is the penilai's rating of the realisasi of one RHK (Seq: its index in the plan).
type RowRating struct {
	Seq    int              `json:"seq"`
	Rating appraisal.Rating `json:"rating"`
}

type ScheduleDialogInput struct {
	Request
	At    time.Time `json:"at"`
	Place string    `json:"place"`
}

type RecordDialogInput struct {
	Request
	Notes string `json:"notes"`
}

type AcknowledgeInput struct{ Request }

type FileAppealInput struct {
	Request
	Reasons string `json:"reasons"`
}

// Appeal decisions.
const (
	AppealUphold = "uphold"
	AppealChange = "change"
)

type DecideAppealInput struct {
	Request
	Decision string           `json:"decision"`
	Hasil    appraisal.Rating `json:"rating_hasil"`    // with change only
	Perilaku appraisal.Rating `json:"rating_perilaku"` // with change only
	Notes    string           `json:"notes"`
}

type ConfirmFollowUpInput struct {
	Request
	Decision appraisal.FollowUp `json:"decision"`
	Notes    string             `json:"notes"`
}

// ReassignInput names the new pejabat penilai and atasan penilai. The caller sends NIPs (empty:
// as the org data says today); the API resolves them into the people the workflow keeps.
type ReassignInput struct {
	Request
	PenilaiNIP string `json:"penilai_nip"`
	AtasanNIP  string `json:"atasan_nip"`
	Penilai    Person `json:"penilai" input:"server"`
	Atasan     Person `json:"atasan" input:"server"`
}

// MutasiInput is HR's mutasi: from EffectiveDate (YYYY-MM-DD, WIB) the employee holds the position
// PositionID (of the org data's positions; the API fills Position with its name) in Unit under the
// named penilai and atasan (NIPs empty: as today's org data says, as ReassignInput).
type MutasiInput struct {
	ReassignInput
	EffectiveDate string `json:"effective_date"`
	PositionID    string `json:"position_id"`
	Position      string `json:"position"`
	Unit          string `json:"unit"`
}

// MutasiStatus is a recorded mutasi as the status shows it.
type MutasiStatus struct {
	Date              time.Time `json:"date"`
	PositionID        string    `json:"position_id,omitempty"` // empty for a mutasi recorded as free text before
	Position          string    `json:"position"`
	Unit              string    `json:"unit,omitempty"`
	FromPenilai       Person    `json:"from_penilai"`
	ToPenilai         Person    `json:"to_penilai"`
	ClosedPlanVersion int       `json:"closed_plan_version"` // the approved SKP version closed at Date
	Applied           bool      `json:"applied"`
	PlanDue           time.Time `json:"plan_due"` // the new SKP's date
}

// SetPlanInput is the SKP HR drafts and sets when nobody did by plan_due.
type SetPlanInput struct {
	Request
	Plan skp.Plan `json:"plan"`
}

// Why HR closes a year early.
const (
	CloseRetired   = "pensiun"
	CloseDeceased  = "meninggal"
	CloseMovedOut  = "pindah_keluar"
	CloseDuplicate = "duplikat"
)

// CloseReasons lists every reason HR may give, with its label.
var CloseReasons = map[string]string{
	CloseRetired:   "pensiun",
	CloseDeceased:  "meninggal dunia",
	CloseMovedOut:  "pindah ke luar instansi",
	CloseDuplicate: "pendaftaran ganda",
}

type ResumeInput struct{ Request }

type CloseYearInput struct {
	Request
	Reason string `json:"reason"`
	Notes  string `json:"notes"`
}

// Status is where one employee's year stands: the query answer and every update's result.
type Status struct {
	CycleID        int64              `json:"cycle_id"`
	NIP            string             `json:"nip"`
	Phase          Phase              `json:"phase"`
	PlanState      string             `json:"plan_state"` // none, submitted, returned, approved
	PlanVersion    int                `json:"plan_version"`
	Predikat       appraisal.Predikat `json:"predikat,omitempty"`
	FinalPredikat  appraisal.Predikat `json:"final_predikat,omitempty"`
	ResultFinal    bool               `json:"result_final"`
	AppealDeadline *time.Time         `json:"appeal_deadline,omitempty"`
	AppealFiled    bool               `json:"appeal_filed"`
	FollowUp       appraisal.FollowUp `json:"follow_up,omitempty"`
	Posted         bool               `json:"posted"`
	Deadlines      Deadlines          `json:"deadlines"`
	// Unrated: the year ended at followup_due without a rating; nothing was posted.
	Unrated bool `json:"unrated,omitempty"`
	// ClosedReason is set when HR closed the year early.
	ClosedReason string `json:"closed_reason,omitempty"`
	// Blocked is why a step cannot be written; the year waits, retrying, until it can.
	Blocked string `json:"blocked,omitempty"`
	// HeldByDistribution says why the result waits on the unit's distribution rule (SE MenPANRB 03/2023).
	HeldByDistribution string `json:"held_by_distribution,omitempty"`
	// EvaluationPeriod is monthly or quarterly for a periodic year; empty otherwise.
	EvaluationPeriod string `json:"evaluation_period,omitempty"`
	// Period is the period open now (its report and rating), if any.
	Period *PeriodStatus `json:"period,omitempty"`
	// PeriodResults are the periods closed so far, rated or not, in order.
	PeriodResults []PeriodResult `json:"period_results,omitempty"`
	// Mutasi is the mutasi HR recorded in this year, if any.
	Mutasi *MutasiStatus `json:"mutasi,omitempty"`
}

// PeriodStatus is where the open period stands.
type PeriodStatus struct {
	ID        string             `json:"id"`
	Label     string             `json:"label"`
	Start     time.Time          `json:"start"`
	End       time.Time          `json:"end"`
	ReportDue time.Time          `json:"report_due"`
	RatingDue time.Time          `json:"rating_due"`
	Closes    time.Time          `json:"closes"`
	Reported  bool               `json:"reported"`
	Rated     bool               `json:"rated"`
	Predikat  appraisal.Predikat `json:"predikat,omitempty"`
}
