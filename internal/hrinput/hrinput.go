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
