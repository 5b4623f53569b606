package pay

import (
	"fmt"
	"slices"
)

// PTKP is the taxpayer's family status at the start of the year: TK (single) or K (married)
// with 0-3 dependants.
type PTKP string

var ptkps = []PTKP{"TK/0", "TK/1", "TK/2", "TK/3", "K/0", "K/1", "K/2", "K/3"}

// Valid reports whether s is one of TK/0..TK/3, K/0..K/3.
func (s PTKP) Valid() bool { return slices.Contains(ptkps, s) }

// Annual is the yearly PTKP in rupiah (PMK 101/2016, unchanged by UU HPP): Rp54.000.000 for
// the taxpayer, Rp4.500.000 if married, Rp4.500.000 per dependant up to three.
func (s PTKP) Annual() int64 {
	v := int64(54_000_000)
	if s[0] == 'K' {
		v += 4_500_000
	}
	return v + int64(s[len(s)-1]-'0')*4_500_000
}

// TERCategory is the monthly TER table for a PTKP status (PP 58/2023 Pasal 2).
func (s PTKP) TERCategory() string {
	switch s {
	case "TK/0", "TK/1", "K/0":
		return "A"
	case "K/3":
		return "C"
	}
	return "B" // TK/2, TK/3, K/1, K/2
}

// terBracket is one row of a TER table: up to Upto rupiah of monthly gross (inclusive; 0 = no
// upper bound), RateBP basis points.
type terBracket struct {
	Upto   int64
	RateBP int64
}

// The monthly TER tables of PP 58/2023, Lampiran A, B and C (44, 40 and 41 rows), in force
// from January 2024. Each row covers "lebih dari" the previous bound "sampai dengan" its own.
//
// Provenance, honestly: these were not read off the official PDF here. They were written out
// and then compared row by row with two independent public transcriptions that agree with each
// other (one states it was read from peraturan.bpk.go.id/Download/332609 and checked against the
// four worked examples of PMK 168/2023, which TestTERWorkedExamplesOfPMK168 reproduces); a
// third transcription that disagreed in category C was rejected. Verify against the annex
// before the first real payroll.
var terTables = map[string][]terBracket{
	"A": {
		{5_400_000, 0}, {5_650_000, 25}, {5_950_000, 50}, {6_300_000, 75}, {6_750_000, 100},
		{7_500_000, 125}, {8_550_000, 150}, {9_650_000, 175}, {10_050_000, 200}, {10_350_000, 225},
		{10_700_000, 250}, {11_050_000, 300}, {11_600_000, 350}, {12_500_000, 400}, {13_750_000, 500},
		{15_100_000, 600}, {16_950_000, 700}, {19_750_000, 800}, {24_150_000, 900}, {26_450_000, 1000},
		{28_000_000, 1100}, {30_050_000, 1200}, {32_400_000, 1300}, {35_400_000, 1400}, {39_100_000, 1500},
		{43_850_000, 1600}, {47_800_000, 1700}, {51_400_000, 1800}, {56_300_000, 1900}, {62_200_000, 2000},
		{68_600_000, 2100}, {77_500_000, 2200}, {89_000_000, 2300}, {103_000_000, 2400}, {125_000_000, 2500},
		{157_000_000, 2600}, {206_000_000, 2700}, {337_000_000, 2800}, {454_000_000, 2900}, {550_000_000, 3000},
		{695_000_000, 3100}, {910_000_000, 3200}, {1_400_000_000, 3300}, {0, 3400},
	},
	"B": {
		{6_200_000, 0}, {6_500_000, 25}, {6_850_000, 50}, {7_300_000, 75}, {9_200_000, 100},
		{10_750_000, 150}, {11_250_000, 200}, {11_600_000, 250}, {12_600_000, 300}, {13_600_000, 400},
		{14_950_000, 500}, {16_400_000, 600}, {18_450_000, 700}, {21_850_000, 800}, {26_000_000, 900},
		{27_700_000, 1000}, {29_350_000, 1100}, {31_450_000, 1200}, {33_950_000, 1300}, {37_100_000, 1400},
		{41_100_000, 1500}, {45_800_000, 1600}, {49_500_000, 1700}, {53_800_000, 1800}, {58_500_000, 1900},
		{64_000_000, 2000}, {71_000_000, 2100}, {80_000_000, 2200}, {93_000_000, 2300}, {109_000_000, 2400},
		{129_000_000, 2500}, {163_000_000, 2600}, {211_000_000, 2700}, {374_000_000, 2800}, {459_000_000, 2900},
		{555_000_000, 3000}, {704_000_000, 3100}, {957_000_000, 3200}, {1_405_000_000, 3300}, {0, 3400},
	},
	"C": {
		{6_600_000, 0}, {6_950_000, 25}, {7_350_000, 50}, {7_800_000, 75}, {8_850_000, 100},
		{9_800_000, 125}, {10_950_000, 150}, {11_200_000, 175}, {12_050_000, 200}, {12_950_000, 300},
		{14_150_000, 400}, {15_550_000, 500}, {17_050_000, 600}, {19_500_000, 700}, {22_700_000, 800},
		{26_600_000, 900}, {28_100_000, 1000}, {30_100_000, 1100}, {32_600_000, 1200}, {35_400_000, 1300},
		{38_900_000, 1400}, {43_000_000, 1500}, {47_400_000, 1600}, {51_200_000, 1700}, {55_800_000, 1800},
		{60_400_000, 1900}, {66_700_000, 2000}, {74_500_000, 2100}, {83_200_000, 2200}, {95_600_000, 2300},
		{110_000_000, 2400}, {134_000_000, 2500}, {169_000_000, 2600}, {221_000_000, 2700}, {390_000_000, 2800},
		{463_000_000, 2900}, {561_000_000, 3000}, {709_000_000, 3100}, {965_000_000, 3200}, {1_419_000_000, 3300},
		{0, 3400},
	},
}

