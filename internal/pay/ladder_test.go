package pay

import "testing"

func TestLadderBoundaries(t *testing.T) {
	for _, c := range []struct {
		days, run int
		want      Sanction
		months    int
	}{
		{0, 0, SanctionNone, 0}, {2, 0, SanctionNone, 0}, {3, 0, SanctionTeguranLisan, 0},
		{4, 0, SanctionTeguranTertulis, 0}, {6, 0, SanctionTeguranTertulis, 0}, {7, 0, SanctionTidakPuas, 0},
		{10, 0, SanctionTidakPuas, 0}, {11, 0, SanctionPotongan6, 6}, {13, 0, SanctionPotongan6, 6},
		{14, 0, SanctionPotongan9, 9}, {16, 0, SanctionPotongan9, 9}, {17, 0, SanctionPotongan12, 12},
		{20, 0, SanctionPotongan12, 12}, {21, 0, SanctionPenurunanJabatan, 0}, {24, 0, SanctionPenurunanJabatan, 0},
		{25, 0, SanctionPembebasanJabatan, 0}, {27, 0, SanctionPembebasanJabatan, 0}, {28, 0, SanctionPemberhentian, 0},
		{10, 10, SanctionPemberhentian, 0}, {10, 9, SanctionTidakPuas, 0},
	} {
		if got := Ladder(c.days, c.run); got.Sanction != c.want || got.CutMonths != c.months {
			t.Errorf("Ladder(%d, run %d) = %+v, want %s %d months", c.days, c.run, got, c.want, c.months)
		}
	}
}

func TestLadderCutsCoverTheirMonths(t *testing.T) {
	// 5 days in January, 6 in February: 11 reached in February → -25% March-August (6 months).
	// 3 more in April: 14 → 9 months from May (May 2025 - January 2026), which supersedes the
	// first from May on, so the first keeps March and April. 7 more in June: 21 → demotion, no new cut.
	cuts, err := LadderCuts(2025, [12]int{5, 6, 0, 3, 0, 7})
	if err != nil {
		t.Fatal(err)
	}
	want := []LadderCut{
		{Sanction: SanctionPotongan6, Days: 11, From: MonthOf(2025, 3), Months: 2},
		{Sanction: SanctionPotongan9, Days: 14, From: MonthOf(2025, 5), Months: 9},
	}
	if len(cuts) != len(want) || cuts[0] != want[0] || cuts[1] != want[1] {
		t.Fatalf("cuts %+v, want %+v", cuts, want)
	}
	for m, covered := range map[Month]bool{
		MonthOf(2025, 2): false, MonthOf(2025, 3): true, MonthOf(2025, 4): true, MonthOf(2025, 5): true,
		MonthOf(2025, 12): true, MonthOf(2026, 1): true, MonthOf(2026, 2): false,
	} {
		if CutInForce(cuts, m) != covered {
			t.Errorf("%s covered = %v, want %v", m, !covered, covered)
		}
	}
	// Straight to 17 in one month: one 12-month cut; 10 days: none.
	if cuts, _ := LadderCuts(2025, [12]int{11: 17}); len(cuts) != 1 || cuts[0].From != MonthOf(2026, 1) || cuts[0].Months != 12 {
		t.Errorf("17 in December: %+v", cuts)
	}
	if cuts, _ := LadderCuts(2025, [12]int{4, 3, 3}); len(cuts) != 0 {
		t.Errorf("10 days: %+v, want no cut", cuts)
	}
	if _, err := LadderCuts(2025, [12]int{3: 32}); err == nil {
		t.Error("32 days in a month accepted")
	}
}

func TestUnexcusedDays(t *testing.T) {
	a := Attendance{Days: []Day{{Day: 1, Kind: DayAbsentUnexcused}, {Day: 2, Kind: DayAbsentExcused}, {Day: 3, Kind: DayAbsentUnexcused}, {Day: 4, Kind: DayNoRecord}}}
	if a.UnexcusedDays() != 2 {
		t.Errorf("UnexcusedDays = %d, want 2", a.UnexcusedDays())
	}
}

func TestLongestUnexcusedRunCrossesMonths(t *testing.T) {
	// July ends with 4 unexcused working days (28-31), August starts with 6 (1-6, listed out of
	// order): a run of 10, which dismisses whatever the year's count.
	jul := Attendance{Days: []Day{{Day: 25, Kind: DayAbsentUnexcused}, {Day: 27, Kind: DayPresent},
		{Day: 28, Kind: DayAbsentUnexcused}, {Day: 29, Kind: DayAbsentUnexcused}, {Day: 30, Kind: DayAbsentUnexcused}, {Day: 31, Kind: DayAbsentUnexcused}}}
	aug := Attendance{}
	for _, d := range []int{6, 5, 4, 3, 2, 1} {
		aug.Days = append(aug.Days, Day{Day: d, Kind: DayAbsentUnexcused})
	}
	aug.Days = append(aug.Days, Day{Day: 7, Kind: DayAbsentExcused}, Day{Day: 8, Kind: DayAbsentUnexcused})
	if got := LongestUnexcusedRun(jul, aug); got != 10 {
		t.Errorf("longest run %d, want 10", got)
	}
	if got := LongestUnexcusedRun(aug); got != 6 {
		t.Errorf("August alone: %d, want 6", got)
	}
	if Ladder(jul.UnexcusedDays()+aug.UnexcusedDays(), LongestUnexcusedRun(jul, aug)).Sanction != SanctionPemberhentian {
		t.Error("10 consecutive days did not reach dismissal")
	}
}
