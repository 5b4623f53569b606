package store

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/kinerja/platform/internal/sheet"
)

// The columns of an organisation file, one employee per row, close to a SIASN export
// (README "Organisation import from a file"). A row's unit and position are added or updated
// from the row when it names them (UNOR_NAMA, JABATAN_NAMA); left empty, they must already exist.
const (
	ColNIP          = "NIP"
	ColNama         = "NAMA"
	ColEmail        = "EMAIL"
	ColStatus       = "STATUS"
	ColUnorID       = "UNOR_ID"
	ColUnorNama     = "UNOR_NAMA"
	ColUnorIndukID  = "UNOR_INDUK_ID"
	ColJabatanID    = "JABATAN_ID"
	ColJabatanNama  = "JABATAN_NAMA"
	ColJenisJabatan = "JENIS_JABATAN"
	ColKelasJabatan = "KELAS_JABATAN"
	ColNIPAtasan    = "NIP_ATASAN"
	ColTPPBasic     = "TPP_BASIC"
)

// OrgFileColumns lists every column in file order; OrgFileRequired the ones a header must have.
var (
	OrgFileColumns = []string{ColNIP, ColNama, ColEmail, ColStatus, ColUnorID, ColUnorNama, ColUnorIndukID,
		ColJabatanID, ColJabatanNama, ColJenisJabatan, ColKelasJabatan, ColNIPAtasan, ColTPPBasic}
	OrgFileRequired = []string{ColNIP, ColNama, ColEmail, ColStatus, ColUnorID, ColJabatanID, ColNIPAtasan}
)

// columnOf names the file column of each field the shared rules (OrgImport.Validate) check.
var columnOf = map[string]map[string]string{
	"units": {"id": ColUnorID, "name": ColUnorNama, "parent_id": ColUnorIndukID},
	"positions": {"id": ColJabatanID, "name": ColJabatanNama, "jenis_jabatan": ColJenisJabatan,
		"kelas_jabatan": ColKelasJabatan, "tpp_basic": ColTPPBasic},
	"employees": {"nip": ColNIP, "name": ColNama, "email": ColEmail, "status": ColStatus, "unit_id": ColUnorID,
		"position_id": ColJabatanID, "superior_nip": ColNIPAtasan},
}

// OrgFile is an organisation file read into compact rows: the batch the JSON import would send,
// and for each unit, position and employee the file row it came from. The file itself is not kept.
type OrgFile struct {
	Sheet string // worksheet read; "" for CSV
	Rows  int    // data rows read (the header and empty rows not counted)
	OrgImport
	// UnitParents: the file has the UNOR_INDUK_ID column, so an empty cell makes a unit a root;
	// without the column, saved parents stay.
	UnitParents bool
	unitRow     []int
	positionRow []int
	employeeRow []int
	// Problems found while reading: cell formats, duplicates, rows that disagree on a unit or position.
	Problems []RowError
	// unitUsed/positionUsed: ids rows referenced without defining them, with the first such row.
	unitUsed     map[string]*firstUse
	positionUsed map[string]*firstUse
}

// firstUse is where an id was first referenced and how many rows reference it.
type firstUse struct{ Row, Count int }

func use(m map[string]*firstUse, id string, row int) {
	if u, ok := m[id]; ok {
		u.Count++
		return
	}
	m[id] = &firstUse{Row: row, Count: 1}
}

