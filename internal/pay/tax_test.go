package pay

import "testing"

func TestTERTablesShape(t *testing.T) {
	// PP 58/2023's annex has 44, 40 and 41 rows; bounds rise, rates never fall, the top is 34%.
	for cat, rows := range map[string]int{"A": 44, "B": 40, "C": 41} {
		tab := terTables[cat]
		if len(tab) != rows {
			t.Errorf("TER %s has %d rows, want %d", cat, len(tab), rows)
		}
		for i := 1; i < len(tab)-1; i++ {
			if tab[i].Upto <= tab[i-1].Upto || tab[i].RateBP <= tab[i-1].RateBP {
				t.Errorf("TER %s row %d does not rise: %+v after %+v", cat, i, tab[i], tab[i-1])
			}
		}
		if last := tab[len(tab)-1]; last.Upto != 0 || last.RateBP != 3400 {
			t.Errorf("TER %s top row %+v, want open-ended 34%%", cat, last)
		}
	}
}

func TestTERBracketBoundaries(t *testing.T) {
	// Each bound belongs to its row ("s.d."); one rupiah more is the next row.
	for _, c := range []struct {
		ptkp  PTKP
		gross int64
		bp    int64
	}{
		{"TK/0", 5_400_000, 0}, {"TK/0", 5_400_001, 25}, {"TK/1", 10_050_000, 200}, {"K/0", 10_050_001, 225},
		{"TK/0", 1_400_000_000, 3300}, {"TK/0", 1_400_000_001, 3400},
		{"TK/2", 6_200_000, 0}, {"TK/3", 6_200_001, 25}, {"K/1", 9_200_000, 100}, {"K/2", 9_200_001, 150},
		{"K/1", 1_405_000_000, 3300}, {"K/1", 1_405_000_001, 3400},
		{"K/3", 6_600_000, 0}, {"K/3", 6_600_001, 25}, {"K/3", 11_200_000, 175}, {"K/3", 11_200_001, 200},
		{"K/3", 1_419_000_000, 3300}, {"K/3", 1_419_000_001, 3400},
	} {
		if got := TERRateBP(c.ptkp, c.gross); got != c.bp {
			t.Errorf("TER %s (%s) at %d = %d bp, want %d", c.ptkp, c.ptkp.TERCategory(), c.gross, got, c.bp)
		}
	}
}

func TestTERWorkedExamplesOfPMK168(t *testing.T) {
	// The worked examples of PMK 168/2023 as the transcription we checked against quotes them.
	for _, c := range []struct {
		ptkp       PTKP
		gross, tax int64
	}{
		{"K/3", 30_000_000, 3_300_000},   // C, 11%
		{"K/1", 6_800_000, 34_000},       // B, 0,5%
		{"K/2", 55_500_000, 10_545_000},  // B, 19%
		{"TK/0", 60_000_000, 12_000_000}, // A, 20%
		{"TK/0", 5_650_001, 28_250},      // A, 0,5%: 28.250,005 → 28.250
	} {
		if got, err := TERTax(c.ptkp, c.gross); err != nil || got != c.tax {
			t.Errorf("TER %s on %d = %d, %v; want %d", c.ptkp, c.gross, got, err, c.tax)
		}
	}
}

func TestPTKP(t *testing.T) {
	for _, c := range []struct {
		s      PTKP
		annual int64
		cat    string
	}{
		{"TK/0", 54_000_000, "A"}, {"TK/1", 58_500_000, "A"}, {"K/0", 58_500_000, "A"},
		{"TK/2", 63_000_000, "B"}, {"TK/3", 67_500_000, "B"}, {"K/1", 63_000_000, "B"}, {"K/2", 67_500_000, "B"},
		{"K/3", 72_000_000, "C"},
	} {
		if c.s.Annual() != c.annual || c.s.TERCategory() != c.cat || !c.s.Valid() {
			t.Errorf("%s: PTKP %d category %s; want %d %s", c.s, c.s.Annual(), c.s.TERCategory(), c.annual, c.cat)
		}
	}
	if PTKP("K/4").Valid() || PTKP("").Valid() {
		t.Error("invalid PTKP accepted")
	}
}

func TestPasal17Layers(t *testing.T) {
	for _, c := range []struct{ pkp, tax int64 }{
		{0, 0}, {1_000, 50}, {60_000_000, 3_000_000}, {60_001_000, 3_000_150},
		{250_000_000, 31_500_000},      // 3.000.000 + 15% × 190.000.000
		{500_000_000, 94_000_000},      // + 25% × 250.000.000
		{5_000_000_000, 1_444_000_000}, // + 30% × 4.500.000.000
		{5_000_001_000, 1_444_000_350}, // + 35% × 1.000
	} {
		if got, err := Pasal17Tax(c.pkp); err != nil || got != c.tax {
			t.Errorf("Pasal 17 on %d = %d, %v; want %d", c.pkp, got, err, c.tax)
		}
	}
}

func TestDecemberTaxRoundsPKPDownAndFloorsAtZero(t *testing.T) {
	// Gross 60.000.999 a year: biaya jabatan 3.000.050 (5%, under the cap); neto 57.000.949;
	// PTKP TK/0 54.000.000 → 3.000.949 → PKP 3.000.000 → 5% = 150.000; nothing withheld before.
	if got, err := DecemberTax("TK/0", TaxYear{GrossJanNov: 55_000_000}, 5_000_999); err != nil || got != 150_000 {
		t.Errorf("DecemberTax = %d, %v; want 150.000", got, err)
	}
	// Income under PTKP: no tax, and what was withheld comes back.
	if got, _ := DecemberTax("K/3", TaxYear{GrossJanNov: 11 * 5_000_000, WithheldJanNov: 10_000}, 5_000_000); got != -10_000 {
		t.Errorf("under PTKP: %d, want −10.000 (refund)", got)
	}
}
