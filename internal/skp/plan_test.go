package skp

import (
	"strings"
	"testing"
)

func validPlan() Plan {
	return Plan{
		Approach: "kuantitatif",
		Items: []Item{{Kind: "utama", RHK: "Terlaksananya pelayanan", Aspect: "kuantitas",
			IKI: "Jumlah layanan", Target: "120", Unit: "dokumen"}},
		Behaviours: []Behaviour{{Value: "akuntabel", Expectation: "Tepat waktu"}},
	}
}

func TestValidateNamesTheField(t *testing.T) {
	cases := map[string]struct {
		mutate func(*Plan)
		field  string
	}{
		"approach":       {func(p *Plan) { p.Approach = "x" }, "approach"},
		"no items":       {func(p *Plan) { p.Items = nil }, "items"},
		"bad kind":       {func(p *Plan) { p.Items[0].Kind = "lain" }, "items[0].kind"},
		"bad aspect":     {func(p *Plan) { p.Items[0].Aspect = "mutu" }, "items[0].aspect"},
		"empty target":   {func(p *Plan) { p.Items[0].Target = " " }, "items[0].target"},
		"no utama":       {func(p *Plan) { p.Items[0].Kind = "tambahan" }, "items"},
		"bad value":      {func(p *Plan) { p.Behaviours[0].Value = "jujur" }, "behaviours[0].value"},
		"repeated value": {func(p *Plan) { p.Behaviours = append(p.Behaviours, p.Behaviours[0]) }, "behaviours[1].value"},
	}
	for name, c := range cases {
		p := validPlan()
		c.mutate(&p)
		err := p.Validate()
		fe, ok := err.(FieldError)
		if !ok || fe.Field != c.field {
			t.Errorf("%s: got %v, want an error on %s", name, err, c.field)
		}
	}
	if err := validPlan().Validate(); err != nil {
		t.Errorf("valid plan rejected: %v", err)
	}
}

func TestValidateRealisasi(t *testing.T) {
	p := validPlan()
	ok := []Realisasi{{Seq: 0, Realisasi: "130 dokumen", EvidenceURL: "https://drive.example.go.id/bukti"}}
	if err := ValidateRealisasi(p, ok); err != nil {
		t.Fatalf("valid report rejected: %v", err)
	}
	bad := map[string][]Realisasi{
		"items[0].seq":          {{Seq: 3, Realisasi: "x"}},
		"items[1].seq":          {{Seq: 0, Realisasi: "x"}, {Seq: 0, Realisasi: "y"}},
		"items[0].realisasi":    {{Seq: 0}},
		"items[0].evidence_url": {{Seq: 0, Realisasi: "x", EvidenceURL: "javascript:alert(1)"}},
		"items":                 nil,
	}
	for field, rows := range bad {
		err := ValidateRealisasi(p, rows)
		if err == nil || !strings.HasPrefix(err.Error(), field+":") {
			t.Errorf("want error on %s, got %v", field, err)
		}
	}
}
