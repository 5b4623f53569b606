package pay

import (
	"strconv"
	"strings"
	"testing"
)

// terAnnex is PP 58/2023's Lampiran (monthly TER, categories A, B and C) written out as the
// annex reads, "lebih dari X sampai dengan Y: rate %", independently of terTables: taken from a
// public transcription that states it follows the annex (the official PDF is not available
// here), which agrees with the table row for row. Every bound is tested on both sides.
var terAnnex = map[string]string{
	"A": `
0 s.d. 5.400.000: 0
5.400.000 s.d. 5.650.000: 0,25
5.650.000 s.d. 5.950.000: 0,5
5.950.000 s.d. 6.300.000: 0,75
6.300.000 s.d. 6.750.000: 1
6.750.000 s.d. 7.500.000: 1,25
7.500.000 s.d. 8.550.000: 1,5
8.550.000 s.d. 9.650.000: 1,75
9.650.000 s.d. 10.050.000: 2
10.050.000 s.d. 10.350.000: 2,25
10.350.000 s.d. 10.700.000: 2,5
10.700.000 s.d. 11.050.000: 3
11.050.000 s.d. 11.600.000: 3,5
11.600.000 s.d. 12.500.000: 4
12.500.000 s.d. 13.750.000: 5
13.750.000 s.d. 15.100.000: 6
15.100.000 s.d. 16.950.000: 7
16.950.000 s.d. 19.750.000: 8
19.750.000 s.d. 24.150.000: 9
24.150.000 s.d. 26.450.000: 10
26.450.000 s.d. 28.000.000: 11
28.000.000 s.d. 30.050.000: 12
30.050.000 s.d. 32.400.000: 13
32.400.000 s.d. 35.400.000: 14
35.400.000 s.d. 39.100.000: 15
39.100.000 s.d. 43.850.000: 16
43.850.000 s.d. 47.800.000: 17
47.800.000 s.d. 51.400.000: 18
51.400.000 s.d. 56.300.000: 19
56.300.000 s.d. 62.200.000: 20
62.200.000 s.d. 68.600.000: 21
68.600.000 s.d. 77.500.000: 22
77.500.000 s.d. 89.000.000: 23
89.000.000 s.d. 103.000.000: 24
103.000.000 s.d. 125.000.000: 25
125.000.000 s.d. 157.000.000: 26
157.000.000 s.d. 206.000.000: 27
206.000.000 s.d. 337.000.000: 28
337.000.000 s.d. 454.000.000: 29
454.000.000 s.d. 550.000.000: 30
550.000.000 s.d. 695.000.000: 31
695.000.000 s.d. 910.000.000: 32
910.000.000 s.d. 1.400.000.000: 33
di atas 1.400.000.000: 34`,
	"B": `
0 s.d. 6.200.000: 0
6.200.000 s.d. 6.500.000: 0,25
6.500.000 s.d. 6.850.000: 0,5
6.850.000 s.d. 7.300.000: 0,75
7.300.000 s.d. 9.200.000: 1
9.200.000 s.d. 10.750.000: 1,5
10.750.000 s.d. 11.250.000: 2
11.250.000 s.d. 11.600.000: 2,5
11.600.000 s.d. 12.600.000: 3
12.600.000 s.d. 13.600.000: 4
13.600.000 s.d. 14.950.000: 5
14.950.000 s.d. 16.400.000: 6
16.400.000 s.d. 18.450.000: 7
18.450.000 s.d. 21.850.000: 8
21.850.000 s.d. 26.000.000: 9
26.000.000 s.d. 27.700.000: 10
27.700.000 s.d. 29.350.000: 11
29.350.000 s.d. 31.450.000: 12
31.450.000 s.d. 33.950.000: 13
33.950.000 s.d. 37.100.000: 14
37.100.000 s.d. 41.100.000: 15
41.100.000 s.d. 45.800.000: 16
45.800.000 s.d. 49.500.000: 17
49.500.000 s.d. 53.800.000: 18
53.800.000 s.d. 58.500.000: 19
58.500.000 s.d. 64.000.000: 20
64.000.000 s.d. 71.000.000: 21
71.000.000 s.d. 80.000.000: 22
80.000.000 s.d. 93.000.000: 23
93.000.000 s.d. 109.000.000: 24
109.000.000 s.d. 129.000.000: 25
129.000.000 s.d. 163.000.000: 26
163.000.000 s.d. 211.000.000: 27
211.000.000 s.d. 374.000.000: 28
374.000.000 s.d. 459.000.000: 29
459.000.000 s.d. 555.000.000: 30
555.000.000 s.d. 704.000.000: 31
704.000.000 s.d. 957.000.000: 32
957.000.000 s.d. 1.405.000.000: 33
di atas 1.405.000.000: 34`,
	"C": `
0 s.d. 6.600.000: 0
6.600.000 s.d. 6.950.000: 0,25
6.950.000 s.d. 7.350.000: 0,5
7.350.000 s.d. 7.800.000: 0,75
7.800.000 s.d. 8.850.000: 1
8.850.000 s.d. 9.800.000: 1,25
9.800.000 s.d. 10.950.000: 1,5
10.950.000 s.d. 11.200.000: 1,75
11.200.000 s.d. 12.050.000: 2
12.050.000 s.d. 12.950.000: 3
12.950.000 s.d. 14.150.000: 4
14.150.000 s.d. 15.550.000: 5
15.550.000 s.d. 17.050.000: 6
17.050.000 s.d. 19.500.000: 7
19.500.000 s.d. 22.700.000: 8
22.700.000 s.d. 26.600.000: 9
26.600.000 s.d. 28.100.000: 10
28.100.000 s.d. 30.100.000: 11
30.100.000 s.d. 32.600.000: 12
32.600.000 s.d. 35.400.000: 13
35.400.000 s.d. 38.900.000: 14
38.900.000 s.d. 43.000.000: 15
43.000.000 s.d. 47.400.000: 16
47.400.000 s.d. 51.200.000: 17
51.200.000 s.d. 55.800.000: 18
55.800.000 s.d. 60.400.000: 19
60.400.000 s.d. 66.700.000: 20
66.700.000 s.d. 74.500.000: 21
74.500.000 s.d. 83.200.000: 22
83.200.000 s.d. 95.600.000: 23
95.600.000 s.d. 110.000.000: 24
110.000.000 s.d. 134.000.000: 25
134.000.000 s.d. 169.000.000: 26
169.000.000 s.d. 221.000.000: 27
221.000.000 s.d. 390.000.000: 28
390.000.000 s.d. 463.000.000: 29
463.000.000 s.d. 561.000.000: 30
561.000.000 s.d. 709.000.000: 31
709.000.000 s.d. 965.000.000: 32
965.000.000 s.d. 1.419.000.000: 33
di atas 1.419.000.000: 34`,
}

