package pay

import (
	"time"

	"errors"
	"testing"

	"github.com/kinerja/platform/internal/appraisal"
)

func TestAnnualRuleIsValidatedAndApplied(t *testing.T) {
	p := Balangan2025()
	p.Annual = []AnnualRule{{Predikat: appraisal.SangatKurang, CutBP: 2_500}}
	var fe FieldError
	if err := p.Validate(); !errors.As(err, &fe) || fe.Field != "annual[0].cut_months" {
		t.Errorf("a cut without months: %v, want annual[0].cut_months", err)
	}
	p.Annual = []AnnualRule{{Predikat: appraisal.SangatBaik, RewardBP: 5_000}, {Predikat: appraisal.SangatKurang, CutBP: 2_500, CutMonths: 3}}
	if err := p.Validate(); err != nil {
		t.Fatal(err)
	}
	// Basic 10.000.000, Baik, full attendance: TPP 10.000.000 before the annual rule.
	in := Input{Month: MonthOf(2026, 1), Status: PNS, Predikat: appraisal.Baik, BasicTPP: 10_000_000,
		Attendance: Attendance{Days: presentDays(21)}, PTKP: "TK/0"}
	for _, c := range []struct {
		annual appraisal.Predikat
		month  int
		tpp    int64
		code   string
	}{
		{appraisal.SangatBaik, 1, 15_000_000, "annual_reward"}, // + 50% of basic, January only
		{appraisal.SangatBaik, 2, 10_000_000, ""},              // nothing after January
		{appraisal.SangatKurang, 3, 7_500_000, "annual_cut"},   // −25% in the third month
		{appraisal.SangatKurang, 4, 10_000_000, ""},            // the cut has ended
		{appraisal.Baik, 1, 10_000_000, ""},                    // no rule for Baik
	} {
		in.AnnualPredikat, in.Month = c.annual, MonthOf(2026, time.Month(c.month))
		s := compute(t, p, in)
		if s.TPP != c.tpp {
			t.Errorf("%s in month %d: TPP %d, want %d", c.annual, c.month, s.TPP, c.tpp)
		}
		found := c.code == ""
		for _, l := range s.Lines {
			found = found || l.Code == c.code
		}
		if !found {
			t.Errorf("%s in month %d: no %s line", c.annual, c.month, c.code)
		}
		checkSums(t, s)
	}
}
