// Package access is the authorisation policy: who may see an employee's year, who may take a
// step in it and as whom, who may run organisation-wide HR work. It is pure: the API resolves
// the caller and the target from the database and asks here; nothing in this package does I/O.
//
// # Roles
//
//   - Pegawai: the employee; sees their own years and takes their own steps.
//   - Pejabat penilai and atasan penilai: taken from the enrolment's snapshot (the one the
//     workflow holds), not from today's org data: a mutasi (record-mutasi) moves the year to the
//     new supervisors at its date, a reorganisation through reassign-supervisors. A supervisor
//     sees only the years they are the penilai or atasan of (or, after a mutasi, the former
//     penilai the old SKP's periods), and takes only the steps of that role.
//   - Plt / Plh: a delegation (principal → delegate) lets the delegate act as the principal's
//     penilai or atasan self, from starts_at until ends_at (exclusive) unless revoked earlier.
//     The act is the principal's, recorded on behalf of the delegate. An expired, future or
//     revoked delegation grants nothing. A delegation never acts on the delegate's own year, and
//     never lets the penilai decide, as atasan, an appeal against their own rating.
//   - HR: is_hr with a scope. No scope is the whole organisation (region-wide BKPSDM); a unit
//     scope covers that unit and everything under it. HR sees and takes HR steps only for
//     employees inside its scope. Cycle-wide work (create a cycle, move a deadline), the
//     organisation import, the outbox statuses (and, in dev mode, the dev inbox) and the audit export need region-wide HR or an admin.
//   - Admin: manages HR scopes and delegations anywhere and the organisation-wide settings.
//     Admin alone sees nobody's year: that needs a relation above, or HR scope.
//
// # 403 or 404
//
// Decided once, here, and applied everywhere:
//
//   - A record the caller may not see answers 404 exactly like a record that does not exist:
//     same status, same body. Nothing tells "not there" from "not yours" (Hidden).
//   - A step in a record the caller may see, but which belongs to someone else, answers 403
//     (Forbidden): the caller already knows the record exists; the answer says whose step it is.
//   - A route reserved to a role (HR, region-wide HR, admin) answers 403 to anyone without the
//     role before it looks anything up, so that answer never depends on whether the record exists.
//   - No identity at all is 401.
package access

import (
	"slices"
	"time"
)

// Role is the capacity in which someone takes a step of an employee's year.
type Role string

const (
	Pegawai Role = "pegawai" // the employee
	Penilai Role = "penilai" // pejabat penilai kinerja
	Atasan  Role = "atasan"  // atasan pejabat penilai
	HR      Role = "hr"      // pengelola kinerja with the employee in scope
)

// Delegation kinds.
const (
	Plt = "plt" // pelaksana tugas: a vacant post, or a long absence
	Plh = "plh" // pelaksana harian: a short absence
)

// Delegation lets Delegate act as Principal from StartsAt until EndsAt (exclusive), unless revoked.
type Delegation struct {
	ID        int64
	Principal string
	Delegate  string
	Kind      string
	StartsAt  time.Time
	EndsAt    time.Time
	RevokedAt *time.Time // revoked from this moment on
}

// ActiveAt tells whether the delegation grants anything at t.
func (d Delegation) ActiveAt(t time.Time) bool {
	if d.RevokedAt != nil && !t.Before(*d.RevokedAt) {
		return false
	}
	return !t.Before(d.StartsAt) && t.Before(d.EndsAt)
}

// Caller is who is calling, as the store resolved them.
type Caller struct {
	NIP     string
	HR      bool
	HRScope string // unit id; "" with HR is the whole organisation
	Admin   bool
	// Delegations the caller is the delegate of. Only those active at Now count, so the store
	// may hand over more; tests hand over expired and revoked ones on purpose.
	Delegations []Delegation
	Now         time.Time
}

// Target is one employee's year.
type Target struct {
	NIP string
	// Units is the employee's unit, then its parent, and so on up to the root (see Ancestry).
	Units []string
	// From the enrolment snapshot: the workflow checks the same NIPs.
	PenilaiNIP string
	AtasanNIP  string
	// FormerPenilaiNIP is the penilai before a mutasi while periods of the old SKP wait for their
	// rating: they keep the penilai role (the workflow lets them rate only those periods).
	FormerPenilaiNIP string
}

// penilai are the officials who hold the penilai role of the year: the penilai, then the former
// penilai while periods of the old SKP wait. A Plt/Plh of either acts as them (the workflow lets
// the former penilai, and so their Plt/Plh, rate only those periods). A caller standing in for
// both acts as the present penilai.
func (t Target) penilai() []string {
	if t.FormerPenilaiNIP == "" || t.FormerPenilaiNIP == t.PenilaiNIP {
		return []string{t.PenilaiNIP}
	}
	return []string{t.PenilaiNIP, t.FormerPenilaiNIP}
}

// RegionWideHR is HR for the whole organisation.
func (c Caller) RegionWideHR() bool { return c.HR && c.HRScope == "" }

// OrgWide may do organisation-wide work: create cycles, move deadlines, import the
// organisation, read email statuses (and the dev inbox in dev mode), export the audit log.
func (c Caller) OrgWide() bool { return c.RegionWideHR() || c.Admin }

// HRCovers tells whether the caller is HR for an employee in the unit whose ancestry is units.
func (c Caller) HRCovers(units []string) bool {
	if !c.HR {
		return false
	}
	return c.HRScope == "" || slices.Contains(units, c.HRScope)
}

