package distribution

import (
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
)

// c builds counts in the order SB, B, BP, K, SK.
func c(sb, b, bp, k, sk int) Counts {
	return Counts{appraisal.SangatBaik: sb, appraisal.Baik: b, appraisal.ButuhPerbaikan: bp, appraisal.Kurang: k, appraisal.SangatKurang: sk}
}

func TestRuleTable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		org    OrgPredikat
		counts Counts
		ok     bool
		broken string // the rule of the first broken line
	}{
		{"istimewa: 7 of 10 sangat baik", Istimewa, c(7, 3, 0, 0, 0), true, ""},
		{"istimewa: 8 of 10 sangat baik", Istimewa, c(8, 2, 0, 0, 0), false, "paling banyak 70% Sangat Baik"},
		{"istimewa: anything else goes", Istimewa, c(0, 0, 5, 3, 2), true, ""},
		{"baik: 7 baik, 2 sb, 1 bp", Baik, c(2, 7, 1, 0, 0), true, ""},
		{"baik: a kurang also counts as the one required", Baik, c(0, 7, 0, 1, 2), true, ""},
		{"baik: 8 of 10 baik", Baik, c(1, 8, 1, 0, 0), false, "paling banyak 70% Baik"},
		{"baik: nobody below baik", Baik, c(4, 6, 0, 0, 0), false, "wajib ada Butuh Perbaikan dan/atau Kurang/Misconduct"},
		{"butuh perbaikan: 6 bp, 1 sb", ButuhPerbaikan, c(1, 3, 6, 0, 0), true, ""},
		{"butuh perbaikan: 5 bp of 10", ButuhPerbaikan, c(0, 5, 5, 0, 0), false, "paling sedikit 60% Butuh Perbaikan"},
		{"butuh perbaikan: 2 sb of 10", ButuhPerbaikan, c(2, 2, 6, 0, 0), false, "paling banyak 10% Sangat Baik"},
		{"kurang: 6 k, 1 bp, 1 sb", Kurang, c(1, 2, 1, 6, 0), true, ""},
		{"kurang: no bp", Kurang, c(0, 4, 0, 6, 0), false, "paling sedikit 10% Butuh Perbaikan"},
		{"sangat kurang: 6 sk, 1 k", SangatKurang, c(0, 3, 0, 1, 6), true, ""},
		{"sangat kurang: 6 sk, 1 bp", SangatKurang, c(0, 3, 1, 0, 6), true, ""},
		{"sangat kurang: one sangat baik", SangatKurang, c(1, 1, 1, 1, 6), false, "tidak boleh ada Sangat Baik"},
		{"sangat kurang: nobody in k or bp", SangatKurang, c(0, 4, 0, 0, 6), false, "paling sedikit 10% Kurang/Misconduct dan/atau Butuh Perbaikan"},
		{"nobody rated yet", Baik, Counts{}, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(tc.org, tc.counts)
			if err != nil {
				t.Fatal(err)
			}
			if res.OK != tc.ok {
				t.Fatalf("ok = %v, want %v: %+v", res.OK, tc.ok, res.Lines)
			}
			for _, l := range res.Lines {
				if !l.OK {
					if l.Rule != tc.broken || l.Fix == "" {
						t.Errorf("broken line %+v, want rule %q with a fix", l, tc.broken)
					}
					return
				}
			}
		})
	}
	if _, err := Check("luar biasa", Counts{}); err == nil {
		t.Error("an unknown organisation predikat was checked")
	}
}

// TestSmallTeamRounding pins the rounding rule shown to users: nearest person, halves in the
// employees' favour, "must include" from two rated employees on.
func TestSmallTeamRounding(t *testing.T) {
	max70 := Bound{Of: sb, Percent: 70, Max: true}
	max10 := Bound{Of: sb, Percent: 10, Max: true}
	min60 := Bound{Of: bp, Percent: 60}
	min10 := Bound{Of: bp, Percent: 10}
	must := Bound{Of: bp, AtLeastOne: true}
	for _, tc := range []struct {
		bound Bound
		n     int
		want  int
	}{
		{max70, 1, 1}, {max70, 2, 1}, {max70, 3, 2}, {max70, 5, 4}, {max70, 10, 7}, {max70, 15, 11},
		{max10, 4, 0}, {max10, 5, 1}, {max10, 9, 1}, {max10, 14, 1}, {max10, 15, 2},
		{min60, 1, 1}, {min60, 2, 1}, {min60, 3, 2}, {min60, 5, 3}, {min60, 10, 6},
		{min10, 3, 0}, {min10, 5, 0}, {min10, 6, 1}, {min10, 15, 1}, {min10, 16, 2},
		{must, 1, 0}, {must, 2, 1}, {must, 40, 1},
	} {
		if got := tc.bound.Limit(tc.n); got != tc.want {
			t.Errorf("%s of %d: %d people, want %d", tc.bound.Label(), tc.n, got, tc.want)
		}
	}
	// A unit of one Baik employee in a Baik organisation breaks nothing.
	if res, _ := Check(Baik, c(0, 1, 0, 0, 0)); !res.OK {
		t.Errorf("a one-person unit: %+v", res.Lines)
	}
	if !strings.Contains(RoundingRule, "dibulatkan") {
		t.Error("the rounding rule is not written for users")
	}
}

func TestParseOrgPredikat(t *testing.T) {
	for _, o := range OrgPredikats {
		if got, err := ParseOrgPredikat(string(o)); err != nil || got != o {
			t.Errorf("%s: %v %v", o, got, err)
		}
	}
	if _, err := ParseOrgPredikat("Baik"); err == nil {
		t.Error("a label was taken as a code")
	}
}

func TestLeaderRating(t *testing.T) {
	want := map[OrgPredikat]appraisal.Rating{Istimewa: appraisal.DiAtas, Baik: appraisal.Sesuai,
		ButuhPerbaikan: appraisal.DiBawah, Kurang: appraisal.DiBawah, SangatKurang: appraisal.DiBawah}
	for _, p := range OrgPredikats {
		if got := LeaderRating(p); got != want[p] {
			t.Errorf("LeaderRating(%s) = %s, want %s", p, got, want[p])
		}
	}
}
