package sheet_test

import (
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/kinerja/platform/internal/sheet"
)

// TestCSVRowNumbers: row numbers are the lines a spreadsheet shows (blank lines skipped but
// counted), a semicolon header switches the separator, and a byte-order mark is dropped.
func TestCSVRowNumbers(t *testing.T) {
	r, err := sheet.OpenCSV(strings.NewReader("\ufeffNIP;Nama\n1;\"Budi; S.Kom\"\n\n2;Sari\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for {
		row, cells, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%d%q", row, cells))
	}
	if want := `1["NIP" "Nama"] 2["1" "Budi; S.Kom"] 4["2" "Sari"]`; strings.Join(got, " ") != want {
		t.Errorf("rows %s, want %s", strings.Join(got, " "), want)
	}
}

func TestCSVProblemsNameTheRow(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"a,b\n1,\"2\n", "baris 2: CSV tidak terbaca (tanda kutip tidak pada tempatnya)"},
		{"a,b\n1,\xff\n", "baris 2 kolom 2: bukan teks UTF-8"},
		{"a,b\n1,\"" + strings.Repeat("x", sheet.MaxCellBytes+1) + "\"\n", "baris 2 kolom 2: isi sel melebihi"},
	} {
		r, err := sheet.OpenCSV(strings.NewReader(tc.text))
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := r.Next(); err != nil {
			t.Fatalf("header: %v", err)
		}
		if _, _, err := r.Next(); err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%.20q: %v, want %s", tc.text, err, tc.want)
		}
	}
	if _, err := sheet.OpenCSV(strings.NewReader("\n")); err == nil {
		t.Error("an empty file was opened")
	}
}

func TestHeader(t *testing.T) {
	h, problems := sheet.ReadHeader([]string{" nip ", "Nip Atasan", "", "x"}, []string{"NIP", "NIP_ATASAN", "NAMA"}, []string{"NIP", "NAMA"})
	var got []string
	for _, p := range problems {
		got = append(got, p.Column+": "+p.Message)
	}
	want := []string{"kolom C: nama kolom kosong", "x: kolom tidak dikenal", "NAMA: kolom wajib tidak ada"}
	if len(got) != len(want) {
		t.Fatalf("problems %q", got)
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("%q, want %q", got[i], want[i])
		}
	}
	if v := h.Get([]string{"1", " 2 "}, "NIP_ATASAN"); v != "2" || h.Get([]string{"1"}, "NIP_ATASAN") != "" {
		t.Errorf("Get: %q", v)
	}
	if sheet.ColumnLetter(0) != "A" || sheet.ColumnLetter(27) != "AB" {
		t.Error("column letters")
	}
}
