package api

import (
	"errors"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/store"
)

// What the employee and supervisor pages (web/rating.go, web/team.go) read beyond the year itself;
// the same decisions as the JSON handlers: access.CanSee for years, canSeeUnit for a unit.

// UnitDistribution is the distribution check (SE MenPANRB 03/2023) of the unit whose rule the
// year's predikat counts under, as GET /api/cycles/:cycle/distribution?unit= answers it; nil while
// no unit above the employee has its own predikat for the cycle, or the caller may not see it.
func (s *Server) UnitDistribution(c *gin.Context) (*store.UnitDistribution, error) {
	v, err := s.findYear(c)
	if err != nil {
		return nil, err
	}
	ctx := c.Request.Context()
	unit, err := s.Store.GoverningUnit(ctx, v.en.CycleID, v.en.NIP)
	if err != nil || unit == "" {
		return nil, err
	}
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		return nil, err
	}
	if ok, err := s.canSeeUnit(ctx, v.who, parents, v.en.CycleID, unit); err != nil || !ok {
		return nil, err
	}
	d, err := s.Store.Distribution(ctx, v.en.CycleID, unit)
	if err != nil {
		return nil, err
	}
	return &d, nil
}

// LedUnit is the unit the route's employee heads with its own predikat, to whoever sees the year:
// the rating page shows which rating hasil kerja that predikat sets.
func (s *Server) LedUnit(c *gin.Context) (store.LedUnit, error) {
	v, err := s.findYear(c)
	if err != nil {
		return store.LedUnit{}, err
	}
	return s.Store.LedUnitOf(c.Request.Context(), v.en.CycleID, v.en.NIP)
}

// Team lists the years the caller has a part in as penilai or atasan, in person or as Plt/Plh of
// an official whose delegation is in force, each with the open tasks waiting on them.
func (s *Server) Team(c *gin.Context) ([]store.TeamMember, error) {
	who, err := s.who(c)
	if err != nil {
		return nil, err
	}
	nips := []string{who.NIP}
	for _, d := range who.Delegations {
		if d.ActiveAt(who.Now) {
			nips = append(nips, d.Principal)
		}
	}
	rows, err := s.Store.Team(c.Request.Context(), nips)
	if err != nil {
		return nil, err
	}
	out := rows[:0]
	for _, m := range rows {
		// Units play no part for a penilai or atasan (and HR's own view is elsewhere).
		t := access.Target{NIP: m.NIP, PenilaiNIP: m.PenilaiNIP, AtasanNIP: m.AtasanNIP, FormerPenilaiNIP: m.FormerPenilaiNIP}
		if m.NIP != who.NIP && access.CanSee(who, t) {
			out = append(out, m)
		}
	}
	return out, nil
}

// MayAct answers which of the steps (update names) the caller may take in the route's year, the
// check Step makes first (stepRole and access.Act), each with whom the caller acts for as Plt/Plh
// ("" in person). The pages show a step's form only to whoever may take it; the step still decides.
func (s *Server) MayAct(c *gin.Context, updates ...string) (map[string]string, error) {
	v, err := s.findYear(c)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, u := range updates {
		role, known := stepRole(u)
		if !known {
			return nil, errNotFound("langkah " + u + " tidak dikenal")
		}
		if acting, d := access.Act(v.who, v.target, role); d == access.Allow {
			out[u] = ""
			if acting.OnBehalfOf != "" {
				out[u] = acting.NIP
			}
		}
	}
	return out, nil
}

// PlanVersion reads one earlier version of the route's year's SKP, for the review's "what changed
// since the last version"; nil when there is no such version.
func (s *Server) PlanVersion(c *gin.Context, version int) (*store.PlanVersion, error) {
	v, err := s.findYear(c)
	if err != nil {
		return nil, err
	}
	p, err := s.Store.PlanVersion(c.Request.Context(), v.en.CycleID, v.en.NIP, version)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	return p, err
}
