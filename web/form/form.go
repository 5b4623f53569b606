// Package form reads the pages' forms into the inputs the application layer takes, keeping what
// was typed so a refused form comes back filled in. The rules themselves (what a valid SKP is)
// stay where the JSON API's are: internal/skp and the workflow.
package form

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/kinerja/platform/internal/skp"
)

// MaxRows bounds the RHK rows a form may carry, as skp.Plan.Validate bounds the plan.
const MaxRows = 50

// Errors maps a field path ("items[0].rhk", as skp.FieldError names it) to its message.
type Errors map[string]string

// SKP is the SKP form: the plan as typed, and what the button pressed asks for.
type SKP struct {
	Plan skp.Plan
	// Op is "ajukan" (submit), "tambah" (add a row) or "hapus" (remove row Remove).
	Op     string
	Remove int
}

// Field names one input of row i, the same path skp.FieldError uses.
func Field(i int, name string) string { return fmt.Sprintf("items[%d].%s", i, name) }

// ParseSKP reads the form. Rows are counted by the "rows" field; a row left wholly empty is
// dropped when the form is submitted, so a spare row does not block it.
func ParseSKP(v url.Values) (SKP, Errors) {
	f := SKP{Op: v.Get("op"), Plan: skp.Plan{Approach: strings.TrimSpace(v.Get("approach"))}}
	errs := Errors{}
	n, err := strconv.Atoi(v.Get("rows"))
	if err != nil || n < 0 || n > MaxRows {
		errs["items"] = fmt.Sprintf("jumlah baris tidak terbaca (0 sampai %d)", MaxRows)
		n = 0
	}
	if rest, ok := strings.CutPrefix(f.Op, "hapus-"); ok {
		i, err := strconv.Atoi(rest)
		if err != nil || i < 0 || i >= n {
			errs["items"] = "baris yang akan dihapus tidak ada"
		}
		f.Op, f.Remove = "hapus", i
	}
	switch f.Op {
	case "ajukan", "tambah", "hapus":
	default:
		errs["op"] = "tombol tidak dikenal; muat ulang halaman lalu coba lagi"
	}
	for i := range n {
		get := func(name string) string { return strings.TrimSpace(v.Get(Field(i, name))) }
		it := skp.Item{Kind: get("kind"), SuperiorRHK: get("superior_rhk"), RHK: get("rhk"), Aspect: get("aspect"),
			IKI: get("iki"), Target: get("target"), Unit: get("unit"), Parent: get("parent")}
		if f.Op == "ajukan" && it.SuperiorRHK == "" && it.Parent == "" && it.RHK == "" && it.IKI == "" && it.Target == "" && it.Unit == "" {
			continue
		}
		f.Plan.Items = append(f.Plan.Items, it)
	}
	switch f.Op {
	case "tambah":
		if len(f.Plan.Items) >= MaxRows {
			errs["items"] = fmt.Sprintf("paling banyak %d hasil kerja", MaxRows)
		} else {
			f.Plan.Items = append(f.Plan.Items, NewRow())
		}
	case "hapus":
		if errs["items"] == "" {
			f.Plan.Items = append(f.Plan.Items[:f.Remove], f.Plan.Items[f.Remove+1:]...)
		}
	}
	return f, errs
}

// NewRow is an empty row with the usual choices made.
func NewRow() skp.Item { return skp.Item{Kind: "utama", Aspect: "kuantitas"} }

// Notes reads the return-with-notes form of the SKP review.
func Notes(v url.Values) string { return strings.TrimSpace(v.Get("notes")) }
