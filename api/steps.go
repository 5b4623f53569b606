package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/distribution"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// Step takes one human step (an update name such as workflows.UpdateSubmitPlan) in the year named
// by the route's :cycle and :nip, as the pages do; fill puts the form's values into the step's
// input. The JSON handler act goes through the same step function.
func (s *Server) Step(c *gin.Context, update string, fill func(in any) error) (workflows.Status, error) {
	_, st, err := s.step(c, update, func(in any, _ *workflows.Request) error { return fill(in) })
	return st, err
}

// step is the one path of a human step: internal/access decides who may take it and as whom (a
// Plt/Plh acts as the official they stand in for, with Actor.OnBehalfOf naming them), decode
// reads the caller's input, and the workflow's validator decides whether the step fits where
// the year stands (checking the actor against its own snapshot again). It returns the request id.
func (s *Server) step(c *gin.Context, update string, decode func(in any, req *workflows.Request) error) (string, workflows.Status, error) {
	var none workflows.Status
	v, err := s.findYear(c)
	if err != nil {
		return "", none, err
	}
	in, req := stepInput(update)
	role, known := stepRole(update)
	if in == nil || !known {
		return "", none, errNotFound("langkah " + update + " tidak dikenal")
	}
	acting, decision := access.Act(v.who, v.target, role)
	if decision != access.Allow {
		// Hidden cannot happen here: findYear has answered 404 already.
		return "", none, forbiddenStep(role)
	}
	if err := decode(in, req); err != nil {
		return "", none, err
	}
	if err := planError(in); err != nil {
		return "", none, err
	}
	if err := s.cascadeError(c, v.en, in); err != nil {
		return "", none, err
	}
	if err := s.leaderRatingError(c.Request.Context(), v.en, in); err != nil {
		return "", none, err
	}
	ri, ok := in.(*workflows.ReassignInput)
	if mi, isMutasi := in.(*workflows.MutasiInput); isMutasi {
		ri, ok = &mi.ReassignInput, true
		if err := s.resolvePosition(c.Request.Context(), mi); err != nil {
			return "", none, err
		}
	}
	if ok {
		if err := s.resolveSupervisors(c.Request.Context(), v.en.NIP, ri); err != nil {
			return "", none, err
		}
	}
	// The actor is who the org data and the delegations say is calling, never what the body claims.
	req.Actor = workflows.Actor{NIP: acting.NIP, HR: acting.HR, OnBehalfOf: acting.OnBehalfOf}
	if err := requestID(c, req); err != nil {
		return "", none, err
	}
	st, err := s.update(c.Request.Context(), v.en.WorkflowID, update, req.RequestID, in)
	if err != nil {
		return "", none, err
	}
	if update == workflows.UpdateDecideAppeal {
		s.recheckAfterAppeal(c.Request.Context(), v.en.CycleID, v.en.NIP)
	}
	return req.RequestID, st, nil
}

// planError runs the SKP rules the workflow's validator runs (skp.Plan.Validate, the one place
// they live) before the call, to name the field at fault; the message is the workflow's own.
func planError(in any) error {
	var p *skp.Plan
	switch in := in.(type) {
	case *workflows.SubmitPlanInput:
		p = &in.Plan
	case *workflows.SetPlanInput:
		p = &in.Plan
	default:
		return nil
	}
	var fe skp.FieldError
	if err := p.Validate(); errors.As(err, &fe) {
		ae := errInvalid(fe.Error())
		ae.Field = fe.Field
		return ae
	}
	return nil
}

// leaderRatingError refuses an annual rating of a unit's head whose rating hasil kerja is not the
// one the unit's own predikat sets (distribution.LeaderRating), once that predikat is set.
func (s *Server) leaderRatingError(ctx context.Context, en store.Enrolment, in any) error {
	r, ok := in.(*workflows.RateInput)
	if !ok || r.Period != "" {
		return nil
	}
	led, err := s.Store.LedUnitOf(ctx, en.CycleID, en.NIP)
	if err != nil || led.Org == "" {
		return err
	}
	if want := distribution.LeaderRating(led.Org); r.Hasil != want {
		ae := errInvalid(fmt.Sprintf("rating_hasil: %s memimpin %s, yang predikat kinerja organisasinya %s: capaian organisasi itu menjadi rating hasil kerjanya, yaitu %s",
			en.Name, led.UnitName, led.Org.Label(), want.Label()))
		ae.Field = "rating_hasil"
		return ae
	}
	return nil
}

// resolvePosition names a mutasi's new position from the org data's positions: the workflow keeps
// both the id and the name as it reads today, never a name the caller typed. An empty id is
// left to the workflow's own refusal.
func (s *Server) resolvePosition(ctx context.Context, in *workflows.MutasiInput) error {
	in.PositionID, in.Position = strings.TrimSpace(in.PositionID), ""
	if in.PositionID == "" {
		return nil
	}
	p, err := s.Store.PositionByID(ctx, in.PositionID)
	if errors.Is(err, store.ErrNotFound) {
		ae := errInvalid("position_id: jabatan " + in.PositionID + " tidak ada dalam data jabatan organisasi; pilih jabatan dari daftar")
		ae.Field = "position_id"
		return ae
	}
	if err != nil {
		return err
	}
	in.Position = p.Name
	return nil
}
