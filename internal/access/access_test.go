package access

import (
	"reflect"
	"testing"
	"time"
)

const (
	nipPegawai  = "199203152018011003"
	nipPenilai  = "198001012005011002"
	nipAtasan   = "197001011995031001"
	nipStranger = "199405202019032004"
	nipPlt      = "198806062010011005"
	nipHR       = "198501012010012001"
)

var now = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func delegation(principal, delegate string, from, to time.Duration) Delegation {
	return Delegation{ID: 7, Principal: principal, Delegate: delegate, Kind: Plt, StartsAt: now.Add(from), EndsAt: now.Add(to)}
}

func revoked(d Delegation, at time.Duration) Delegation {
	t := now.Add(at)
	d.RevokedAt = &t
	return d
}

const day = 24 * time.Hour

// target is the pegawai's year: unit bidang-a under dinas-x under pemda.
var target = Target{NIP: nipPegawai, Units: []string{"bidang-a", "dinas-x", "pemda"}, PenilaiNIP: nipPenilai, AtasanNIP: nipAtasan}

func TestAct(t *testing.T) {
	afterMutasi := Target{NIP: nipPegawai, Units: target.Units, PenilaiNIP: nipStranger, AtasanNIP: nipAtasan, FormerPenilaiNIP: nipPenilai}
	released := afterMutasi
	released.FormerPenilaiNIP = ""
	person := func(nip string) Caller { return Caller{NIP: nip, Now: now} }
	hr := func(scope string) Caller { return Caller{NIP: nipHR, HR: true, HRScope: scope, Now: now} }
	withDelegation := func(c Caller, ds ...Delegation) Caller { c.Delegations = ds; return c }
	pltOfPenilai := withDelegation(person(nipPlt), delegation(nipPenilai, nipPlt, -day, 30*day))
	pltOfAtasan := withDelegation(person(nipPlt), delegation(nipAtasan, nipPlt, -day, 30*day))
	self := func(nip string) Acting { return Acting{NIP: nip} }
	onBehalf := func(principal string) Acting {
		return Acting{NIP: principal, OnBehalfOf: nipPlt, Delegation: 7}
	}

	type want struct {
		decision Decision
		acting   Acting
	}
	allow := func(a Acting) want { return want{Allow, a} }
	forbidden, hidden := want{decision: Forbidden}, want{decision: Hidden}

	for _, tc := range []struct {
		name   string
		caller Caller
		target Target
		want   map[Role]want
	}{
		{"pegawai", person(nipPegawai), target, map[Role]want{
			Pegawai: allow(self(nipPegawai)), Penilai: forbidden, Atasan: forbidden, HR: forbidden}},
		{"penilai", person(nipPenilai), target, map[Role]want{
			Pegawai: forbidden, Penilai: allow(self(nipPenilai)), Atasan: forbidden, HR: forbidden}},
		{"atasan", person(nipAtasan), target, map[Role]want{
			Pegawai: forbidden, Penilai: forbidden, Atasan: allow(self(nipAtasan)), HR: forbidden}},
		{"stranger", person(nipStranger), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"anonymous", Caller{Now: now}, target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"active Plt of the penilai", pltOfPenilai, target, map[Role]want{
			Pegawai: forbidden, Penilai: allow(onBehalf(nipPenilai)), Atasan: forbidden, HR: forbidden}},
		{"active Plt of the atasan", pltOfAtasan, target, map[Role]want{
			Pegawai: forbidden, Penilai: forbidden, Atasan: allow(onBehalf(nipAtasan)), HR: forbidden}},
		{"Plt of someone else", withDelegation(person(nipPlt), delegation(nipStranger, nipPlt, -day, day)), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"delegation naming another delegate", withDelegation(person(nipPlt), delegation(nipPenilai, nipStranger, -day, day)), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"expired Plh", withDelegation(person(nipPlt), delegation(nipPenilai, nipPlt, -10*day, -day)), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"Plh ending exactly now", withDelegation(person(nipPlt), delegation(nipPenilai, nipPlt, -10*day, 0)), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"future Plt", withDelegation(person(nipPlt), delegation(nipPenilai, nipPlt, time.Hour, 30*day)), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"revoked Plt", withDelegation(person(nipPlt), revoked(delegation(nipPenilai, nipPlt, -day, 30*day), -time.Minute)), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"Plt revoked later on", withDelegation(person(nipPlt), revoked(delegation(nipPenilai, nipPlt, -day, 30*day), time.Hour)), target, map[Role]want{
			Pegawai: forbidden, Penilai: allow(onBehalf(nipPenilai)), Atasan: forbidden, HR: forbidden}},
		{"the pegawai as Plt of their own penilai", withDelegation(person(nipPegawai), delegation(nipPenilai, nipPegawai, -day, day)), target, map[Role]want{
			Pegawai: allow(self(nipPegawai)), Penilai: forbidden, Atasan: forbidden, HR: forbidden}},
		{"the pegawai as Plt of the atasan", withDelegation(person(nipPegawai), delegation(nipAtasan, nipPegawai, -day, day)), target, map[Role]want{
			Pegawai: allow(self(nipPegawai)), Penilai: forbidden, Atasan: forbidden, HR: forbidden}},
		{"the penilai as Plt of the atasan", withDelegation(person(nipPenilai), delegation(nipAtasan, nipPenilai, -day, day)), target, map[Role]want{
			Pegawai: forbidden, Penilai: allow(self(nipPenilai)), Atasan: forbidden, HR: forbidden}},
		{"the atasan as Plt of the penilai", withDelegation(person(nipAtasan), delegation(nipPenilai, nipAtasan, -day, day)), target, map[Role]want{
			Pegawai: forbidden, Penilai: allow(Acting{NIP: nipPenilai, OnBehalfOf: nipAtasan, Delegation: 7}),
			Atasan: allow(self(nipAtasan)), HR: forbidden}},
		{"HR region-wide", hr(""), target, map[Role]want{
			Pegawai: forbidden, Penilai: forbidden, Atasan: forbidden, HR: allow(Acting{NIP: nipHR, HR: true})}},
		{"HR scoped to the unit", hr("bidang-a"), target, map[Role]want{
			Pegawai: forbidden, Penilai: forbidden, Atasan: forbidden, HR: allow(Acting{NIP: nipHR, HR: true})}},
		{"HR scoped to a parent", hr("dinas-x"), target, map[Role]want{
			Pegawai: forbidden, Penilai: forbidden, Atasan: forbidden, HR: allow(Acting{NIP: nipHR, HR: true})}},
		{"HR scoped to another subtree", hr("dinas-y"), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"scope without is_hr", Caller{NIP: nipHR, HRScope: "dinas-x", Now: now}, target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"admin", Caller{NIP: nipHR, Admin: true, Now: now}, target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"HR in scope who is also the penilai", Caller{NIP: nipPenilai, HR: true, HRScope: "dinas-x", Now: now}, target, map[Role]want{
			Pegawai: forbidden, Penilai: allow(Acting{NIP: nipPenilai, HR: true}), Atasan: forbidden, HR: allow(Acting{NIP: nipPenilai, HR: true})}},
		{"HR on their own year", Caller{NIP: nipPegawai, HR: true, Now: now}, target, map[Role]want{
			Pegawai: allow(Acting{NIP: nipPegawai, HR: true}), Penilai: forbidden, Atasan: forbidden, HR: forbidden}},
		{"HR scoped below the employee's unit", hr("seksi-1"), target, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		// After a mutasi: the former penilai keeps the role while a period of the old SKP waits
		// (the workflow lets them rate only those), and so does their Plt/Plh; not once released.
		{"former penilai after a mutasi", person(nipPenilai), afterMutasi, map[Role]want{
			Pegawai: forbidden, Penilai: allow(self(nipPenilai)), Atasan: forbidden, HR: forbidden}},
		{"new penilai after a mutasi", person(nipStranger), afterMutasi, map[Role]want{
			Pegawai: forbidden, Penilai: allow(self(nipStranger)), Atasan: forbidden, HR: forbidden}},
		{"Plt of the former penilai", pltOfPenilai, afterMutasi, map[Role]want{
			Pegawai: forbidden, Penilai: allow(onBehalf(nipPenilai)), Atasan: forbidden, HR: forbidden}},
		{"Plt of the former penilai once released", pltOfPenilai, released, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
		{"Plt of both the former and the new penilai", withDelegation(person(nipPlt), delegation(nipPenilai, nipPlt, -day, 30*day),
			delegation(nipStranger, nipPlt, -day, 30*day)), afterMutasi, map[Role]want{
			Pegawai: forbidden, Penilai: allow(onBehalf(nipStranger)), Atasan: forbidden, HR: forbidden}},
		{"the pegawai as Plt of the former penilai", withDelegation(person(nipPegawai), delegation(nipPenilai, nipPegawai, -day, day)), afterMutasi, map[Role]want{
			Pegawai: allow(self(nipPegawai)), Penilai: forbidden, Atasan: forbidden, HR: forbidden}},
		{"former penilai released", person(nipPenilai), released, map[Role]want{
			Pegawai: hidden, Penilai: hidden, Atasan: hidden, HR: hidden}},
	} {
		for _, role := range []Role{Pegawai, Penilai, Atasan, HR} {
			w := tc.want[role]
			acting, got := Act(tc.caller, tc.target, role)
			if got != w.decision || !reflect.DeepEqual(acting, w.acting) {
				t.Errorf("%s, step of %s: %v %+v, want %v %+v", tc.name, role, got, acting, w.decision, w.acting)
			}
			if see := CanSee(tc.caller, tc.target); see != (w.decision != Hidden) {
				t.Errorf("%s: CanSee %v but Act %v", tc.name, see, got)
			}
		}
	}
}

func TestOrgWide(t *testing.T) {
	for _, tc := range []struct {
		c                   Caller
		regionWide, orgWide bool
	}{
		{Caller{NIP: nipHR, HR: true}, true, true},
		{Caller{NIP: nipHR, HR: true, HRScope: "dinas-x"}, false, false},
		{Caller{NIP: nipHR, Admin: true}, false, true},
		{Caller{NIP: nipHR, HR: true, HRScope: "dinas-x", Admin: true}, false, true},
		{Caller{NIP: nipHR}, false, false},
		{Caller{NIP: nipHR, HRScope: "dinas-x"}, false, false},
	} {
		if got := tc.c.RegionWideHR(); got != tc.regionWide {
			t.Errorf("%+v: RegionWideHR %v", tc.c, got)
		}
		if got := tc.c.OrgWide(); got != tc.orgWide {
			t.Errorf("%+v: OrgWide %v", tc.c, got)
		}
	}
}

func TestDelegationManagement(t *testing.T) {
	d := delegation(nipPenilai, nipPlt, -day, day)
	units := target.Units
	for _, tc := range []struct {
		name        string
		c           Caller
		manage, see bool
	}{
		{"admin", Caller{NIP: nipHR, Admin: true}, true, true},
		{"HR region-wide", Caller{NIP: nipHR, HR: true}, true, true},
		{"HR in scope", Caller{NIP: nipHR, HR: true, HRScope: "dinas-x"}, true, true},
		{"HR out of scope", Caller{NIP: nipHR, HR: true, HRScope: "dinas-y"}, false, false},
		{"HR out of scope who is the delegate", Caller{NIP: nipPlt, HR: true, HRScope: "dinas-y"}, false, true},
		{"principal", Caller{NIP: nipPenilai}, false, true},
		{"delegate", Caller{NIP: nipPlt}, false, true},
		{"stranger", Caller{NIP: nipStranger}, false, false},
		{"anonymous", Caller{}, false, false},
	} {
		if got := CanManageDelegation(tc.c, units); got != tc.manage {
			t.Errorf("%s: manage %v, want %v", tc.name, got, tc.manage)
		}
		if got := CanSeeDelegation(tc.c, d, units); got != tc.see {
			t.Errorf("%s: see %v, want %v", tc.name, got, tc.see)
		}
	}
}

func TestActiveAt(t *testing.T) {
	d := delegation(nipPenilai, nipPlt, 0, day)
	for _, tc := range []struct {
		name string
		d    Delegation
		at   time.Time
		want bool
	}{
		{"at the start", d, now, true},
		{"just before the start", d, now.Add(-time.Nanosecond), false},
		{"just before the end", d, now.Add(day - time.Nanosecond), true},
		{"at the end (exclusive)", d, now.Add(day), false},
		{"revoked before", revoked(d, time.Hour), now.Add(time.Hour), false},
		{"revoked later", revoked(d, time.Hour), now.Add(time.Minute), true},
	} {
		if got := tc.d.ActiveAt(tc.at); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

func TestAncestry(t *testing.T) {
	parents := map[string]string{"bidang-a": "dinas-x", "dinas-x": "pemda", "pemda": "", "loop-1": "loop-2", "loop-2": "loop-1"}
	for _, tc := range []struct {
		unit string
		want []string
	}{
		{"bidang-a", []string{"bidang-a", "dinas-x", "pemda"}},
		{"pemda", []string{"pemda"}},
		{"unknown", []string{"unknown"}},
		{"loop-1", []string{"loop-1", "loop-2"}},
		{"", nil},
	} {
		if got := Ancestry(parents, tc.unit); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Ancestry(%q) = %v, want %v", tc.unit, got, tc.want)
		}
	}
}
