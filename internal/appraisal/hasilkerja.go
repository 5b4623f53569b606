package appraisal

import "fmt"

// RowRating is the penilai's rating of one RHK row's realisasi in a period.
type RowRating struct {
	Utama  bool // a main (utama) result, not an additional (tambahan) one
	Rating Rating
}

// HasilKerja is the rating of hasil kerja that the rows' ratings give (PermenPANRB 6/2022):
// Di Atas when most or all rows are above expectation and no main row is below; Di Bawah when
// most or all are below; Sesuai otherwise. "Most" is more than half of the rows.
func HasilKerja(rows []RowRating) (Rating, error) {
	if len(rows) == 0 {
		return "", fmt.Errorf("nilai setiap hasil kerja (RHK) terlebih dahulu")
	}
	var above, below int
	utamaBelow := false
	for i, r := range rows {
		if _, err := ParseRating(string(r.Rating)); err != nil {
			return "", fmt.Errorf("baris %d: %w", i+1, err)
		}
		switch r.Rating {
		case DiAtas:
			above++
		case DiBawah:
			below++
			utamaBelow = utamaBelow || r.Utama
		}
	}
	switch {
	case 2*below > len(rows):
		return DiBawah, nil
	case 2*above > len(rows) && !utamaBelow:
		return DiAtas, nil
	}
	return Sesuai, nil
}
