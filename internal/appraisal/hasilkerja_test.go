package appraisal

import "testing"

func TestHasilKerja(t *testing.T) {
	u := func(r Rating) RowRating { return RowRating{Utama: true, Rating: r} }
	tb := func(r Rating) RowRating { return RowRating{Rating: r} }
	cases := []struct {
		name string
		rows []RowRating
		want Rating
	}{
		{"all above", []RowRating{u(DiAtas), u(DiAtas), tb(DiAtas)}, DiAtas},
		{"most above, rest as expected", []RowRating{u(DiAtas), u(DiAtas), tb(Sesuai)}, DiAtas},
		{"most above but a main row below rules out Di Atas", []RowRating{u(DiAtas), u(DiAtas), tb(DiAtas), u(DiBawah)}, Sesuai},
		{"most above, an additional row below", []RowRating{u(DiAtas), u(DiAtas), tb(DiBawah)}, DiAtas},
		{"half above is not most", []RowRating{u(DiAtas), u(Sesuai)}, Sesuai},
		{"all as expected", []RowRating{u(Sesuai), tb(Sesuai)}, Sesuai},
		{"most below", []RowRating{u(DiBawah), u(DiBawah), tb(DiAtas)}, DiBawah},
		{"all below", []RowRating{u(DiBawah)}, DiBawah},
		{"half below is not most", []RowRating{u(DiBawah), tb(DiAtas)}, Sesuai},
		{"single main row above", []RowRating{u(DiAtas)}, DiAtas},
		{"single additional row below among main rows as expected", []RowRating{u(Sesuai), u(Sesuai), tb(DiBawah)}, Sesuai},
	}
	for _, c := range cases {
		got, err := HasilKerja(c.rows)
		if err != nil || got != c.want {
			t.Errorf("%s: got %q (%v), want %q", c.name, got, err, c.want)
		}
	}
	if _, err := HasilKerja(nil); err == nil {
		t.Error("no rows: want an error")
	}
	if _, err := HasilKerja([]RowRating{u("bagus")}); err == nil {
		t.Error("an unknown rating: want an error")
	}
}
