// Package appraisal holds the pure rules of PermenPANRB 6/2022 used across the cycle:
// ratings, the predikat matrix and the follow-up each predikat calls for.
package appraisal

import "fmt"

// Rating is the penilai's rating of hasil kerja or of perilaku kerja.
type Rating string

const (
	DiAtas  Rating = "diatas"  // Di Atas Ekspektasi
	Sesuai  Rating = "sesuai"  // Sesuai Ekspektasi
	DiBawah Rating = "dibawah" // Di Bawah Ekspektasi
)

// ParseRating accepts the stored codes only, so a typo never becomes a rating.
func ParseRating(s string) (Rating, error) {
	switch r := Rating(s); r {
	case DiAtas, Sesuai, DiBawah:
		return r, nil
	}
	return "", fmt.Errorf("rating %q tidak dikenal: gunakan diatas, sesuai, atau dibawah", s)
}

// Label is the name users read.
func (r Rating) Label() string {
	switch r {
	case DiAtas:
		return "Di Atas Ekspektasi"
	case Sesuai:
		return "Sesuai Ekspektasi"
	case DiBawah:
		return "Di Bawah Ekspektasi"
	}
	return string(r)
}

// Predikat is the outcome of the year (or of a period).
type Predikat string

const (
	SangatBaik     Predikat = "sangat_baik"
	Baik           Predikat = "baik"
	ButuhPerbaikan Predikat = "butuh_perbaikan"
	Kurang         Predikat = "kurang" // Kurang/Misconduct
	SangatKurang   Predikat = "sangat_kurang"
)

// Label is the name users read.
func (p Predikat) Label() string {
	switch p {
	case SangatBaik:
		return "Sangat Baik"
	case Baik:
		return "Baik"
	case ButuhPerbaikan:
		return "Butuh Perbaikan"
	case Kurang:
		return "Kurang/Misconduct"
	case SangatKurang:
		return "Sangat Kurang"
	}
	return string(p)
}

// PredikatOf applies the quadrant of PermenPANRB 6/2022 (rows hasil kerja, columns perilaku):
//
//	hasil \ perilaku  Di Bawah         Sesuai           Di Atas
//	Di Atas           Kurang           Baik             Sangat Baik
//	Sesuai            Kurang           Baik             Baik
//	Di Bawah          Sangat Kurang    Butuh Perbaikan  Butuh Perbaikan
func PredikatOf(hasil, perilaku Rating) (Predikat, error) {
	if _, err := ParseRating(string(hasil)); err != nil {
		return "", fmt.Errorf("rating hasil kerja: %w", err)
	}
	if _, err := ParseRating(string(perilaku)); err != nil {
		return "", fmt.Errorf("rating perilaku kerja: %w", err)
	}
	switch {
	case hasil == DiBawah && perilaku == DiBawah:
		return SangatKurang, nil
	case hasil == DiBawah:
		return ButuhPerbaikan, nil
	case perilaku == DiBawah:
		return Kurang, nil
	case hasil == DiAtas && perilaku == DiAtas:
		return SangatBaik, nil
	default:
		return Baik, nil
	}
}