// actingFor returns the caller's delegation from principal active now.
func (c Caller) actingFor(principal string) (Delegation, bool) {
	if principal == "" {
		return Delegation{}, false
	}
	for _, d := range c.Delegations {
		if d.Delegate == c.NIP && d.Principal == principal && d.ActiveAt(c.Now) {
			return d, true
		}
	}
	return Delegation{}, false
}

// Relation is one way the caller stands to a year.
type Relation struct {
	Role Role
	// Principal is set when the relation is held through a delegation: the caller acts as them.
	Principal  string
	Delegation int64
}

// Relations lists every way the caller stands to the target's year; empty means they may not see it.
func Relations(c Caller, t Target) []Relation {
	var rs []Relation
	if c.NIP == "" {
		return nil
	}
	if c.NIP == t.NIP {
		rs = append(rs, Relation{Role: Pegawai})
	}
	if c.NIP == t.PenilaiNIP || (t.FormerPenilaiNIP != "" && c.NIP == t.FormerPenilaiNIP) {
		rs = append(rs, Relation{Role: Penilai})
	}
	if c.NIP == t.AtasanNIP {
		rs = append(rs, Relation{Role: Atasan})
	}
	for _, pen := range t.penilai() {
		if d, ok := c.actingFor(pen); ok {
			rs = append(rs, Relation{Role: Penilai, Principal: d.Principal, Delegation: d.ID})
		}
	}
	if d, ok := c.actingFor(t.AtasanNIP); ok {
		rs = append(rs, Relation{Role: Atasan, Principal: d.Principal, Delegation: d.ID})
	}
	if c.HRCovers(t.Units) {
		rs = append(rs, Relation{Role: HR})
	}
	return rs
}

// CanSee tells whether the caller may read the target's year (record, tasks, audit trail).
func CanSee(c Caller, t Target) bool { return len(Relations(c, t)) > 0 }

// Decision is the outcome of a check, and so the answer's status.
type Decision int

const (
	Allow     Decision = iota
	Forbidden          // 403: the caller sees the record, the step is someone else's
	Hidden             // 404: the caller may not see the record; answered like a missing one
)

func (d Decision) String() string {
	return [...]string{"allow", "forbidden", "hidden"}[d]
}

// Acting is who the workflow is told takes a step.
type Acting struct {
	// NIP is whose step it is: the caller, or the principal of their delegation.
	NIP string
	// OnBehalfOf is the caller when they act through a delegation, else empty.
	OnBehalfOf string
	// HR: the caller is HR with the employee in scope.
	HR bool
	// Delegation is the id of the delegation used, or 0.
	Delegation int64
}

// Act decides whether the caller may take a step that belongs to role in the target's year, and as whom.
func Act(c Caller, t Target, role Role) (Acting, Decision) {
	if !CanSee(c, t) {
		return Acting{}, Hidden
	}
	me := Acting{NIP: c.NIP, HR: c.HRCovers(t.Units)}
	switch role {
	case Pegawai:
		if c.NIP == t.NIP {
			return me, Allow
		}
	case Penilai:
		if c.NIP == t.PenilaiNIP || (t.FormerPenilaiNIP != "" && c.NIP == t.FormerPenilaiNIP && c.NIP != t.NIP) {
			return me, Allow
		}
		if c.NIP == t.NIP {
			break // nobody rates themselves, whatever they stand in for
		}
		for _, pen := range t.penilai() {
			if d, ok := c.actingFor(pen); ok {
				return Acting{NIP: d.Principal, OnBehalfOf: c.NIP, HR: me.HR, Delegation: d.ID}, Allow
			}
		}
	case Atasan:
		if c.NIP == t.AtasanNIP {
			return me, Allow
		}
		if c.NIP == t.NIP || c.NIP == t.PenilaiNIP {
			// Nobody decides an appeal of their own year, or against a rating they gave.
			break
		}
		if d, ok := c.actingFor(t.AtasanNIP); ok {
			return Acting{NIP: d.Principal, OnBehalfOf: c.NIP, HR: me.HR, Delegation: d.ID}, Allow
		}
	case HR:
		if me.HR && c.NIP != t.NIP { // nobody acts on their own year as HR
			return me, Allow
		}
	}
	return Acting{}, Forbidden
}

// CanManageDelegation tells whether the caller may create or revoke a delegation of a principal
// whose unit ancestry is principalUnits: an admin, or HR with the principal in scope.
func CanManageDelegation(c Caller, principalUnits []string) bool {
	return c.Admin || c.HRCovers(principalUnits)
}

// CanSeeDelegation tells whether the caller may read a delegation: whoever may manage it, and
// its principal and delegate.
func CanSeeDelegation(c Caller, d Delegation, principalUnits []string) bool {
	return CanManageDelegation(c, principalUnits) || (c.NIP != "" && (c.NIP == d.Principal || c.NIP == d.Delegate))
}

// Ancestry returns unit, its parent, its parent's parent, … up to the root, given every unit's
// parent ("" for a root). A loop in the data ends the walk instead of running forever.
func Ancestry(parents map[string]string, unit string) []string {
	var out []string
	for u := unit; u != "" && !slices.Contains(out, u); u = parents[u] {
		out = append(out, u)
	}
	return out
}