// annexRow is one parsed row: gross above From up to To (0: no upper bound) pays RateBP.
type annexRow struct{ From, To, RateBP int64 }

func parseAnnex(t *testing.T, text string) []annexRow {
	t.Helper()
	num := func(s string) int64 {
		n, err := strconv.ParseInt(strings.ReplaceAll(strings.TrimSpace(s), ".", ""), 10, 64)
		if err != nil {
			t.Fatalf("annex number %q: %v", s, err)
		}
		return n
	}
	var rows []annexRow
	for _, line := range strings.Split(strings.TrimSpace(text), "\n") {
		bounds, rate, ok := strings.Cut(line, ": ")
		if !ok {
			t.Fatalf("annex line %q", line)
		}
		whole, frac, _ := strings.Cut(rate, ",")
		bp := num(whole) * 100
		if frac != "" {
			bp += num((frac + "0")[:2])
		}
		var r annexRow
		if from, ok := strings.CutPrefix(bounds, "di atas "); ok {
			r = annexRow{From: num(from), RateBP: bp}
		} else {
			from, to, _ := strings.Cut(bounds, " s.d. ")
			r = annexRow{From: num(from), To: num(to), RateBP: bp}
		}
		rows = append(rows, r)
	}
	return rows
}

func TestTERAnnexEveryBracketEdge(t *testing.T) {
	for cat, ptkp := range map[string]PTKP{"A": "TK/0", "B": "K/1", "C": "K/3"} {
		rows := parseAnnex(t, terAnnex[cat])
		if want := map[string]int{"A": 44, "B": 40, "C": 41}[cat]; len(rows) != want || len(terTables[cat]) != want {
			t.Errorf("category %s: annex %d rows, table %d, want %d", cat, len(rows), len(terTables[cat]), want)
		}
		for i, r := range rows {
			if i > 0 && r.From != rows[i-1].To {
				t.Fatalf("category %s row %d starts at %d, the row before ends at %d", cat, i+1, r.From, rows[i-1].To)
			}
			// The first rupiah of the row, its last, and (for the top row) far above.
			edges := []int64{r.From + 1, r.To}
			if r.To == 0 {
				edges = []int64{r.From + 1, 10 * r.From}
			}
			if i == 0 {
				edges[0] = 0
			}
			for _, gross := range edges {
				if got := TERRateBP(ptkp, gross); got != r.RateBP {
					t.Errorf("category %s (%s) at Rp%d: %d bp, annex row %d says %d", cat, ptkp, gross, got, i+1, r.RateBP)
				}
				// The withholding is gross × rate, rounded half up to the rupiah.
				want := (gross*r.RateBP + 5_000) / 10_000
				if got, err := TERTax(ptkp, gross); err != nil || got != want {
					t.Errorf("category %s TER tax on Rp%d: %d (%v), want %d", cat, gross, got, err, want)
				}
			}
		}
	}
}
