package web

import (
	"github.com/kinerja/platform/internal/skp"
	"github.com/kinerja/platform/store"
)

// planChange is one difference between the SKP under review and the version before it, row by row.
type planChange struct {
	Row    int    // 1-based row of the new version (of the old one for a removed row)
	What   string // "ditambahkan", "dihapus" or the field's name
	Before string
	After  string
}

// planChanges lists what changed from prev to cur: rows are compared by position; a field that
// differs is one change, a row only one version has is added or removed.
func planChanges(prev, cur *store.PlanVersion) []planChange {
	if prev == nil || cur == nil {
		return nil
	}
	var out []planChange
	if prev.Approach != cur.Approach {
		out = append(out, planChange{What: "Pendekatan", Before: label(prev.Approach, approaches), After: label(cur.Approach, approaches)})
	}
	for i := range max(len(prev.Items), len(cur.Items)) {
		switch {
		case i >= len(prev.Items):
			out = append(out, planChange{Row: i + 1, What: "ditambahkan", After: cur.Items[i].RHK})
		case i >= len(cur.Items):
			out = append(out, planChange{Row: i + 1, What: "dihapus", Before: prev.Items[i].RHK})
		default:
			out = append(out, itemChanges(i+1, prev.Items[i], cur.Items[i])...)
		}
	}
	return out
}

func itemChanges(row int, a, b skp.Item) []planChange {
	var out []planChange
	for _, f := range []struct{ name, a, b string }{
		{"Jenis", label(a.Kind, kinds), label(b.Kind, kinds)},
		{"RHK atasan yang diintervensi", a.SuperiorRHK, b.SuperiorRHK},
		{"RHK", a.RHK, b.RHK},
		{"Aspek", label(a.Aspect, aspects), label(b.Aspect, aspects)},
		{"IKI", a.IKI, b.IKI},
		{"Target", a.Target + " " + a.Unit, b.Target + " " + b.Unit},
	} {
		if f.a != f.b {
			out = append(out, planChange{Row: row, What: f.name, Before: f.a, After: f.b})
		}
	}
	return out
}
