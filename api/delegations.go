package api

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
)

// Delegations: Plt and Plh.
//
//   - POST /api/delegations {principal_nip, delegate_nip, kind, starts_at, ends_at, reason}: HR whose
//     scope covers the principal's unit, or an admin. A principal outside the caller's scope reads
//     exactly like an unknown one. Times are RFC 3339; ends_at is exclusive.
//   - GET /api/delegations[?active=true]: an admin and region-wide HR see all, scoped HR those of
//     principals in scope, everyone those they are the principal or the delegate of.
//   - DELETE /api/delegations/:id revokes from now on (once; a second revoke changes nothing).
//
// While a delegation is in force its delegate sees the years the principal is penilai or atasan
// of and takes the principal's steps in them, recorded on behalf of the delegate (api/act.go).
func (s *Server) delegationRoutes(a *gin.RouterGroup) {
	a.POST("/delegations", s.requireHROrAdmin, s.createDelegation)
	a.GET("/delegations", s.listDelegations)
	a.DELETE("/delegations/:id", s.requireHROrAdmin, s.revokeDelegation)
}

// createDelegationRequest is the body of POST /api/delegations; the page's form fills the same.
type createDelegationRequest = hrinput.NewDelegation

// Bounds of a delegation: ours, not the law's. A Plt is commonly appointed for up to three months
// and extended; a year covers any extension and forces a fresh decision after it.
const (
	maxDelegation       = 366 * 24 * time.Hour
	maxDelegationReason = 1000
)

var nipOnly = regexp.MustCompile(`^[0-9]{18}$`)

// delegationJSON is a delegation as answered, with whether it is in force now.
func delegationJSON(d store.Delegation, now time.Time) gin.H {
	return gin.H{"id": d.ID, "principal_nip": d.PrincipalNIP, "principal_name": d.PrincipalName,
		"delegate_nip": d.DelegateNIP, "delegate_name": d.DelegateName, "kind": d.Kind,
		"starts_at": d.StartsAt, "ends_at": d.EndsAt, "reason": d.Reason, "created_by": d.CreatedBy,
		"created_at": d.CreatedAt, "revoked_at": d.RevokedAt, "revoked_by": d.RevokedBy,
		"active": delegationOf(d).ActiveAt(now)}
}

func (s *Server) createDelegation(c *gin.Context) {
	var in createDelegationRequest
	if err := bind(c, &in); err != nil {
		fail(c, err)
		return
	}
	d, err := s.CreateDelegation(c, in)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, delegationJSON(d.Delegation, s.now()))
}

// CreateDelegation checks a Plt/Plh, naming every field at fault at once, and records it (HR
// whose scope covers the principal, or an admin): POST /api/delegations and the page's form.
func (s *Server) CreateDelegation(c *gin.Context, in hrinput.NewDelegation) (hrinput.Delegation, error) {
	var none hrinput.Delegation
	who, err := s.hrWho(c)
	if err != nil {
		return none, err
	}
	ctx := c.Request.Context()
	now := s.now()
	var problems fieldProblems
	problem := problems.add
	in.PrincipalNIP, in.DelegateNIP = strings.TrimSpace(in.PrincipalNIP), strings.TrimSpace(in.DelegateNIP)
	switch {
	case in.PrincipalNIP == "":
		problem("principal_nip", "wajib diisi dengan NIP pejabat yang digantikan")
	case !nipOnly.MatchString(in.PrincipalNIP):
		problem("principal_nip", "NIP harus 18 digit angka")
	default:
		p, err := s.Store.Employee(ctx, in.PrincipalNIP)
		var units []string
		if err == nil {
			units, err = s.Store.UnitAncestry(ctx, p.UnitID)
		}
		switch {
		case errors.Is(err, store.ErrNotFound) || (err == nil && !access.CanManageDelegation(who, units)):
			// Outside the caller's scope reads exactly like unknown.
			problem("principal_nip", "pegawai "+in.PrincipalNIP+" tidak ditemukan (atau di luar cakupan unit Anda)")
		case err != nil:
			return none, err
		}
	}
	switch {
	case in.DelegateNIP == "":
		problem("delegate_nip", "wajib diisi dengan NIP pelaksana tugas/harian")
	case !nipOnly.MatchString(in.DelegateNIP):
		problem("delegate_nip", "NIP harus 18 digit angka")
	case in.DelegateNIP == in.PrincipalNIP:
		problem("delegate_nip", "tidak boleh sama dengan principal_nip: pejabat tidak dapat menjadi Plt/Plh dirinya sendiri")
	default:
		_, err := s.Store.Employee(ctx, in.DelegateNIP)
		switch {
		case errors.Is(err, store.ErrNotFound):
			problem("delegate_nip", "pegawai "+in.DelegateNIP+" tidak terdaftar")
		case err != nil:
			return none, err
		}
	}
	if in.Kind != access.Plt && in.Kind != access.Plh {
		problem("kind", "harus plt (pelaksana tugas) atau plh (pelaksana harian)")
	}
	parse := func(field, v string) (time.Time, bool) {
		if strings.TrimSpace(v) == "" {
			problem(field, "wajib diisi (format RFC 3339, misalnya 2026-03-01T00:00:00+07:00)")
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			problem(field, "bukan waktu yang valid (format RFC 3339, misalnya 2026-03-01T00:00:00+07:00)")
			return time.Time{}, false
		}
		return t.Truncate(time.Microsecond), true // as Postgres stores it
	}
	startsAt, okStart := parse("starts_at", in.StartsAt)
	endsAt, okEnd := parse("ends_at", in.EndsAt)
	switch {
	case !okStart || !okEnd:
	case !endsAt.After(startsAt):
		problem("ends_at", "harus setelah starts_at")
	case endsAt.Sub(startsAt) > maxDelegation:
		problem("ends_at", "paling lama 366 hari setelah starts_at; perpanjang dengan delegasi baru")
	case !endsAt.After(now):
		problem("ends_at", "sudah lewat; delegasi yang sudah berakhir tidak dapat dibuat")
	}
	in.Reason = strings.TrimSpace(in.Reason)
	switch {
	case in.Reason == "":
		problem("reason", "wajib diisi, misalnya nomor dan tanggal surat perintah Plt/Plh")
	case utf8.RuneCountInString(in.Reason) > maxDelegationReason:
		problem("reason", "paling banyak "+strconv.Itoa(maxDelegationReason)+" karakter")
	}
	if err := problems.err(); err != nil {
		return none, err
	}

	id, err := s.Store.CreateDelegation(ctx, store.Delegation{PrincipalNIP: in.PrincipalNIP, DelegateNIP: in.DelegateNIP,
		Kind: in.Kind, StartsAt: startsAt, EndsAt: endsAt, Reason: in.Reason, CreatedBy: who.NIP, CreatedAt: now})
	var overlap *store.OverlapError
	if errors.As(err, &overlap) {
		return none, &apiError{Status: http.StatusConflict, Code: "overlap", Message: overlap.Error()}
	}
	if err != nil {
		return none, err
	}
	d, err := s.Store.GetDelegation(ctx, id)
	if err != nil {
		return none, err
	}
	return hrinput.Delegation{Delegation: d, Active: delegationOf(d).ActiveAt(now)}, nil
}

