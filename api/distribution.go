package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/distribution"
	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// The distribution rule of SE MenPANRB 03/2023 (internal/distribution): a unit's own predikat,
// HR's justification of a unit that breaks the rule, the cycle's block-or-warn setting, and the
// per-unit view (Monitoring Kurva) for HR and the supervisors of the unit.
func (s *Server) distributionRoutes(a *gin.RouterGroup) {
	a.GET("/cycles/:cycle/distribution", s.distributionView)
	a.PUT("/cycles/:cycle/units/:unit/org-predikat", s.setOrgPredikat)
	a.PUT("/cycles/:cycle/units/:unit/justification", s.requireHR, s.justifyDistribution)
	a.PUT("/cycles/:cycle/distribution-mode", s.requireOrgWide, s.setDistributionMode)
}

// canSeeUnit: HR whose scope holds the unit, or a penilai or atasan of someone enrolled in it.
func (s *Server) canSeeUnit(ctx context.Context, who access.Caller, parents map[string]string, cycleID int64, unit string) (bool, error) {
	if _, known := parents[unit]; !known {
		return false, nil
	}
	if who.HRCovers(access.Ancestry(parents, unit)) {
		return true, nil
	}
	return s.Store.SupervisesIn(ctx, cycleID, unit, who.NIP)
}

// distributionView answers every unit of the cycle whose predikat is set and the caller may see,
// or with ?unit= that one unit (set or not).
func (s *Server) distributionView(c *gin.Context) {
	d, err := s.Distribution(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cycle_id": d.Cycle.ID, "mode": d.Cycle.DistributionMode, "rounding_rule": distribution.RoundingRule,
		"units": d.Units})
}

// Distribution is Monitoring Kurva of the route's :cycle: every unit whose predikat is set and
// the caller may see, or with ?unit= that one unit (set or not; 404 when the caller may not see it).
func (s *Server) Distribution(c *gin.Context) (hrinput.Distribution, error) {
	var none hrinput.Distribution
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	ctx := c.Request.Context()
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return none, err
	}
	units, err := s.Store.OrgPredikatUnits(ctx, cy.ID)
	if err != nil {
		return none, err
	}
	if u := c.Query("unit"); u != "" {
		units = []string{u}
	}
	out := hrinput.Distribution{Cycle: cy, Units: []store.UnitDistribution{}}
	for _, u := range units {
		visible, err := s.canSeeUnit(ctx, who, parents, cy.ID, u)
		if err != nil {
			return none, err
		}
		if !visible {
			if c.Query("unit") != "" {
				return none, errNotFound("unit tidak ditemukan")
			}
			continue
		}
		d, err := s.Store.Distribution(ctx, cy.ID, u)
		if err != nil {
			return none, err
		}
		out.Units = append(out.Units, d)
	}
	return out, nil
}

type orgPredikatInput struct {
	Predikat string `json:"predikat"`
}

