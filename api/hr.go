package api

import (
	"context"
	"errors"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
)

// What HR's pages (web/hr_*.go) share with the JSON handlers: the role gates and the functions
// that read and change cycles, progress, the distribution, delegations and the audit export
// (api/cycles.go, api/distribution.go, api/delegations.go, api/audit.go). Each gate is the one the
// JSON route's middleware runs, so both faces refuse alike.

// orgWide admits region-wide HR and admins: cycle-wide and organisation-wide work.
func (s *Server) orgWide(c *gin.Context) error {
	who, err := s.who(c)
	if err != nil {
		return err
	}
	if !who.OrgWide() {
		return errForbidden("hanya pengelola kinerja tingkat daerah (BKPSDM, tanpa batas unit) atau admin yang dapat melakukan ini")
	}
	return nil
}

// hrOrAdmin admits HR of any scope and admins; the caller then checks the scope.
func hrOrAdmin(c *gin.Context) error {
	if me := caller(c); !me.IsHR && !me.IsAdmin {
		return errForbidden("hanya pengelola kinerja (BKPSDM) atau admin yang dapat melakukan ini")
	}
	return nil
}

// hrOnly admits HR of any scope; the caller then checks the scope.
func hrOnly(c *gin.Context) error {
	if !caller(c).IsHR {
		return errForbidden("hanya pengelola kinerja (BKPSDM) yang dapat melakukan ini")
	}
	return nil
}

// Positions lists the org data's positions for HR: the positions a mutasi (record-mutasi's
// position_id) chooses from.
func (s *Server) Positions(c *gin.Context) ([]store.Position, error) {
	if err := hrOnly(c); err != nil {
		return nil, err
	}
	return s.Store.Positions(c.Request.Context())
}

// OrgWide is the gate of organisation-wide work, for a page that shows its form first.
func (s *Server) OrgWide(c *gin.Context) error { return s.orgWide(c) }

// HROrAdmin is the gate of work for HR of any scope or admins, for a page that shows its form first.
func (s *Server) HROrAdmin(c *gin.Context) error { return hrOrAdmin(c) }

// Cycles lists every cycle to HR (any scope) and admins.
func (s *Server) Cycles(c *gin.Context) ([]store.Cycle, error) {
	if err := hrOrAdmin(c); err != nil {
		return nil, err
	}
	return s.Store.Cycles(c.Request.Context())
}

// Cycle reads the route's :cycle for HR (any scope) and admins, as GET /api/cycles/:id.
func (s *Server) Cycle(c *gin.Context) (store.Cycle, error) {
	if err := hrOrAdmin(c); err != nil {
		return store.Cycle{}, err
	}
	return s.cycleOf(c)
}

// fieldProblems collects every field at fault in an input, so one answer names them all.
type fieldProblems struct {
	fields map[string]string
	order  []string
}

func (p *fieldProblems) add(field, msg string) {
	if p.fields == nil {
		p.fields = map[string]string{}
	}
	if _, seen := p.fields[field]; seen {
		return // the first problem of a field is the one to fix first
	}
	p.fields[field] = msg
	p.order = append(p.order, field)
}

// addErr adds a refusal whose message starts with its field ("year: ..."), as errInvalid's do.
func (p *fieldProblems) addErr(err error) {
	if err == nil {
		return
	}
	field, msg, ok := strings.Cut(err.Error(), ": ")
	if !ok {
		field, msg = "", err.Error()
	}
	p.add(field, msg)
}

func (p *fieldProblems) none() bool { return len(p.order) == 0 }

// err is the 422 naming every field, in the order found; nil without problems.
func (p *fieldProblems) err() error {
	if p.none() {
		return nil
	}
	msgs := make([]string, len(p.order))
	for i, f := range p.order {
		msgs[i] = f + ": " + p.fields[f]
	}
	ae := errInvalid(strings.Join(msgs, "; "))
	ae.Fields = p.fields
	return ae
}

// FieldErrors maps a refusal of bad input to its fields and their messages (without the field's
// name), for a page to show next to each field; nil when err is no such refusal.
func (s *Server) FieldErrors(ctx context.Context, err error) map[string]string {
	var ae *apiError
	if !errors.As(err, &ae) || (ae.Code != "invalid" && ae.Code != "bad_request") {
		return nil
	}
	switch {
	case len(ae.Fields) > 0:
		return ae.Fields
	case ae.Field != "":
		return map[string]string{ae.Field: strings.TrimPrefix(ae.Message, ae.Field+": ")}
	}
	if field, msg, ok := strings.Cut(ae.Message, ": "); ok && !strings.Contains(field, " ") {
		return map[string]string{field: msg}
	}
	return nil
}

// fieldError is a 422 about one field whose message does not start with the field's name.
func fieldError(field, msg string) *apiError {
	ae := errInvalid(msg)
	ae.Field = field
	return ae
}