func (s *Server) listDelegations(c *gin.Context) {
	ds, err := s.Delegations(c)
	if err != nil {
		fail(c, err)
		return
	}
	out := []gin.H{}
	now := s.now()
	for _, d := range ds {
		out = append(out, delegationJSON(d.Delegation, now))
	}
	c.JSON(http.StatusOK, gin.H{"delegations": out})
}

// Delegations lists the delegations the caller may see (?active=true: those in force now):
// GET /api/delegations and the delegations page.
func (s *Server) Delegations(c *gin.Context) ([]hrinput.Delegation, error) {
	ctx := c.Request.Context()
	who, err := s.who(c)
	if err != nil {
		return nil, err
	}
	var activeAt *time.Time
	switch v := c.Query("active"); v {
	case "", "false":
	case "true":
		activeAt = &who.Now
	default:
		return nil, errInvalid("parameter active harus true atau false")
	}
	ds, err := s.Store.Delegations(ctx, activeAt)
	if err != nil {
		return nil, err
	}
	parents, err := s.Store.UnitParents(ctx)
	if err != nil {
		return nil, err
	}
	out := []hrinput.Delegation{}
	for _, d := range ds {
		if access.CanSeeDelegation(who, delegationOf(d), access.Ancestry(parents, d.PrincipalUnitID)) {
			out = append(out, hrinput.Delegation{Delegation: d, Active: delegationOf(d).ActiveAt(who.Now)})
		}
	}
	return out, nil
}

func (s *Server) revokeDelegation(c *gin.Context) {
	d, err := s.RevokeDelegation(c, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, delegationJSON(d.Delegation, s.now()))
}

// RevokeDelegation ends delegation id from now on (HR whose scope covers the principal, or an
// admin; one the caller may not see is missing): DELETE /api/delegations/:id and the page's button.
func (s *Server) RevokeDelegation(c *gin.Context, idText string) (hrinput.Delegation, error) {
	var none hrinput.Delegation
	who, err := s.hrWho(c)
	if err != nil {
		return none, err
	}
	ctx := c.Request.Context()
	notFound := errNotFound("delegasi tidak ditemukan")
	id, err := strconv.ParseInt(idText, 10, 64)
	if err != nil || id <= 0 {
		return none, notFound
	}
	d, err := s.Store.GetDelegation(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return none, notFound
	}
	if err != nil {
		return none, err
	}
	units, err := s.Store.UnitAncestry(ctx, d.PrincipalUnitID)
	if err != nil {
		return none, err
	}
	if !access.CanManageDelegation(who, units) {
		if access.CanSeeDelegation(who, delegationOf(d), units) {
			return none, errForbidden("hanya pengelola kinerja yang membawahi unit pejabat ini, atau admin, yang dapat mencabut delegasi")
		}
		return none, notFound // one answer for "not there" and "not yours"
	}
	d, err = s.Store.RevokeDelegation(ctx, id, who.NIP, who.Now)
	if err != nil {
		return none, err
	}
	return hrinput.Delegation{Delegation: d, Active: delegationOf(d).ActiveAt(who.Now)}, nil
}
