package api

import (
	"context"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/store"
)

// Who may do what is decided in internal/access; this file resolves its inputs from the
// database and turns its decisions into answers: Hidden is the 404 of a missing record,
// Forbidden is 403 (see the package comment of internal/access).

const accessCallerKey = "access_caller"

// who is the caller as internal/access sees them: their HR scope, admin flag and the delegations
// they hold, as of the server's clock. Resolved once per request.
func (s *Server) who(c *gin.Context) (access.Caller, error) {
	if v, ok := c.Get(accessCallerKey); ok {
		return v.(access.Caller), nil
	}
	me := caller(c)
	now := s.now()
	ac := access.Caller{NIP: me.NIP, HR: me.IsHR, HRScope: me.HRScopeUnitID, Admin: me.IsAdmin, Now: now}
	if me.NIP != "" {
		ds, err := s.Store.DelegationsTo(c.Request.Context(), me.NIP, now)
		if err != nil {
			return access.Caller{}, err
		}
		for _, d := range ds {
			ac.Delegations = append(ac.Delegations, delegationOf(d))
		}
	}
	c.Set(accessCallerKey, ac)
	return ac, nil
}

func delegationOf(d store.Delegation) access.Delegation {
	return access.Delegation{ID: d.ID, Principal: d.PrincipalNIP, Delegate: d.DelegateNIP, Kind: d.Kind,
		StartsAt: d.StartsAt, EndsAt: d.EndsAt, RevokedAt: d.RevokedAt}
}

// targetOf is an enrolment as internal/access sees it: the employee's units today and the
// penilai and atasan of the enrolment snapshot, which are also the workflow's.
//
// A mutasi (record-mutasi, workflows/employee_cycle_mutasi.go) moves the snapshot at its date and
// keeps the former penilai in it while periods of the old SKP wait for their rating.
func (s *Server) targetOf(ctx context.Context, en store.Enrolment) (access.Target, error) {
	units, err := s.Store.UnitAncestry(ctx, en.UnitID)
	if err != nil {
		return access.Target{}, err
	}
	return access.Target{NIP: en.NIP, Units: units, PenilaiNIP: en.PenilaiNIP, AtasanNIP: en.AtasanNIP,
		FormerPenilaiNIP: en.FormerPenilaiNIP}, nil
}

// requireOrgWide admits region-wide HR and admins: cycle-wide and organisation-wide work.
func (s *Server) requireOrgWide(c *gin.Context) {
	if err := s.orgWide(c); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// requireHROrAdmin admits HR of any scope and admins; the handler then checks the scope.
func (s *Server) requireHROrAdmin(c *gin.Context) {
	if err := hrOrAdmin(c); err != nil {
		fail(c, err)
		return
	}
	c.Next()
}

// roleName names whose a step is, for the 403 answer.
func roleName(r access.Role) string {
	switch r {
	case access.Pegawai:
		return "pegawai yang bersangkutan"
	case access.Penilai:
		return "pejabat penilai kinerja (atau Plt/Plh-nya)"
	case access.Atasan:
		return "atasan pejabat penilai (atau Plt/Plh-nya)"
	case access.HR:
		return "pengelola kinerja (BKPSDM) yang membawahi unit pegawai ini"
	}
	return string(r)
}

func forbiddenStep(r access.Role) *apiError {
	return errForbidden("langkah ini hanya dapat dilakukan oleh " + roleName(r))
}

// whoInOrg is the preamble of every handler that judges units against the caller's HR scope:
// the caller, and the unit tree (unit → parent) the scope is judged on.
func (s *Server) whoInOrg(c *gin.Context) (access.Caller, map[string]string, error) {
	who, err := s.who(c)
	if err != nil {
		return access.Caller{}, nil, err
	}
	parents, err := s.Store.UnitParents(c.Request.Context())
	if err != nil {
		return access.Caller{}, nil, err
	}
	return who, parents, nil
}

// hrWho admits HR of any scope and admins (hrOrAdmin) and says who they are, for the scope
// check that follows.
func (s *Server) hrWho(c *gin.Context) (access.Caller, error) {
	if err := hrOrAdmin(c); err != nil {
		return access.Caller{}, err
	}
	return s.who(c)
}

// coversUnit: the unit exists and lies inside the caller's HR scope.
func coversUnit(who access.Caller, parents map[string]string, unit string) bool {
	_, known := parents[unit]
	return known && who.HRCovers(access.Ancestry(parents, unit))
}

// employeesInScope reads the employees of nips and keeps those the caller's HR scope covers: for
// scoped HR, an employee elsewhere reads like an unknown one.
func (s *Server) employeesInScope(c *gin.Context, who access.Caller, nips []string) ([]store.Employee, error) {
	parents, err := s.Store.UnitParents(c.Request.Context())
	if err != nil {
		return nil, err
	}
	es, err := s.Store.Employees(c.Request.Context(), nips)
	if err != nil {
		return nil, err
	}
	return inScope(who, parents, es, func(e store.Employee) string { return e.UnitID }), nil
}

// inScope keeps the items whose employee's unit the caller's HR scope covers.
func inScope[T any](who access.Caller, parents map[string]string, items []T, unit func(T) string) []T {
	out := make([]T, 0, len(items))
	for _, it := range items {
		if who.HRCovers(access.Ancestry(parents, unit(it))) {
			out = append(out, it)
		}
	}
	return out
}
