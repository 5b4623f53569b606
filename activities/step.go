package activities

import (
	"time"

	"github.com/kinerja/platform/internal/skp"
)

// Step is everything one workflow step writes, applied in one transaction so the projections,
// the inbox, the outbox and the audit log never disagree.
type Step struct {
	// Key makes the step idempotent: a retried activity with the same key writes nothing.
	Key string `json:"key"`
	// Seq orders the steps of one workflow; a step that commits late never overwrites a newer projection.
	Seq      int64  `json:"seq"`
	CycleID  int64  `json:"cycle_id"`
	NIP      string `json:"nip"`
	ActorNIP string `json:"actor_nip"` // "system" for timer-driven steps
	// OnBehalfOf is the Plt/Plh who took the step for ActorNIP; empty when ActorNIP acted in person.
	OnBehalfOf string    `json:"on_behalf_of,omitempty"`
	Action     string    `json:"action"`
	At         time.Time `json:"at"`
	// Before and After summarise the cycle around the step, for the audit log.
	Before Snapshot `json:"before"`
	After  Snapshot `json:"after"`

	Record     Record   `json:"record"`
	CloseTasks []string `json:"close_tasks,omitempty"` // task kinds closed for this employee-cycle
	// CloseAllTasks closes every open task of this employee-cycle: the year ended.
	CloseAllTasks bool       `json:"close_all_tasks,omitempty"`
	OpenTasks     []TaskSpec `json:"open_tasks,omitempty"` // each also sends a task email
	Notices       []Notice   `json:"notices,omitempty"`    // reminders, escalations, information
}

// Snapshot is the part of the cycle's state worth keeping in the projection and the audit log.
type Snapshot struct {
	Phase         string `json:"phase"`
	PlanState     string `json:"plan_state"`
	Predikat      string `json:"predikat,omitempty"`
	FinalPredikat string `json:"final_predikat,omitempty"`
	ResultFinal   bool   `json:"result_final"`
}

// Recipient roles of tasks and notices.
const (
	RolePegawai = "pegawai"
	RolePenilai = "penilai"
	RoleAtasan  = "atasan"
	RoleHR      = "hr" // every HR user
)

// TaskSpec opens one inbox row.
type TaskSpec struct {
	Kind        string     `json:"kind"`
	Role        string     `json:"role"`
	AssigneeNIP string     `json:"assignee_nip,omitempty"` // empty for RoleHR
	Title       string     `json:"title"`
	DueAt       *time.Time `json:"due_at,omitempty"`
}

// Notice is an email that is not a task assignment.
type Notice struct {
	Kind   string     `json:"kind"` // reminder, escalation, info (email.NoticeKind)
	Role   string     `json:"role"`
	NIP    string     `json:"nip,omitempty"` // empty for RoleHR
	Title  string     `json:"title"`
	DueAt  *time.Time `json:"due_at,omitempty"`
	Detail string     `json:"detail,omitempty"`
}

// Record is the domain write of a step; at most one field is set.
type Record struct {
	PlanSubmitted       *PlanSubmitted       `json:"plan_submitted,omitempty"`
	PlanDecided         *PlanDecided         `json:"plan_decided,omitempty"`
	Realisasi           *RealisasiReport     `json:"realisasi,omitempty"`
	Feedback            *Feedback            `json:"feedback,omitempty"`
	Rating              *Rating              `json:"rating,omitempty"`
	DialogScheduled     *DialogScheduled     `json:"dialog_scheduled,omitempty"`
	DialogRecorded      *DialogRecorded      `json:"dialog_recorded,omitempty"`
	Acknowledged        bool                 `json:"acknowledged,omitempty"`
	AppealFiled         *AppealFiled         `json:"appeal_filed,omitempty"`
	AppealDecided       *AppealDecided       `json:"appeal_decided,omitempty"`
	FollowUpRecommended *FollowUpRecommended `json:"follow_up_recommended,omitempty"`
	FollowUpDecided     *FollowUpDecided     `json:"follow_up_decided,omitempty"`
	Posting             *Posting             `json:"posting,omitempty"`
	Reassigned          *Reassigned          `json:"reassigned,omitempty"`
	Mutasi              *Mutasi              `json:"mutasi,omitempty"`
	// PlanSet is the SKP HR drafted and set after plan_due: written as a version already approved.
	PlanSet       *PlanSubmitted `json:"plan_set,omitempty"`
	DeadlineMoved *DeadlineMoved `json:"deadline_moved,omitempty"`
	YearClosed    *YearClosed    `json:"year_closed,omitempty"`
	// PeriodRating is the penilai's rating of one period; its predikat goes to period_results.
	PeriodRating *PeriodRating `json:"period_rating,omitempty"`
}

