package pay

import "fmt"

// Sanction is a step of the PP 94/2021 ladder for working days absent without reason
// (Pasal 9-11), counted cumulatively over a calendar year.
type Sanction string

const (
	SanctionNone              Sanction = ""
	SanctionTeguranLisan      Sanction = "teguran_lisan"         // 3 days
	SanctionTeguranTertulis   Sanction = "teguran_tertulis"      // 4-6
	SanctionTidakPuas         Sanction = "pernyataan_tidak_puas" // 7-10
	SanctionPotongan6         Sanction = "potongan_tpp_6_bulan"  // 11-13: TPP -25% for 6 months
	SanctionPotongan9         Sanction = "potongan_tpp_9_bulan"  // 14-16: 9 months
	SanctionPotongan12        Sanction = "potongan_tpp_12_bulan" // 17-20: 12 months
	SanctionPenurunanJabatan  Sanction = "penurunan_jabatan"     // 21-24: one level down for 12 months
	SanctionPembebasanJabatan Sanction = "pembebasan_jabatan"    // 25-27: to pelaksana for 12 months
	SanctionPemberhentian     Sanction = "pemberhentian"         // 28+, or 10 consecutive days
)

// LadderCutBP is the PP 94/2021 cut of tunjangan kinerja: 25%.
const LadderCutBP int64 = 2_500

// LadderStep is where a count of days stands on the ladder.
type LadderStep struct {
	Sanction  Sanction `json:"sanction"`
	CutMonths int      `json:"cut_months"` // months of -25% TPP this step imposes (0: none)
}

// Ladder places a year's cumulative days absent without reason, and the longest run of
// consecutive such working days, on the PP 94/2021 ladder.
func Ladder(cumulative, longestRun int) LadderStep {
	switch {
	case cumulative >= 28 || longestRun >= 10:
		return LadderStep{SanctionPemberhentian, 0}
	case cumulative >= 25:
		return LadderStep{SanctionPembebasanJabatan, 0}
	case cumulative >= 21:
		return LadderStep{SanctionPenurunanJabatan, 0}
	case cumulative >= 17:
		return LadderStep{SanctionPotongan12, 12}
	case cumulative >= 14:
		return LadderStep{SanctionPotongan9, 9}
	case cumulative >= 11:
		return LadderStep{SanctionPotongan6, 6}
	case cumulative >= 7:
		return LadderStep{SanctionTidakPuas, 0}
	case cumulative >= 4:
		return LadderStep{SanctionTeguranTertulis, 0}
	case cumulative == 3:
		return LadderStep{SanctionTeguranLisan, 0}
	}
	return LadderStep{SanctionNone, 0}
}

// LadderCut is a -25% cut: Months months starting at From, imposed for reaching Days days.
type LadderCut struct {
	Sanction Sanction `json:"sanction"`
	Days     int      `json:"days"`
	From     Month    `json:"from"`
	Months   int      `json:"months"`
}

// Covers reports whether the cut applies in month m.
func (c LadderCut) Covers(m Month) bool {
	return !m.Before(c.From) && m.Before(c.From.AddMonths(c.Months))
}

// LadderCuts walks a year month by month (unexcused[0] is January) and returns each -25% cut
// the cumulative count reaches. A cut starts the month after the month the count reached its
// step (the sanction is decided on that month's record) and a higher step supersedes a lower
// one from its own start, so no month is cut twice: 25% is the most any month loses.
func LadderCuts(year int, unexcused [12]int) ([]LadderCut, error) {
	var cuts []LadderCut
	cum, reached := 0, 0
	for i, n := range unexcused {
		if n < 0 || n > 31 {
			return nil, fieldErr(fmt.Sprintf("unexcused[%d]", i), "harus antara 0 dan 31 hari")
		}
		cum += n
		step := Ladder(cum, 0)
		if step.CutMonths <= reached {
			continue
		}
		from := MonthOf(year, 1).AddMonths(i + 1)
		if len(cuts) > 0 { // superseded: the lower cut ends where the higher one starts
			last := &cuts[len(cuts)-1]
			if end := last.From.AddMonths(last.Months); from.Before(end) {
				last.Months = from.index() - last.From.index()
			}
		}
		cuts = append(cuts, LadderCut{Sanction: step.Sanction, Days: cum, From: from, Months: step.CutMonths})
		reached = step.CutMonths
	}
	return cuts, nil
}

// CutInForce reports whether any cut covers month m.
func CutInForce(cuts []LadderCut, m Month) bool {
	for _, c := range cuts {
		if c.Covers(m) {
			return true
		}
	}
	return false
}
