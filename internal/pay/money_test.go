package pay

import "testing"

func TestCheckBasicBoundsAndSaysWhyInRupiah(t *testing.T) {
	for _, c := range []struct {
		basic int64
		want  string
	}{
		{0, ""}, {MaxBasic, ""}, {-1, "tidak boleh negatif"},
		{MaxBasic + 1, "paling banyak Rp 1.000.000.000 per bulan"},
	} {
		if got := CheckBasic(c.basic); got != c.want {
			t.Errorf("CheckBasic(%d) = %q, want %q", c.basic, got, c.want)
		}
	}
}

func TestRupiahPutsDotsBetweenThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "Rp 0", 999: "Rp 999", 120_000: "Rp 120.000", -12_500: "-Rp 12.500", 10_000_000_000: "Rp 10.000.000.000"} {
		if got := Rupiah(n); got != want {
			t.Errorf("Rupiah(%d) = %q, want %q", n, got, want)
		}
	}
}
