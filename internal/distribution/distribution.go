// Package distribution checks a unit's employee predikat against the distribution the unit's own
// predikat allows (SE MenPANRB 03/2023), and says what would fix a unit that breaks it. It is pure:
// the API shows its answer (Monitoring Kurva) and the workflow asks it before a result becomes final.
package distribution

import (
	"fmt"
	"strings"

	"github.com/kinerja/platform/internal/appraisal"
)

// OrgPredikat is the unit's own predikat for the cycle, set by the leadership one level up.
type OrgPredikat string

const (
	Istimewa       OrgPredikat = "istimewa"
	Baik           OrgPredikat = "baik"
	ButuhPerbaikan OrgPredikat = "butuh_perbaikan"
	Kurang         OrgPredikat = "kurang"
	SangatKurang   OrgPredikat = "sangat_kurang"
)

// LeaderRating is the rating hasil kerja of a unit's head once the unit's own predikat is set:
// the organisation's achievement is the head's hasil kerja (PermenPANRB 6/2022; SE MenPANRB
// 03/2023). The five organisation predikat meet the three ratings here as Istimewa → Di Atas,
// Baik → Sesuai, and the three below Baik → Di Bawah Ekspektasi.
func LeaderRating(p OrgPredikat) appraisal.Rating {
	switch p {
	case Istimewa:
		return appraisal.DiAtas
	case Baik:
		return appraisal.Sesuai
	}
	return appraisal.DiBawah
}

// OrgPredikats lists every organisation predikat, best first.
var OrgPredikats = []OrgPredikat{Istimewa, Baik, ButuhPerbaikan, Kurang, SangatKurang}

// Label is the name users read.
func (o OrgPredikat) Label() string {
	switch o {
	case Istimewa:
		return "Istimewa"
	case Baik:
		return "Baik"
	case ButuhPerbaikan:
		return "Butuh Perbaikan"
	case Kurang:
		return "Kurang"
	case SangatKurang:
		return "Sangat Kurang"
	}
	return string(o)
}

