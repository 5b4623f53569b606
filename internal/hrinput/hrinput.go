// Package hrinput holds what HR hands the application layer and gets back from it, the same for
// both faces: the JSON API decodes these from a body (api/), the pages read them from a form
// (web/). The rules that judge them live in api/, once.
package hrinput

import (
	"time"

	"github.com/kinerja/platform/store"
)

// NewCycle is a cycle to create (POST /api/cycles, the form at /siklus/baru).
type NewCycle struct {
	Year      int                  `json:"year"`
	Name      string               `json:"name"`
	Deadlines map[string]time.Time `json:"deadlines"`
	// Days are the usual unit; the duration fields (Go syntax, e.g. "30s") override them for
	// rehearsal cycles compressed to minutes.
	AppealWindowDays int    `json:"appeal_window_days"`
	DecisionSLADays  int    `json:"decision_sla_days"`
	ReminderDays     int    `json:"reminder_days"`
	AppealWindow     string `json:"appeal_window"`
	DecisionSLA      string `json:"decision_sla"`
	ReminderLead     string `json:"reminder_lead"`
	// EvaluationPeriod is monthly or quarterly; "midyear" (or nothing) keeps the single mid-year
	// check-in (rehearsal cycles compressed to minutes).
	EvaluationPeriod string `json:"evaluation_period"`
	// The period calendar in whole days (internal/period.Calendar); each left out (null) takes
	// period.DefaultCalendar's day. Fixed once the cycle is created.
	PeriodOpensDays  *int `json:"period_opens_days"`
	PeriodReportDays *int `json:"period_report_days"`
	PeriodRatingDays *int `json:"period_rating_days"`
}

// DeadlineMoved is a moved deadline and the batch that tells every enrolled year of it.
type DeadlineMoved struct {
	Name  string
	At    time.Time
	Batch store.Batch
}

// Progress is HR's progress view of a cycle: the subtree looked at ("" the whole organisation)
// and its counts, drill-down and page of years.
type Progress struct {
	Cycle    store.Cycle
	Unit     string
	Progress store.Progress
}

// Distribution is Monitoring Kurva: the cycle's mode and the units the caller may see.
type Distribution struct {
	Cycle store.Cycle
	Units []store.UnitDistribution
}

// NewDelegation is a Plt/Plh to record (POST /api/delegations, the form at /delegasi). Times are
// RFC 3339; EndsAt is exclusive.
type NewDelegation struct {
	PrincipalNIP string `json:"principal_nip"`
	DelegateNIP  string `json:"delegate_nip"`
	Kind         string `json:"kind"`
	StartsAt     string `json:"starts_at"`
	EndsAt       string `json:"ends_at"`
	Reason       string `json:"reason"`
}

// Delegation is a delegation as shown, with whether it is in force now.
type Delegation struct {
	store.Delegation
	Active bool
}

// BatchProgress is a durable batch as both faces show it (GET /api/batches/:id, the page
// /proses/:id): the counts read from its items, the rate of items ended per second since it
// started, the time left at that rate, and the first failed items with their reasons.
type BatchProgress struct {
	Batch   store.Batch
	Ended   int     // done, failed and skipped
	Percent int     // of the total ended
	Rate    float64 // items ended per second
	ETA     *int64  // seconds left at that rate; nil when unknown or not running
	Failed  []store.BatchItem
}

// BatchStateNames name a batch's states as both faces show them.
var BatchStateNames = map[string]string{store.BatchRunning: "berjalan", store.BatchPaused: "dijeda",
	store.BatchCancelled: "dibatalkan", store.BatchFinished: "selesai"}

// BatchVerbs say what moving a batch to a state does: "dijeda", "dilanjutkan", "dibatalkan".
var BatchVerbs = map[string]string{store.BatchRunning: "dilanjutkan", store.BatchPaused: "dijeda",
	store.BatchCancelled: "dibatalkan"}

// SupervisorChanges is a page of a cycle's running years whose penilai or atasan differ from
// today's org data (GET /api/cycles/:id/supervisor-changes and its page).
type SupervisorChanges struct {
	Cycle     store.Cycle
	Total     int
	Years     []store.SupervisorChange
	NextAfter string
}

// StagedImport is an organisation file checked by a dry run and kept server-side, so that
// applying it needs no second upload: the token names it, the result is the dry run's.
type StagedImport struct {
	Token    string // empty when the file had problems: nothing to apply
	FileName string
	Result   store.FileImportResult
}
