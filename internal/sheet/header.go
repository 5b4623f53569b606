package sheet

import (
	"strings"
)

// Header maps the columns of a header row to their positions. Names are matched without
// regard to case, surrounding spaces, or spaces written for underscores ("Nip Atasan" is
// NIP_ATASAN).
type Header struct {
	index map[string]int
}

// ColumnProblem is a header column that is unknown, missing or repeated.
type ColumnProblem struct {
	Column  string
	Message string
}

// Normalize is the form a column name is matched in.
func Normalize(name string) string {
	return strings.ToUpper(strings.Join(strings.Fields(strings.TrimSpace(name)), "_"))
}

// ReadHeader matches a header row against the columns a format knows; every column in
// required must be there. Unknown and repeated columns are problems too: a misspelt header
// would otherwise silently drop a column of data.
func ReadHeader(cells []string, known, required []string) (Header, []ColumnProblem) {
	h := Header{index: map[string]int{}}
	isKnown := map[string]bool{}
	for _, k := range known {
		isKnown[k] = true
	}
	var problems []ColumnProblem
	for i, c := range cells {
		name := Normalize(c)
		switch {
		case name == "":
			problems = append(problems, ColumnProblem{"kolom " + ColumnLetter(i), "nama kolom kosong; hapus kolom ini atau beri nama"})
		case !isKnown[name]:
			problems = append(problems, ColumnProblem{strings.TrimSpace(c), "kolom tidak dikenal; kolom yang dikenal: " + strings.Join(known, ", ")})
		default:
			if first, dup := h.index[name]; dup {
				problems = append(problems, ColumnProblem{name, "kolom disebut dua kali (kolom " + ColumnLetter(first) + " dan " + ColumnLetter(i) + ")"})
				continue
			}
			h.index[name] = i
		}
	}
	for _, r := range required {
		if _, ok := h.index[r]; !ok {
			problems = append(problems, ColumnProblem{r, "kolom wajib tidak ada di baris judul"})
		}
	}
	return h, problems
}

// Has tells whether the header names the column.
func (h Header) Has(col string) bool {
	_, ok := h.index[col]
	return ok
}

// Get returns the row's cell under the column, trimmed; "" when the row is shorter or the
// column absent.
func (h Header) Get(cells []string, col string) string {
	i, ok := h.index[col]
	if !ok || i >= len(cells) {
		return ""
	}
	return strings.TrimSpace(cells[i])
}

// ColumnLetter is the spreadsheet name of the 0-based column i: A, B, ..., Z, AA, ...
func ColumnLetter(i int) string {
	s := ""
	for i++; i > 0; i = (i - 1) / 26 {
		s = string(rune('A'+(i-1)%26)) + s
	}
	return s
}
