// Package cascade holds the rule of cascading (intervensi, PermenPANRB 6/2022): each RHK row of an
// SKP serves an RHK of the penilai's approved SKP in the same cycle or, for a unit head whose
// penilai is outside the cycle, one of the unit's goals. Pure: store/ reads the candidates, api/
// applies the rule for the JSON handler and the pages alike.
package cascade

import (
	"fmt"

	"github.com/kinerja/platform/internal/skp"
)

// Source says where the candidates of an employee's rows come from.
type Source string

const (
	// SuperiorSKP: the penilai's SKP in the same cycle is approved; its RHK are the candidates.
	SuperiorSKP Source = "skp_atasan"
	// SuperiorPending: the penilai is in the cycle but their SKP is not approved yet: rows may be
	// typed, the SKP cannot be submitted until it is.
	SuperiorPending Source = "skp_atasan_belum_disetujui"
	// UnitGoals: the penilai is outside the cycle (or region); the unit's goals are the candidates.
	UnitGoals Source = "sasaran_unit"
	// Nothing: the penilai is outside the cycle and the unit has no goals recorded: the row keeps
	// the free text "RHK atasan" and needs no parent.
	Nothing Source = "tidak_ada"
)

// Candidate is one RHK or goal a row may serve.
type Candidate struct {
	Ref  string `json:"ref"`            // what Item.Parent carries
	Text string `json:"text"`           // the RHK or goal as written
	Kind string `json:"kind,omitempty"` // utama or tambahan, for an RHK
	No   int    `json:"no"`             // its row number as its owner sees it, from 1
}

// Parents is what an employee's rows may point to.
type Parents struct {
	Source      Source      `json:"source"`
	PenilaiNIP  string      `json:"penilai_nip"`
	PenilaiName string      `json:"penilai_name"`
	SKPVersion  int         `json:"skp_version,omitempty"` // of the penilai's SKP, when there is one
	UnitID      string      `json:"unit_id"`
	Candidates  []Candidate `json:"candidates"`
	Note        string      `json:"note"` // what it means for the employee, as the form says it
}

// Find answers the candidate a reference names.
func (p Parents) Find(ref string) (Candidate, bool) {
	for _, c := range p.Candidates {
		if c.Ref == ref {
			return c, true
		}
	}
	return Candidate{}, false
}

// Required is whether a submitted SKP must point every utama row at a parent.
func (p Parents) Required() bool { return p.Source != Nothing }

// Check applies the rule to a plan and names the first row at fault ("baris 2: …", field
// items[1].parent). With submit false (HR setting a plan nobody drafted) a row may go without a
// parent, but a parent given must still be a candidate. Rows that pass get SuperiorRHK set to the
// parent's text, so every view of the plan reads what was chosen.
func Check(p Parents, plan *skp.Plan, submit bool) error {
	for i := range plan.Items {
		it := &plan.Items[i]
		row := func(msg string) error {
			return skp.FieldError{Field: fmt.Sprintf("items[%d].parent", i), Message: fmt.Sprintf("baris %d: %s", i+1, msg)}
		}
		if it.Parent == "" {
			if submit && it.Kind == "utama" {
				switch p.Source {
				case SuperiorPending:
					return row("SKP atasan belum disetujui; SKP dapat diajukan setelah SKP atasan disetujui")
				case SuperiorSKP:
					return row("pilih RHK atasan yang diintervensi dari daftar")
				case UnitGoals:
					return row("pilih sasaran unit yang diintervensi dari daftar")
				}
			}
			continue
		}
		if p.Source == SuperiorPending {
			return row("SKP atasan belum disetujui")
		}
		c, ok := p.Find(it.Parent)
		if !ok {
			if p.Source == UnitGoals {
				return row("sasaran unit tidak ditemukan")
			}
			return row("RHK atasan tidak ditemukan")
		}
		it.SuperiorRHK = c.Text
	}
	return nil
}

// NoteOf says in the form's words what a source means for the employee.
func NoteOf(s Source, penilai string) string {
	switch s {
	case SuperiorSKP:
		return "Pilih RHK " + penilai + " (SKP yang telah disetujui) yang diintervensi oleh setiap hasil kerja utama."
	case SuperiorPending:
		return "SKP " + penilai + " belum disetujui. Anda dapat menyusun SKP, tetapi SKP baru dapat diajukan setelah SKP atasan disetujui, karena setiap hasil kerja utama harus memilih RHK atasan."
	case UnitGoals:
		return "Pejabat penilai Anda berada di luar siklus ini: pilih sasaran unit yang diintervensi oleh setiap hasil kerja utama."
	}
	return "Pejabat penilai Anda berada di luar siklus ini dan unit belum mencatat sasaran: tuliskan RHK atasan yang diintervensi."
}