// setOrgPredikat records a unit's own predikat: the leadership one level up sets it (the head of
// the parent unit), or region-wide HR records it on the leadership's decision.
func (s *Server) setOrgPredikat(c *gin.Context) {
	d, err := s.SetOrgPredikat(c, c.Param("unit"), func() (string, error) {
		var in orgPredikatInput
		err := bind(c, &in)
		return in.Predikat, err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// SetOrgPredikat records unit's own predikat in the route's :cycle, read by read once the caller
// may set it: PUT .../units/:unit/org-predikat and the Monitoring Kurva page's form.
func (s *Server) SetOrgPredikat(c *gin.Context, unit string, read func() (string, error)) (store.UnitDistribution, error) {
	var none store.UnitDistribution
	ctx := c.Request.Context()
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return none, err
	}
	parent, known := parents[unit]
	allowed := who.OrgWide()
	if !allowed && known && parent != "" {
		head, err := s.Store.UnitHead(ctx, parent)
		if err != nil {
			return none, err
		}
		allowed = head != "" && head == who.NIP
	}
	if !allowed {
		// Said before anything is looked up for the caller: an unknown unit answers the same.
		return none, errForbidden("predikat organisasi ditetapkan oleh pimpinan satu tingkat di atas unit, atau dicatat oleh pengelola kinerja tingkat daerah")
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	if !known {
		return none, errNotFound("unit tidak ditemukan")
	}
	predikat, err := read()
	if err != nil {
		return none, err
	}
	p, err := distribution.ParseOrgPredikat(predikat)
	if err != nil {
		return none, errInvalid("predikat: " + err.Error())
	}
	if err := s.Store.SetOrgPredikat(ctx, cy.ID, unit, p, who.NIP, s.now()); err != nil {
		return none, err
	}
	s.recheckHeld(ctx, cy.ID, unit)
	return s.Store.Distribution(ctx, cy.ID, unit)
}

type justificationInput struct {
	Justification string `json:"justification"`
}

// Bounds of a justification: enough to say why, short enough to read.
const (
	minJustification = 20
	maxJustification = 2000
)

// justifyDistribution records HR's justification for a unit that breaks the rule, so the results
// the rule held become final.
func (s *Server) justifyDistribution(c *gin.Context) {
	d, err := s.Justify(c, c.Param("unit"), func() (string, error) {
		var in justificationInput
		err := bind(c, &in)
		return in.Justification, err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}

// Justify records HR's justification (read by read once the unit is known to be in the caller's
// HR scope) for unit in the route's :cycle: PUT .../units/:unit/justification and the page's form.
func (s *Server) Justify(c *gin.Context, unit string, read func() (string, error)) (store.UnitDistribution, error) {
	var none store.UnitDistribution
	if err := hrOnly(c); err != nil {
		return none, err
	}
	ctx := c.Request.Context()
	who, parents, err := s.whoInOrg(c)
	if err != nil {
		return none, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	if !coversUnit(who, parents, unit) {
		return none, errNotFound("unit tidak ditemukan")
	}
	text, err := read()
	if err != nil {
		return none, err
	}
	text = strings.TrimSpace(text)
	if n := utf8.RuneCountInString(text); n < minJustification || n > maxJustification {
		return none, errInvalid("justification: tuliskan alasan antara 20 dan 2000 karakter")
	}
	if err := s.Store.Justify(ctx, cy.ID, unit, text, who.NIP, s.now()); err != nil {
		return none, err
	}
	s.recheckHeld(ctx, cy.ID, unit)
	return s.Store.Distribution(ctx, cy.ID, unit)
}

type distributionModeInput struct {
	Mode string `json:"mode"`
}

// setDistributionMode sets whether a unit breaking the rule holds its results (block) or only shows (warn).
func (s *Server) setDistributionMode(c *gin.Context) {
	cy, err := s.SetDistributionMode(c, func() (string, error) {
		var in distributionModeInput
		err := bind(c, &in)
		return in.Mode, err
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cycle_id": cy.ID, "mode": cy.DistributionMode})
}

// SetDistributionMode sets the route's :cycle to block or warn (read by read once the caller may;
// region-wide HR or admin) and has the held years of every unit check again: PUT
// /api/cycles/:id/distribution-mode and the cycle page's form.
func (s *Server) SetDistributionMode(c *gin.Context, read func() (string, error)) (store.Cycle, error) {
	if err := s.orgWide(c); err != nil {
		return store.Cycle{}, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return store.Cycle{}, err
	}
	mode, err := read()
	if err != nil {
		return store.Cycle{}, err
	}
	if mode != "block" && mode != "warn" {
		return store.Cycle{}, errInvalid("mode: harus block (hasil ditahan sampai ada justifikasi) atau warn (hanya peringatan)")
	}
	ctx := c.Request.Context()
	if err := s.Store.SetDistributionMode(ctx, cy.ID, mode, caller(c).NIP); err != nil {
		return store.Cycle{}, err
	}
	units, err := s.Store.OrgPredikatUnits(ctx, cy.ID)
	if err != nil {
		return store.Cycle{}, err
	}
	for _, u := range units {
		s.recheckHeld(ctx, cy.ID, u)
	}
	cy.DistributionMode = mode
	return cy, nil
}

// recheckHeld asks every year of the unit's subtree that the rule holds to check again. A year that
// cannot be told now checks again at the next change; the failure is logged, never the answer's.
func (s *Server) recheckHeld(ctx context.Context, cycleID int64, unit string) {
	ids, err := s.Store.HeldYears(ctx, cycleID, unit)
	if err != nil {
		slog.ErrorContext(ctx, "distribution recheck", "cycle", cycleID, "error", err)
		return
	}
	for _, id := range ids {
		err := s.Temporal.SignalWorkflow(ctx, id, "", workflows.SignalRecheckDistribution, nil)
		var nf *serviceerror.NotFound
		if err != nil && !errors.As(err, &nf) {
			slog.ErrorContext(ctx, "distribution recheck", "cycle", cycleID, "error", err)
		}
	}
}

// recheckAfterAppeal: an appeal decision may change the unit's counts.
func (s *Server) recheckAfterAppeal(ctx context.Context, cycleID int64, nip string) {
	unit, err := s.Store.GoverningUnit(ctx, cycleID, nip)
	if err != nil {
		slog.ErrorContext(ctx, "distribution recheck", "cycle", cycleID, "error", err)
		return
	}
	if unit != "" {
		s.recheckHeld(ctx, cycleID, unit)
	}
}