// ReadOrgFile reads every row of an organisation file. Problems in the rows are collected in
// OrgFile.Problems; the error is for a file that cannot be read at all (or a stopped upload).
// A header with unknown or missing columns stops the reading: its problems are the answer.
func ReadOrgFile(r sheet.Reader) (*OrgFile, error) {
	f := &OrgFile{Sheet: r.Sheet(), unitUsed: map[string]*firstUse{}, positionUsed: map[string]*firstUse{}}
	headerRow, cells, err := r.Next()
	if err == io.EOF {
		f.problem(1, ColNIP, "berkas kosong: baris pertama harus berisi nama kolom")
		return f, nil
	}
	if err != nil {
		return nil, err
	}
	h, problems := sheet.ReadHeader(cells, OrgFileColumns, OrgFileRequired)
	for _, p := range problems {
		f.problem(headerRow, p.Column, p.Message)
	}
	if len(problems) > 0 {
		return f, nil
	}
	f.UnitParents = h.Has(ColUnorIndukID)
	unitAt, positionAt, nipAt := map[string]int{}, map[string]int{}, map[string]int{}
	for {
		row, cells, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		f.Rows++
		f.readRow(h, row, cells, unitAt, positionAt, nipAt)
	}
	if f.Rows == 0 {
		f.problem(headerRow+1, ColNIP, "berkas tidak berisi baris data di bawah baris judul")
	}
	// What a row referenced without defining it must be found among the saved rows (ImportFile).
	for id := range f.unitUsed {
		if _, ok := unitAt[id]; ok {
			delete(f.unitUsed, id)
		}
	}
	for id := range f.positionUsed {
		if _, ok := positionAt[id]; ok {
			delete(f.positionUsed, id)
		}
	}
	for _, e := range f.Validate() {
		col := columnOf[e.Sheet][e.Field]
		var row int
		switch e.Sheet {
		case "units":
			row = f.unitRow[e.Row-1]
		case "positions":
			row = f.positionRow[e.Row-1]
		default:
			row = f.employeeRow[e.Row-1]
		}
		f.problem(row, col, e.Message)
	}
	return f, nil
}

func (f *OrgFile) problem(row int, col, msg string) {
	f.Problems = append(f.Problems, RowError{Sheet: f.Sheet, Row: row, Field: col, Message: msg})
}

func (f *OrgFile) readRow(h sheet.Header, row int, cells []string, unitAt, positionAt, nipAt map[string]int) {
	get := func(col string) string { return h.Get(cells, col) }
	bad := func(col, msg string) { f.problem(row, col, msg) }

	// The unit: defined by the row when it names it, else it must exist.
	unitID := get(ColUnorID)
	if unitID != "" {
		u := Unit{ID: unitID, Name: get(ColUnorNama), ParentID: get(ColUnorIndukID)}
		switch first, seen := unitAt[unitID]; {
		case u.Name == "" && u.ParentID != "":
			bad(ColUnorNama, "wajib diisi bila UNOR_INDUK_ID diisi")
		case u.Name == "":
			use(f.unitUsed, unitID, row)
		case !seen:
			unitAt[unitID] = len(f.Units)
			f.Units = append(f.Units, u)
			f.unitRow = append(f.unitRow, row)
		default:
			prev := f.Units[first]
			if prev.Name != u.Name {
				bad(ColUnorNama, fmt.Sprintf("unit %s bernama %q di baris %d; satu unit harus bernama sama di setiap baris", unitID, prev.Name, f.unitRow[first]))
			}
			if f.UnitParents && prev.ParentID != u.ParentID {
				bad(ColUnorIndukID, fmt.Sprintf("unit %s berinduk %q di baris %d; satu unit harus berinduk sama di setiap baris", unitID, prev.ParentID, f.unitRow[first]))
			}
		}
	}

	// The position, likewise.
	posID := get(ColJabatanID)
	if posID != "" {
		p := Position{ID: posID, Name: get(ColJabatanNama), JenisJabatan: strings.ToLower(get(ColJenisJabatan))}
		kelas, tppText := get(ColKelasJabatan), get(ColTPPBasic)
		ok := true
		if p.Name != "" {
			if n, err := strconv.Atoi(kelas); err == nil {
				p.KelasJabatan = n
			} else {
				ok = false
				bad(ColKelasJabatan, fmt.Sprintf("kelas jabatan %q harus bilangan bulat 1 sampai 17", kelas))
			}
			if n, msg := ParseRupiah(tppText); msg == "" {
				p.TPPBasic = n
			} else {
				ok = false
				bad(ColTPPBasic, msg)
			}
		}
		switch first, seen := positionAt[posID]; {
		case p.Name == "" && (p.JenisJabatan != "" || kelas != "" || tppText != ""):
			bad(ColJabatanNama, "wajib diisi bila JENIS_JABATAN, KELAS_JABATAN atau TPP_BASIC diisi")
		case p.Name == "":
			use(f.positionUsed, posID, row)
		case !ok:
			if !seen {
				positionAt[posID] = -1 // reported here; its employees are not also told it is unknown
			}
		case !seen:
			positionAt[posID] = len(f.Positions)
			f.Positions = append(f.Positions, p)
			f.positionRow = append(f.positionRow, row)
		case first < 0:
		default:
			prev, at := f.Positions[first], f.positionRow[first]
			for _, d := range []struct {
				col     string
				was, is any
				what    string
			}{{ColJabatanNama, prev.Name, p.Name, "bernama"}, {ColJenisJabatan, prev.JenisJabatan, p.JenisJabatan, "berjenis"},
				{ColKelasJabatan, prev.KelasJabatan, p.KelasJabatan, "berkelas"}, {ColTPPBasic, prev.TPPBasic, p.TPPBasic, "ber-TPP"}} {
				if d.was != d.is {
					bad(d.col, fmt.Sprintf("jabatan %s %s %v di baris %d; satu jabatan harus sama di setiap baris", posID, d.what, d.was, at))
				}
			}
		}
	}

	// The employee.
	e := Employee{NIP: get(ColNIP), Name: get(ColNama), Email: get(ColEmail), Status: strings.ToUpper(get(ColStatus)),
		UnitID: unitID, PositionID: posID, SuperiorNIP: get(ColNIPAtasan)}
	if strings.ContainsAny(e.NIP, "Ee.+") && !nipPattern.MatchString(e.NIP) {
		bad(ColNIP, fmt.Sprintf("NIP %q tertulis sebagai angka dan kehilangan digit; format kolom NIP sebagai teks", e.NIP))
		return
	}
	if first, dup := nipAt[e.NIP]; dup && e.NIP != "" {
		bad(ColNIP, fmt.Sprintf("duplikat NIP %s: sudah ada di baris %d", e.NIP, first))
		return
	}
	if e.NIP != "" {
		nipAt[e.NIP] = row
	}
	f.Employees = append(f.Employees, e)
	f.employeeRow = append(f.employeeRow, row)
}