// ParseOrgPredikat accepts the stored codes only.
func ParseOrgPredikat(s string) (OrgPredikat, error) {
	for _, o := range OrgPredikats {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fmt.Errorf("predikat organisasi %q tidak dikenal: gunakan istimewa, baik, butuh_perbaikan, kurang, atau sangat_kurang", s)
}

// Bound is one line of the rule: the count of employees whose predikat is one of Of must be at
// least (Min) or at most (Max) Percent of the unit.
type Bound struct {
	Of      []appraisal.Predikat `json:"of"`
	Percent int                  `json:"percent"`
	Max     bool                 `json:"max"` // false: a minimum
	// AtLeastOne is "must include": a minimum of one person, whatever the percentage.
	AtLeastOne bool `json:"at_least_one,omitempty"`
}

var (
	sb = []appraisal.Predikat{appraisal.SangatBaik}
	b  = []appraisal.Predikat{appraisal.Baik}
	bp = []appraisal.Predikat{appraisal.ButuhPerbaikan}
	k  = []appraisal.Predikat{appraisal.Kurang}
	sk = []appraisal.Predikat{appraisal.SangatKurang}
)

// Rules is the table of SE MenPANRB 03/2023 (DOMAIN.md, "Distribution rules").
var Rules = map[OrgPredikat][]Bound{
	Istimewa: {{Of: sb, Percent: 70, Max: true}},
	Baik: {{Of: b, Percent: 70, Max: true},
		{Of: []appraisal.Predikat{appraisal.ButuhPerbaikan, appraisal.Kurang}, AtLeastOne: true}},
	ButuhPerbaikan: {{Of: bp, Percent: 60}, {Of: sb, Percent: 10, Max: true}},
	Kurang:         {{Of: k, Percent: 60}, {Of: bp, Percent: 10}, {Of: sb, Percent: 10, Max: true}},
	SangatKurang: {{Of: sk, Percent: 60}, {Of: []appraisal.Predikat{appraisal.Kurang, appraisal.ButuhPerbaikan}, Percent: 10},
		{Of: sb, Percent: 0, Max: true}},
}

// RoundingRule is how a percentage of a small team becomes a number of people; shown to users.
const RoundingRule = "Batas dihitung dari persentase × jumlah pegawai yang dinilai, dibulatkan ke orang terdekat; " +
	"nilai tepat setengah dibulatkan menguntungkan pegawai (batas paling banyak ke atas, batas paling sedikit ke bawah). " +
	"Ketentuan \"wajib ada\" berlaku bila unit memiliki sedikitnya 2 pegawai yang dinilai."

// Limit is the number of people a bound allows in a unit of n rated employees (RoundingRule).
func (bd Bound) Limit(n int) int {
	switch {
	case bd.AtLeastOne:
		if n >= 2 {
			return 1
		}
		return 0
	case bd.Max:
		return (bd.Percent*n + 50) / 100 // half up: the employees' favour for a maximum
	default:
		return (bd.Percent*n + 49) / 100 // half down: the employees' favour for a minimum
	}
}

// Label says the bound in words, e.g. "paling banyak 70% Sangat Baik".
func (bd Bound) Label() string {
	names := make([]string, len(bd.Of))
	for i, p := range bd.Of {
		names[i] = p.Label()
	}
	of := strings.Join(names, " dan/atau ")
	switch {
	case bd.AtLeastOne:
		return "wajib ada " + of
	case bd.Max && bd.Percent == 0:
		return "tidak boleh ada " + of
	case bd.Max:
		return fmt.Sprintf("paling banyak %d%% %s", bd.Percent, of)
	}
	return fmt.Sprintf("paling sedikit %d%% %s", bd.Percent, of)
}

// Counts is how many of a unit's rated employees hold each predikat.
type Counts map[appraisal.Predikat]int

// Total is the number of rated employees.
func (c Counts) Total() int {
	n := 0
	for _, v := range c {
		n += v
	}
	return n
}

func (c Counts) of(ps []appraisal.Predikat) int {
	n := 0
	for _, p := range ps {
		n += c[p]
	}
	return n
}

// Line is one bound checked against a unit.
type Line struct {
	Rule  string `json:"rule"`  // the bound in words
	Limit int    `json:"limit"` // people allowed (max) or needed (min) in this unit
	Max   bool   `json:"max"`
	Count int    `json:"count"`
	OK    bool   `json:"ok"`
	// Fix says what would satisfy the bound, when it is broken.
	Fix string `json:"fix,omitempty"`
}

// Result is a unit's check.
type Result struct {
	Org   OrgPredikat `json:"org_predikat"`
	Rated int         `json:"rated"`
	Lines []Line      `json:"lines"`
	OK    bool        `json:"ok"`
}

// Check tests counts against the rule of org. An empty unit, or one with no rated employee yet,
// breaks nothing.
func Check(org OrgPredikat, counts Counts) (Result, error) {
	bounds, ok := Rules[org]
	if !ok {
		return Result{}, fmt.Errorf("predikat organisasi %q tidak dikenal", org)
	}
	n := counts.Total()
	res := Result{Org: org, Rated: n, OK: true}
	for _, bd := range bounds {
		l := Line{Rule: bd.Label(), Limit: bd.Limit(n), Max: bd.Max, Count: counts.of(bd.Of)}
		if bd.Max {
			l.OK = l.Count <= l.Limit
			if !l.OK {
				l.Fix = fmt.Sprintf("%d pegawai melebihi batas %d orang: tinjau kembali predikat %d pegawai", l.Count-l.Limit, l.Limit, l.Count-l.Limit)
			}
		} else {
			l.OK = l.Count >= l.Limit
			if !l.OK {
				l.Fix = fmt.Sprintf("kurang %d pegawai dari batas %d orang", l.Limit-l.Count, l.Limit)
			}
		}
		res.OK = res.OK && l.OK
		res.Lines = append(res.Lines, l)
	}
	return res, nil
}
