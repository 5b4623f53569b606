package api

import (
	"errors"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/cascade"
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/workflows"
)

// Cascading (issue 7, internal/cascade, migration 0028): each RHK row of an SKP points to an RHK
// of the penilai's approved SKP in the same cycle, or to a goal of the unit when the penilai is
// outside the cycle. The same functions serve the JSON routes and the pages (web/skp.go,
// web/unit_goals.go).

// cascadeRoutes: GET …/employees/:nip/rhk-parents (what the rows may point to), GET
// …/employees/:nip/rhk-cascade (own RHK → the subordinates' rows serving them), and a unit's
// goals, GET and POST /cycles/:cycle/units/:unit/goals.
func (s *Server) cascadeRoutes(a *gin.RouterGroup) {
	a.GET("/cycles/:cycle/employees/:nip/rhk-parents", func(c *gin.Context) { answer(c, s.RHKParents) })
	a.GET("/cycles/:cycle/employees/:nip/rhk-cascade", func(c *gin.Context) { answer(c, s.RHKCascade) })
	a.GET("/cycles/:cycle/units/:unit/goals", func(c *gin.Context) {
		goals, _, err := s.UnitGoals(c, c.Param("unit"))
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusOK, gin.H{"goals": goals})
	})
	a.POST("/cycles/:cycle/units/:unit/goals", func(c *gin.Context) {
		g, err := s.AddUnitGoal(c, c.Param("unit"), func() (string, error) {
			var in struct {
				Goal string `json:"goal"`
			}
			err := bind(c, &in)
			return in.Goal, err
		})
		if err != nil {
			fail(c, err)
			return
		}
		c.JSON(http.StatusCreated, g)
	})
}

func answer[T any](c *gin.Context, f func(*gin.Context) (T, error)) {
	v, err := f(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

// RHKParents answers what the rows of the route's year may point to, to whoever may see the year.
func (s *Server) RHKParents(c *gin.Context) (cascade.Parents, error) {
	v, err := s.findYear(c)
	if err != nil {
		return cascade.Parents{}, err
	}
	return s.Store.RHKParents(c.Request.Context(), v.en)
}

// RHKCascade answers the route's employee's approved SKP with the subordinates' rows under each
// RHK, to whoever may see that employee's year (the superior, their atasan, HR in scope).
func (s *Server) RHKCascade(c *gin.Context) (store.Cascade, error) {
	v, err := s.findYear(c)
	if err != nil {
		return store.Cascade{}, err
	}
	return s.Store.Cascade(c.Request.Context(), v.en.CycleID, v.en.NIP)
}

// cascadeError checks the parents of a plan's rows against what the year may point to now, and
// fills each row's SuperiorRHK with the chosen text. An employee's submit needs a parent on every
// utama row whenever there is a source; HR's set-plan (a year nobody drafted, after the deadline)
// may leave rows without one so the year never waits on the superior, but a parent it gives must
// be valid.
func (s *Server) cascadeError(c *gin.Context, en store.Enrolment, in any) error {
	var p *skp.Plan
	submit := false
	switch in := in.(type) {
	case *workflows.SubmitPlanInput:
		p, submit = &in.Plan, true
	case *workflows.SetPlanInput:
		p = &in.Plan
	default:
		return nil
	}
	parents, err := s.Store.RHKParents(c.Request.Context(), en)
	if err != nil {
		return err
	}
	var fe skp.FieldError
	if err := cascade.Check(parents, p, submit); errors.As(err, &fe) {
		ae := errInvalid(fe.Error())
		ae.Field = fe.Field
		return ae
	}
	return nil
}

// maxGoal bounds a unit goal, as the table does.
const maxGoal = 2000

// UnitGoals lists a unit's goals in the route's :cycle to HR whose scope holds the unit, the
// unit's head, the penilai or atasan of someone enrolled in it, and its own employees; may says
// whether the caller may add one (HR in scope or the head). An unknown unit and one the caller
// may not see answer the same 404.
func (s *Server) UnitGoals(c *gin.Context, unit string) (goals []store.UnitGoal, may bool, err error) {
	cy, err := s.cycleOf(c)
	if err != nil {
		return nil, false, err
	}
	may, see, err := s.unitGoalAccess(c, cy.ID, unit)
	if err != nil {
		return nil, false, err
	}
	if !see {
		return nil, false, errNotFound("unit tidak ditemukan")
	}
	goals, err = s.Store.UnitGoals(c.Request.Context(), cy.ID, unit)
	return goals, may, err
}

// AddUnitGoal records a goal of unit in the route's :cycle, read by read once the caller may: HR
// whose scope holds the unit, or the unit's head.
func (s *Server) AddUnitGoal(c *gin.Context, unit string, read func() (string, error)) (store.UnitGoal, error) {
	var none store.UnitGoal
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	may, see, err := s.unitGoalAccess(c, cy.ID, unit)
	if err != nil {
		return none, err
	}
	if !see {
		return none, errNotFound("unit tidak ditemukan")
	}
	if !may {
		return none, errForbidden("sasaran unit dicatat oleh pimpinan unit atau pengelola kinerja yang membawahi unit")
	}
	goal, err := read()
	if err != nil {
		return none, err
	}
	goal = strings.TrimSpace(goal)
	if goal == "" {
		ae := errInvalid("goal: sasaran unit wajib diisi")
		ae.Field = "goal"
		return none, ae
	}
	if utf8.RuneCountInString(goal) > maxGoal {
		ae := errInvalid("goal: terlalu panjang (maksimal 2000 karakter)")
		ae.Field = "goal"
		return none, ae
	}
	who, err := s.who(c)
	if err != nil {
		return none, err
	}
	return s.Store.AddUnitGoal(c.Request.Context(), cy.ID, unit, goal, who.NIP, s.now())
}

// unitGoalAccess: may add (HR covering the unit, or its head) and may see (those, a penilai or
// atasan of someone enrolled in the unit, or an employee of the unit).
func (s *Server) unitGoalAccess(c *gin.Context, cycleID int64, unit string) (may, see bool, err error) {
	ctx := c.Request.Context()
	who, err := s.who(c)
	if err != nil {
		return false, false, err
	}
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		return false, false, err
	}
	if _, known := parents[unit]; !known {
		return false, false, nil
	}
	head, err := s.Store.UnitHead(ctx, unit)
	if err != nil {
		return false, false, err
	}
	may = who.HRCovers(access.Ancestry(parents, unit)) || (head != "" && head == who.NIP)
	if may || caller(c).UnitID == unit {
		return may, true, nil
	}
	see, err = s.canSeeUnit(ctx, who, parents, cycleID, unit)
	return false, see, err
}