// ParseRupiah reads whole rupiah as officials write them: 4250000, 4.250.000 or Rp 4.250.000.
// The message says why a text is not whole rupiah; "" when it is.
func ParseRupiah(s string) (int64, string) {
	t := strings.TrimSpace(s)
	t = strings.TrimSpace(strings.TrimPrefix(strings.TrimPrefix(t, "Rp"), "."))
	if t == "" {
		return 0, "TPP wajib diisi (rupiah per bulan, bilangan bulat; 0 bila tidak ada)"
	}
	if groups := strings.Split(t, "."); len(groups) > 1 {
		ok := len(groups[0]) >= 1 && len(groups[0]) <= 3
		for _, g := range groups[1:] {
			ok = ok && len(g) == 3
		}
		if !ok {
			return 0, fmt.Sprintf("TPP %q bukan bilangan bulat rupiah (tulis 4250000 atau 4.250.000, tanpa sen)", s)
		}
		t = strings.Join(groups, "")
	}
	for _, r := range t {
		if r < '0' || r > '9' {
			return 0, fmt.Sprintf("TPP %q bukan bilangan bulat rupiah (tulis 4250000 atau 4.250.000, tanpa sen)", s)
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return 0, fmt.Sprintf("TPP %q terlalu besar", s)
	}
	return n, ""
}

// sortRowErrors orders problems by row, then by the column's place in the layout, and drops a
// second problem for the same cell (a cell that cannot be read is not also out of range).
func sortRowErrors(errs []RowError) []RowError {
	place := map[string]int{}
	for i, c := range OrgFileColumns {
		place[c] = i
	}
	sort.SliceStable(errs, func(i, j int) bool {
		if errs[i].Row != errs[j].Row {
			return errs[i].Row < errs[j].Row
		}
		return place[errs[i].Field] < place[errs[j].Field]
	})
	out := errs[:0]
	for _, e := range errs {
		if n := len(out); n > 0 && e.Row == out[n-1].Row && e.Field == out[n-1].Field {
			continue
		}
		out = append(out, e)
	}
	return out
}
