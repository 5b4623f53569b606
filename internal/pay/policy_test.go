package pay

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
)

func TestRegionalPoliciesAreValidAndRoundTripAsJSON(t *testing.T) {
	for _, p := range []Policy{Balangan2025(), Manado(), TulangBawang()} {
		if err := p.Validate(); err != nil {
			t.Errorf("%s: %v", p.ID, err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		var back Policy
		if err := dec.Decode(&back); err != nil {
			t.Fatalf("%s: decode: %v", p.ID, err)
		}
		if !reflect.DeepEqual(p, back) {
			t.Errorf("%s: JSON round trip changed the policy:\n%+v\n%+v", p.ID, p, back)
		}
	}
	var m Month
	if err := json.Unmarshal([]byte(`"2025-13"`), &m); err == nil {
		t.Error("month 2025-13 accepted")
	}
}

func TestPolicyErrorsNameTheField(t *testing.T) {
	for field, mutate := range map[string]func(*Policy){
		"id":                     func(p *Policy) { p.ID = "" },
		"effective_from":         func(p *Policy) { p.EffectiveFrom = Month{} },
		"disiplin_bp":            func(p *Policy) { p.DisiplinBP = 3_000 },
		"kinerja_bp":             func(p *Policy) { p.KinerjaBP = -1 },
		"predikat_bp.kurang":     func(p *Policy) { delete(p.PredikatBP, appraisal.Kurang) },
		"predikat_bp.baik":       func(p *Policy) { p.PredikatBP[appraisal.Baik] = 10_001 },
		"predikat_bp.istimewa":   func(p *Policy) { p.PredikatBP["istimewa"] = 1 },
		"no_predikat_bp":         func(p *Policy) { p.NoPredikatBP = -5 },
		"status_bp.honorer":      func(p *Policy) { p.StatusBP["honorer"] = 5_000 },
		"leave[1].min_months":    func(p *Policy) { p.Leave[1].MinMonths = 5 },
		"leave[0].kind":          func(p *Policy) { p.Leave[0].Kind = "cuti_tahunan" },
		"leave[2].pay_bp":        func(p *Policy) { p.Leave[2].PayBP = 20_000 },
		"plt.mode":               func(p *Policy) { p.Plt.Mode = "" },
		"plt.share_bp":           func(p *Policy) { p.Plt.ShareBP = 10_001 },
		"disiplin_accrues_on[1]": func(p *Policy) { p.DisiplinAccruesOn[1] = "sakit" },
		"iwp.cap":                func(p *Policy) { p.IWP.Cap = -1 },
		"bpjs.base":              func(p *Policy) { p.BPJS.Base = "gaji" },
		"cuts[0].event":          func(p *Policy) { p.Cuts = []CutRule{{Event: "pulang", BP: 1, Base: BaseDisiplin}} },
		"cuts[0].base":           func(p *Policy) { p.Cuts = []CutRule{{Event: EventNoRecord, BP: 1, Base: "gaji"}} },
		"cuts[0].min_minutes":    func(p *Policy) { p.Cuts = []CutRule{{Event: EventNoRecord, MinMinutes: 1, BP: 1, Base: BaseTotal}} },
		"cuts[1].event": func(p *Policy) {
			p.Cuts = []CutRule{{Event: EventLate, MinMinutes: 1, MaxMinutes: 30, BP: 1, Base: BaseDisiplin},
				{Event: EventLate, MinMinutes: 30, MaxMinutes: 60, BP: 2, Base: BaseDisiplin}}
		},
		"cuts[0].max_minutes": func(p *Policy) {
			p.Cuts = []CutRule{{Event: EventLate, MinMinutes: 30, MaxMinutes: 10, BP: 1, Base: BaseDisiplin}}
		},
	} {
		p := Balangan2025()
		mutate(&p)
		var fe FieldError
		if err := p.Validate(); !errors.As(err, &fe) || fe.Field != field || fe.Message == "" {
			t.Errorf("%s: got %v", field, err)
		}
	}
}

func TestVersionsNeverChangeAPaidMonth(t *testing.T) {
	v1 := Balangan2025()
	v2 := Balangan2025()
	v2.ID, v2.EffectiveFrom = "balangan-2026", MonthOf(2026, 1)
	v2.StatusBP = map[Status]int64{CPNS: 9_000}
	vs, err := NewVersions(v2, v1)
	if err != nil {
		t.Fatal(err)
	}
	for m, id := range map[Month]string{MonthOf(2025, 1): "balangan-2025", MonthOf(2025, 12): "balangan-2025", MonthOf(2026, 1): "balangan-2026", MonthOf(2030, 6): "balangan-2026"} {
		if p, err := vs.InForce(m); err != nil || p.ID != id {
			t.Errorf("InForce(%s) = %q, %v; want %q", m, p.ID, err, id)
		}
	}
	if _, err := vs.InForce(MonthOf(2024, 12)); err == nil {
		t.Error("a month before any version found a policy")
	}

	in := Input{Month: MonthOf(2026, 2), Status: CPNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: presentDays(20)}, PTKP: "TK/0"}
	paid := func(vs Versions) Slip {
		p, err := vs.InForce(in.Month)
		if err != nil {
			t.Fatal(err)
		}
		return compute(t, p, in)
	}
	before := paid(vs)

	// February 2026 is paid; a version from February or earlier is refused, March is fine
	// and leaves February's slip as it was.
	v3 := Balangan2025()
	v3.ID, v3.StatusBP = "balangan-2026b", map[Status]int64{CPNS: 10_000}
	var fe FieldError
	for _, from := range []Month{MonthOf(2026, 2), MonthOf(2025, 6)} {
		v3.EffectiveFrom = from
		if _, err := vs.Add(v3, MonthOf(2026, 2)); !errors.As(err, &fe) || fe.Field != "effective_from" {
			t.Errorf("version from %s after February paid: %v", from, err)
		}
	}
	v3.EffectiveFrom = MonthOf(2026, 3)
	vs2, err := vs.Add(v3, MonthOf(2026, 2))
	if err != nil {
		t.Fatal(err)
	}
	if after := paid(vs2); !reflect.DeepEqual(before, after) || after.PolicyID != "balangan-2026" {
		t.Errorf("February's slip changed after a later version:\n%+v\n%+v", before, after)
	}
	in.Month = MonthOf(2026, 3)
	if s := paid(vs2); s.PolicyID != "balangan-2026b" || s.TPP != 10_000_000 {
		t.Errorf("March under the new version: %s TPP %d", s.PolicyID, s.TPP)
	}

	dup := v1
	dup.EffectiveFrom = MonthOf(2027, 1)
	if _, err := NewVersions(v1, dup); !errors.As(err, &fe) || fe.Field != "id" {
		t.Errorf("duplicate id: %v", err)
	}
	same := v2
	same.ID = "other"
	if _, err := NewVersions(v2, same); !errors.As(err, &fe) || fe.Field != "effective_from" {
		t.Errorf("two versions the same month: %v", err)
	}
}
