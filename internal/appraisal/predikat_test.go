package appraisal

import "testing"

func TestPredikatOfCoversTheWholeMatrix(t *testing.T) {
	cases := []struct {
		hasil, perilaku Rating
		want            Predikat
	}{
		{DiAtas, DiBawah, Kurang},
		{DiAtas, Sesuai, Baik},
		{DiAtas, DiAtas, SangatBaik},
		{Sesuai, DiBawah, Kurang},
		{Sesuai, Sesuai, Baik},
		{Sesuai, DiAtas, Baik},
		{DiBawah, DiBawah, SangatKurang},
		{DiBawah, Sesuai, ButuhPerbaikan},
		{DiBawah, DiAtas, ButuhPerbaikan},
	}
	for _, c := range cases {
		got, err := PredikatOf(c.hasil, c.perilaku)
		if err != nil || got != c.want {
			t.Errorf("PredikatOf(%s, %s) = %q, %v; want %q", c.hasil, c.perilaku, got, err, c.want)
		}
	}
}

func TestPredikatOfRejectsUnknownRatings(t *testing.T) {
	if _, err := PredikatOf("bagus", Sesuai); err == nil {
		t.Error("unknown hasil kerja rating accepted")
	}
	if _, err := PredikatOf(Sesuai, ""); err == nil {
		t.Error("empty perilaku rating accepted")
	}
}

func TestRecommendFollowUp(t *testing.T) {
	want := map[Predikat]FollowUp{
		SangatBaik:     Reward,
		Baik:           NoAction,
		ButuhPerbaikan: CoachingPlan,
		Kurang:         SanctionReview,
		SangatKurang:   SanctionReview,
	}
	for p, f := range want {
		if got := RecommendFollowUp(p); got != f {
			t.Errorf("RecommendFollowUp(%s) = %s, want %s", p, got, f)
		}
	}
}