// TERRateBP is the monthly TER rate for a gross monthly income under a PTKP status.
func TERRateBP(s PTKP, gross int64) int64 {
	t := terTables[s.TERCategory()]
	for _, b := range t {
		if b.Upto == 0 || gross <= b.Upto {
			return b.RateBP
		}
	}
	return t[len(t)-1].RateBP
}

// TERTax is the January-November withholding: gross × TER rate, rounded half up.
func TERTax(s PTKP, gross int64) (int64, error) {
	if gross < 0 {
		return 0, nil
	}
	return ofBP(gross, TERRateBP(s, gross))
}

// pasal17 are the UU HPP Pasal 17 ayat (1) huruf a layers: upper bound of each layer, rate.
var pasal17 = []struct{ Upto, RateBP int64 }{
	{60_000_000, 500}, {250_000_000, 1500}, {500_000_000, 2500}, {5_000_000_000, 3000}, {0, 3500},
}

// Pasal17Tax is the annual tax on a PKP (already rounded down to the thousand).
func Pasal17Tax(pkp int64) (int64, error) {
	var tax, lower int64
	for _, l := range pasal17 {
		if pkp <= lower {
			break
		}
		upper := pkp
		if l.Upto != 0 && l.Upto < pkp {
			upper = l.Upto
		}
		part, err := ofBP(upper-lower, l.RateBP)
		if err != nil {
			return 0, err
		}
		if tax, err = add(tax, part); err != nil {
			return 0, err
		}
		lower = l.Upto
		if l.Upto == 0 {
			break
		}
	}
	return tax, nil
}

// BiayaJabatanCap is the yearly cap of the 5% occupational cost deduction (PMK 168/2023).
const BiayaJabatanCap int64 = 6_000_000

// TaxYear is what the December recomputation needs from the year's earlier months.
type TaxYear struct {
	// GrossJanNov is the gross taxable income of January-November (salary, TPP, allowances).
	GrossJanNov int64 `json:"gross_jan_nov"`
	// WithheldJanNov is PPh 21 withheld January-November by the salary and the TPP payrolls.
	WithheldJanNov int64 `json:"withheld_jan_nov"`
	// PensionYear is the employee's own pension/THT contributions of the whole year (deductible).
	PensionYear int64 `json:"pension_year"`
}

func (y TaxYear) validate() error {
	for _, f := range []struct {
		n string
		v int64
	}{{"tax_year.gross_jan_nov", y.GrossJanNov}, {"tax_year.withheld_jan_nov", y.WithheldJanNov}, {"tax_year.pension_year", y.PensionYear}} {
		if f.v < 0 || f.v > 12*MaxAmount {
			return fieldErr(f.n, "harus antara 0 dan %s", Rupiah(12*MaxAmount))
		}
	}
	return nil
}

// DecemberTax is the whole year's PPh 21 under Pasal 17 less what January-November withheld,
// given December's gross: neto = gross − 5% biaya jabatan (at most Rp6.000.000) − pension;
// PKP = neto − PTKP, rounded down to the thousand; negative means over-withheld (refunded).
func DecemberTax(s PTKP, y TaxYear, decGross int64) (int64, error) {
	gross, err := add(y.GrossJanNov, decGross)
	if err != nil {
		return 0, err
	}
	bj, err := ofBP(gross, 500)
	if err != nil {
		return 0, err
	}
	bj = min(bj, BiayaJabatanCap)
	pkp := max(gross-bj-y.PensionYear-s.Annual(), 0) / 1000 * 1000
	annual, err := Pasal17Tax(pkp)
	if err != nil {
		return 0, err
	}
	return annual - y.WithheldJanNov, nil
}

// grossUp finds the tax allowance T with T = tax(base + T): the least fixed point, reached by
// iterating from 0 (tax is non-decreasing in income and its rate stays below 100%, so the
// sequence is monotone and bounded).
func grossUp(tax func(int64) (int64, error), base int64) (int64, error) {
	t := int64(0)
	for range 1000 {
		g, err := add(base, t)
		if err != nil {
			return 0, err
		}
		next, err := tax(g)
		if err != nil {
			return 0, err
		}
		if next == t {
			return t, nil
		}
		t = next
	}
	return 0, fmt.Errorf("gross-up PPh 21 tidak konvergen dari dasar %d", base)
}
