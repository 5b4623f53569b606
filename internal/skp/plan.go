// Package skp holds the Sasaran Kinerja Pegawai (the employee's plan) and its validation rules.
package skp

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Plan is what the employee drafts and the penilai approves.
type Plan struct {
	Approach   string      `json:"approach"` // kuantitatif, or kualitatif for JPT
	Items      []Item      `json:"items"`
	Behaviours []Behaviour `json:"behaviours"`
}

// Item is one hasil kerja row.
type Item struct {
	Kind        string `json:"kind"`         // utama or tambahan
	SuperiorRHK string `json:"superior_rhk"` // the superior's RHK this row serves (intervensi)
	RHK         string `json:"rhk"`          // Rencana Hasil Kerja
	Aspect      string `json:"aspect"`       // kuantitas, kualitas, waktu, biaya
	IKI         string `json:"iki"`          // Indikator Kinerja Individu
	Target      string `json:"target"`
	Unit        string `json:"unit"` // satuan target
	// Parent is what the row serves, chosen from a list (cascading): "rhk:<skp id>:<seq>", an RHK of
	// the penilai's approved SKP, or "goal:<id>", a goal of the unit. Empty in plans from before
	// cascading and when there is nothing to point to; SuperiorRHK then holds the free text.
	Parent string `json:"parent,omitempty"`
}

// Behaviour is the leader's specific expectation for one BerAKHLAK value.
type Behaviour struct {
	Value       string `json:"value"`
	Expectation string `json:"expectation"`
}

// BerAKHLAK lists the seven core values in their official order.
var BerAKHLAK = []string{
	"berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif",
}

// FieldError names the field that is wrong and says why, in Bahasa Indonesia.
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// Validate checks the plan is complete enough to be submitted for approval.
func (p Plan) Validate() error {
	if p.Approach != "kuantitatif" && p.Approach != "kualitatif" {
		return FieldError{"approach", "harus kuantitatif atau kualitatif"}
	}
	if len(p.Items) == 0 {
		return FieldError{"items", "SKP harus memuat minimal satu hasil kerja"}
	}
	if len(p.Items) > 50 {
		return FieldError{"items", "paling banyak 50 hasil kerja"}
	}
	utama := 0
	for i, it := range p.Items {
		f := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		switch it.Kind {
		case "utama":
			utama++
		case "tambahan":
		default:
			return FieldError{f("kind"), "harus utama atau tambahan"}
		}
		switch it.Aspect {
		case "kuantitas", "kualitas", "waktu", "biaya":
		default:
			return FieldError{f("aspect"), "harus kuantitas, kualitas, waktu, atau biaya"}
		}
		if it.Parent != "" {
			if _, err := ParseParent(it.Parent); err != nil {
				return FieldError{f("parent"), err.Error()}
			}
		}
		// A slice, not a map: the workflow runs this and its order must be deterministic.
		for _, fv := range [...]struct{ name, v string }{
			{"rhk", it.RHK}, {"iki", it.IKI}, {"target", it.Target}, {"unit", it.Unit}, {"superior_rhk", it.SuperiorRHK},
		} {
			if fv.name != "superior_rhk" && strings.TrimSpace(fv.v) == "" {
				return FieldError{f(fv.name), "wajib diisi"}
			}
			if len(fv.v) > 2000 {
				return FieldError{f(fv.name), "terlalu panjang (maksimal 2000 karakter)"}
			}
		}
	}
	if utama == 0 {
		return FieldError{"items", "minimal satu hasil kerja utama"}
	}
	seen := map[string]bool{}
	for i, b := range p.Behaviours {
		if !isValue(b.Value) {
			return FieldError{fmt.Sprintf("behaviours[%d].value", i), "bukan nilai BerAKHLAK: " + strings.Join(BerAKHLAK, ", ")}
		}
		if seen[b.Value] {
			return FieldError{fmt.Sprintf("behaviours[%d].value", i), "nilai " + b.Value + " disebut dua kali"}
		}
		seen[b.Value] = true
	}
	return nil
}

// ParentRef is Item.Parent read: either an RHK row of an approved SKP or a unit goal.
type ParentRef struct {
	SKPID  int64 // skp.id of the approved version, with Seq its row
	Seq    int
	GoalID int64 // unit_goals.id
}

// Ref writes the reference back as Item.Parent holds it.
func (r ParentRef) Ref() string {
	if r.GoalID != 0 {
		return "goal:" + strconv.FormatInt(r.GoalID, 10)
	}
	return "rhk:" + strconv.FormatInt(r.SKPID, 10) + ":" + strconv.Itoa(r.Seq)
}

// ParseParent reads "rhk:<skp id>:<seq>" or "goal:<id>".
func ParseParent(ref string) (ParentRef, error) {
	bad := fmt.Errorf("pilihan RHK atasan tidak terbaca; pilih lagi dari daftar")
	kind, rest, _ := strings.Cut(ref, ":")
	switch kind {
	case "rhk":
		a, b, ok := strings.Cut(rest, ":")
		id, err1 := strconv.ParseInt(a, 10, 64)
		seq, err2 := strconv.Atoi(b)
		if !ok || err1 != nil || err2 != nil || id <= 0 || seq < 0 || seq > 1000 {
			return ParentRef{}, bad
		}
		return ParentRef{SKPID: id, Seq: seq}, nil
	case "goal":
		id, err := strconv.ParseInt(rest, 10, 64)
		if err != nil || id <= 0 {
			return ParentRef{}, bad
		}
		return ParentRef{GoalID: id}, nil
	}
	return ParentRef{}, bad
}

func isValue(v string) bool {
	for _, b := range BerAKHLAK {
		if b == v {
			return true
		}
	}
	return false
}

// Realisasi is what the employee reports against one plan item.
type Realisasi struct {
	Seq         int    `json:"seq"` // index of the item in the approved plan, from 0
	Realisasi   string `json:"realisasi"`
	EvidenceURL string `json:"evidence_url"` // bukti dukung
}

// ValidateRealisasi checks a report against the approved plan: every row names a real item once,
// says what was achieved, and links evidence over http(s) when it links any.
func ValidateRealisasi(p Plan, rows []Realisasi) error {
	if len(rows) == 0 {
		return FieldError{"items", "laporkan realisasi minimal satu hasil kerja"}
	}
	seen := map[int]bool{}
	for i, r := range rows {
		f := func(name string) string { return fmt.Sprintf("items[%d].%s", i, name) }
		if r.Seq < 0 || r.Seq >= len(p.Items) {
			return FieldError{f("seq"), fmt.Sprintf("tidak ada hasil kerja nomor %d di SKP", r.Seq)}
		}
		if seen[r.Seq] {
			return FieldError{f("seq"), fmt.Sprintf("hasil kerja nomor %d dilaporkan dua kali", r.Seq)}
		}
		seen[r.Seq] = true
		if strings.TrimSpace(r.Realisasi) == "" {
			return FieldError{f("realisasi"), "wajib diisi"}
		}
		if r.EvidenceURL != "" {
			u, err := url.Parse(r.EvidenceURL)
			if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
				return FieldError{f("evidence_url"), "harus tautan http(s) yang lengkap"}
			}
		}
	}
	return nil
}
