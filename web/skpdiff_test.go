package web

import (
	"testing"

	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/store"
)

func TestPlanChangesRowByRow(t *testing.T) {
	item := skp.Item{Kind: "utama", RHK: "Layanan daring", Aspect: "kuantitas", IKI: "Jumlah modul", Target: "4", Unit: "modul"}
	prev := &store.PlanVersion{Version: 1, Plan: skp.Plan{Approach: "kuantitatif", Items: []skp.Item{item, {RHK: "Pendampingan"}}}}
	changed := item
	changed.Target = "6"
	cur := &store.PlanVersion{Version: 2, Plan: skp.Plan{Approach: "kuantitatif", Items: []skp.Item{changed}}}
	got := planChanges(prev, cur)
	want := []planChange{{Row: 1, What: "Target", Before: "4 modul", After: "6 modul"}, {Row: 2, What: "dihapus", Before: "Pendampingan"}}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("changes %+v, want %+v", got, want)
	}
	if got := planChanges(nil, cur); got != nil {
		t.Errorf("first version: %+v", got)
	}
}