// PeriodRating rates one period of a periodic year (internal/period): the rows, the BerAKHLAK
// values, the feedback, and the predikat the payroll reads for every month the period covers.
type PeriodRating struct {
	Period   string        `json:"period"`
	FirstDay time.Time     `json:"first_day"` // the period's dates, as period_results keeps them
	LastDay  time.Time     `json:"last_day"`
	Hasil    string        `json:"rating_hasil"`
	Perilaku string        `json:"rating_perilaku"`
	Predikat string        `json:"predikat"`
	Rows     []RowRating   `json:"rows"`
	Values   []ValueRating `json:"values"`
	Feedback string        `json:"feedback"`
	Note     string        `json:"note"` // period_results.note: how the payroll names the cause of a rapel
}

// ValueRating rates one BerAKHLAK value in a period.
type ValueRating struct {
	Value  string `json:"value"`
	Rating string `json:"rating"`
}

// DeadlineMoved carries HR's move of a cycle date into the year: open tasks due on From become
// due on To, and each assignee is told.
type DeadlineMoved struct {
	Name string    `json:"name"`
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
}

// YearClosed ends a year early; see workflows.CloseReasons.
type YearClosed struct {
	Reason string `json:"reason"`
	Notes  string `json:"notes,omitempty"`
}

// Reassigned moves a running year, and its open tasks, to new supervisors.
type Reassigned struct {
	FromPenilai string `json:"from_penilai"`
	ToPenilai   string `json:"to_penilai"`
	FromAtasan  string `json:"from_atasan"`
	ToAtasan    string `json:"to_atasan"`
}

// Mutasi is HR's mutasi of a year: recorded (ahead of or at its date), applied at its date (the
// approved SKP ClosesPlanVersion closes, the year moves to the new supervisors), and FormerDone
// once no period of the old SKP waits for the former penilai.
type Mutasi struct {
	EffectiveAt       time.Time `json:"effective_at,omitempty"`
	PositionID        string    `json:"position_id,omitempty"`
	Position          string    `json:"position,omitempty"`
	Unit              string    `json:"unit,omitempty"`
	FromPenilai       string    `json:"from_penilai"` // when applied: empty if no old period waits for them
	ToPenilai         string    `json:"to_penilai,omitempty"`
	FromAtasan        string    `json:"from_atasan,omitempty"`
	ToAtasan          string    `json:"to_atasan,omitempty"`
	ClosesPlanVersion int       `json:"closes_plan_version,omitempty"`
	Applied           bool      `json:"applied,omitempty"`
	FormerDone        bool      `json:"former_done,omitempty"`
}

type PlanSubmitted struct {
	Version int      `json:"version"`
	Plan    skp.Plan `json:"plan"`
}

type PlanDecided struct {
	Version  int    `json:"version"`
	Approved bool   `json:"approved"`
	Notes    string `json:"notes,omitempty"`
}

type RealisasiReport struct {
	Period string          `json:"period"`
	Items  []skp.Realisasi `json:"items"`
}

type Feedback struct {
	Period string `json:"period"`
	Text   string `json:"text"`
}

type Rating struct {
	Hasil    string      `json:"rating_hasil"`
	Perilaku string      `json:"rating_perilaku"`
	Predikat string      `json:"predikat"`
	Rows     []RowRating `json:"rows,omitempty"`
}

// RowRating rates the realisasi of one RHK (Seq: its index in the plan).
type RowRating struct {
	Seq    int    `json:"seq"`
	Rating string `json:"rating"`
}

type DialogScheduled struct {
	At    time.Time `json:"at"`
	Place string    `json:"place"`
}

type DialogRecorded struct {
	Notes string `json:"notes"`
}

type AppealFiled struct {
	Reasons          string `json:"reasons"`
	OriginalPredikat string `json:"original_predikat"`
}

type AppealDecided struct {
	Decision      string `json:"decision"`
	Hasil         string `json:"rating_hasil,omitempty"`
	Perilaku      string `json:"rating_perilaku,omitempty"`
	FinalPredikat string `json:"final_predikat"`
	Notes         string `json:"notes,omitempty"`
}

type FollowUpRecommended struct {
	Predikat    string `json:"predikat"`
	Recommended string `json:"recommended"`
}

type FollowUpDecided struct {
	Decided string `json:"decided"`
	Notes   string `json:"notes,omitempty"`
}

// Posting marks the year's end: the final predikat goes to pay. Since migration 0027 the step
// writes no money itself: the monthly payroll posts what the region's policy attaches to the
// final result through pay_lines (see writeRecord).
type Posting struct {
	Period   string `json:"period"`
	Kind     string `json:"kind"`
	Predikat string `json:"predikat"`
}
