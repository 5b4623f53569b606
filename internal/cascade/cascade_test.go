package cascade

import (
	"errors"
	"testing"

	"github.com/kinerja/platform/internal/skp"
)

func TestCheck(t *testing.T) {
	approved := Parents{Source: SuperiorSKP, Candidates: []Candidate{{Ref: "rhk:7:0", Text: "RHK atasan satu"}, {Ref: "rhk:7:1", Text: "RHK atasan dua"}}}
	goals := Parents{Source: UnitGoals, Candidates: []Candidate{{Ref: "goal:3", Text: "Sasaran unit"}}}
	items := func(rows ...skp.Item) *skp.Plan { return &skp.Plan{Items: rows} }
	utama := func(parent string) skp.Item { return skp.Item{Kind: "utama", Parent: parent, SuperiorRHK: "diketik"} }
	tambahan := func(parent string) skp.Item { return skp.Item{Kind: "tambahan", Parent: parent} }
	for _, c := range []struct {
		name    string
		p       Parents
		plan    *skp.Plan
		submit  bool
		field   string // "" when it passes
		message string
	}{
		{"picked", approved, items(utama("rhk:7:1"), tambahan("")), true, "", ""},
		{"utama without parent", approved, items(utama("rhk:7:0"), utama("")), true, "items[1].parent", "baris 2: pilih RHK atasan yang diintervensi dari daftar"},
		{"HR may leave it", approved, items(utama("")), false, "", ""},
		{"HR's pick still checked", approved, items(utama("rhk:8:0")), false, "items[0].parent", "baris 1: RHK atasan tidak ditemukan"},
		{"another SKP's row", approved, items(utama("rhk:7:2")), true, "items[0].parent", "baris 1: RHK atasan tidak ditemukan"},
		{"superior pending", Parents{Source: SuperiorPending}, items(tambahan(""), utama("")), true, "items[1].parent", "baris 2: SKP atasan belum disetujui; SKP dapat diajukan setelah SKP atasan disetujui"},
		{"pending, a stale pick", Parents{Source: SuperiorPending}, items(tambahan("rhk:7:0")), false, "items[0].parent", "baris 1: SKP atasan belum disetujui"},
		{"goal", goals, items(utama("goal:3")), true, "", ""},
		{"no goal picked", goals, items(utama("")), true, "items[0].parent", "baris 1: pilih sasaran unit yang diintervensi dari daftar"},
		{"unknown goal", goals, items(utama("goal:4")), true, "items[0].parent", "baris 1: sasaran unit tidak ditemukan"},
		{"nothing to point to", Parents{Source: Nothing}, items(utama("")), true, "", ""},
		{"nothing, yet a pick", Parents{Source: Nothing}, items(utama("goal:3")), true, "items[0].parent", "baris 1: RHK atasan tidak ditemukan"},
	} {
		err := Check(c.p, c.plan, c.submit)
		var fe skp.FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field || fe.Message != c.message):
			t.Errorf("%s: %v, want %s: %s", c.name, err, c.field, c.message)
		}
	}
	// A pick carries the parent's text as the row's "RHK atasan"; a row without one keeps what was typed.
	p := items(utama("rhk:7:1"), tambahan(""))
	p.Items[1].SuperiorRHK = "diketik"
	if err := Check(approved, p, true); err != nil || p.Items[0].SuperiorRHK != "RHK atasan dua" || p.Items[1].SuperiorRHK != "diketik" {
		t.Errorf("filled: %v %+v", err, p.Items)
	}
}

func TestParseParent(t *testing.T) {
	for ref, want := range map[string]skp.ParentRef{"rhk:12:0": {SKPID: 12}, "rhk:12:3": {SKPID: 12, Seq: 3}, "goal:5": {GoalID: 5}} {
		got, err := skp.ParseParent(ref)
		if err != nil || got != want || got.Ref() != ref {
			t.Errorf("%s: %+v %v", ref, got, err)
		}
	}
	for _, bad := range []string{"", "rhk:", "rhk:1", "rhk:0:1", "rhk:1:-1", "rhk:a:1", "goal:", "goal:0", "goal:-2", "x:1", "rhk:1:1:1"} {
		if _, err := skp.ParseParent(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
