package workflows

import (
	"hash/fnv"
	"time"
)

// PacedAt is when a workflow does the work a shared date triggers (a reminder, an escalation):
// due plus an offset in [0, spread) fixed by the workflow ID. The 100,000 years that share one
// deadline then spread their work over the window instead of all waking at the same instant.
// Lateness is still judged at due itself; only the work moves.
func PacedAt(workflowID string, due time.Time, spread time.Duration) time.Time {
	if spread <= 0 {
		return due
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(workflowID))
	return due.Add(time.Duration(h.Sum64() % uint64(spread)))
}

// DeadlineWorkSpread is the window over which the years sharing a deadline do its work. It is
// never more than a quarter of the cycle's reminder lead, so a reminder still comes well before
// its date (in a rehearsal cycle compressed to minutes the window shrinks with it).
const DeadlineWorkSpread = 30 * time.Minute

func deadlineWorkSpread(reminderLead time.Duration) time.Duration {
	if reminderLead > 0 && reminderLead/4 < DeadlineWorkSpread {
		return reminderLead / 4
	}
	return DeadlineWorkSpread
}
