package activities

import (
	"context"
	"fmt"
	"strings"

	"github.com/kinerja/platform/store"
)

// TaskDistributionHold is HR's task while a unit's distribution holds an employee's result.
const TaskDistributionHold = "distribution_hold"

// DistributionQuery asks whether an employee's result may become final under the distribution rule.
type DistributionQuery struct {
	CycleID int64  `json:"cycle_id"`
	NIP     string `json:"nip"`
}

// DistributionVerdict is the answer: Holds while the employee's governing unit breaks the rule, the
// cycle blocks, and HR has recorded no justification.
type DistributionVerdict struct {
	Holds    bool   `json:"holds"`
	UnitID   string `json:"unit_id,omitempty"`
	UnitName string `json:"unit_name,omitempty"`
	// Summary says which bounds the unit breaks, in Bahasa Indonesia.
	Summary string `json:"summary,omitempty"`
}

// CheckDistribution reads the employee's governing unit (the nearest one up whose organisation
// predikat is set) and checks it now, with every predikat of the unit as it stands.
func (a *Activities) CheckDistribution(ctx context.Context, q DistributionQuery) (DistributionVerdict, error) {
	st := &store.Store{Pool: a.Pool}
	unit, err := st.GoverningUnit(ctx, q.CycleID, q.NIP)
	if err != nil || unit == "" {
		return DistributionVerdict{}, err
	}
	d, err := st.Distribution(ctx, q.CycleID, unit)
	if err != nil {
		return DistributionVerdict{}, err
	}
	v := DistributionVerdict{Holds: d.Holds, UnitID: unit, UnitName: d.UnitName}
	if d.Check != nil && !d.Check.OK {
		var broken []string
		for _, l := range d.Check.Lines {
			if !l.OK {
				broken = append(broken, fmt.Sprintf("%s (%d orang, batas %d)", l.Rule, l.Count, l.Limit))
			}
		}
		v.Summary = fmt.Sprintf("sebaran predikat %s (predikat organisasi %s) belum sesuai ketentuan: %s",
			d.UnitName, d.Org.Label(), strings.Join(broken, "; "))
	}
	return v, nil
}
