package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/xuri/excelize/v2"

	"github.com/kinerja/platform/internal/sheet"
	"github.com/kinerja/platform/store"
)

// Attendance import: JSON ({"rows": [store.AttendanceRow...]}), CSV (text/csv) or XLSX (first
// sheet), all or nothing. The file layout is AttendanceColumns with a header row; README
// "Monthly payroll" documents it.
var AttendanceColumns = []string{"nip", "tanggal", "jenis", "terlambat_menit", "pulang_cepat_menit", "jenis_cuti", "tidak_apel"}

// attendanceKinds are the jenis values of a file, in officials' words, and the stored kind.
var attendanceKinds = map[string]string{
	"hadir": "present", "izin": "absent_excused", "sakit": "absent_excused", "dinas_luar": "absent_excused",
	"tanpa_keterangan": "absent_unexcused", "alpa": "absent_unexcused", "cuti": "leave", "tidak_ada_catatan": "no_record",
}

// columnOf names a stored field by its file column, for row errors.
var columnOf = map[string]string{"nip": "nip", "day": "tanggal", "kind": "jenis", "late_minutes": "terlambat_menit",
	"early_minutes": "pulang_cepat_menit", "leave_type": "jenis_cuti", "missed_assembly": "tidak_apel"}

type attendanceBody struct {
	Rows []store.AttendanceRow `json:"rows"`
}

const maxAttendanceRows = 200_000

func (s *Server) importAttendance(c *gin.Context) {
	var n int
	var err error
	switch ct := c.ContentType(); ct {
	case "application/json", "":
		var body attendanceBody
		if err := bind(c, &body); err != nil {
			fail(c, err)
			return
		}
		n, err = s.importAttendanceRows(c, body.Rows, nil)
	case "text/csv", xlsxType:
		raw, rerr := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, 64<<20))
		if rerr != nil {
			fail(c, &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large", Message: "berkas melebihi 64 MiB"})
			return
		}
		n, err = s.ImportAttendanceFile(c, ct == xlsxType, raw)
	default:
		fail(c, &apiError{Status: http.StatusUnsupportedMediaType, Code: "unsupported_media_type",
			Message: "Content-Type harus application/json, text/csv atau XLSX (application/vnd.openxmlformats-officedocument.spreadsheetml.sheet)"})
		return
	}
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"imported": n})
}

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// ImportAttendanceFile imports an attendance file (CSV, or XLSX's first sheet) all or nothing; a
// refusal names each row by the file's line and column (*store.ImportError). POST
// /api/payroll/attendance with a file, and the page's upload (web/pay_attendance.go).
func (s *Server) ImportAttendanceFile(c *gin.Context, xlsx bool, raw []byte) (int, error) {
	if err := hrOnly(c); err != nil {
		return 0, err
	}
	kind := sheet.CSV
	if xlsx {
		kind = sheet.XLSX
	}
	var rows []store.AttendanceRow
	var lines []int
	var errs []store.RowError
	if err := readSheet(kind, bytes.NewReader(raw), func(rd sheet.Reader) error {
		rows, lines, errs = readAttendance(rd)
		return nil
	}); err != nil {
		return 0, uploadError(err)
	}
	if len(errs) > 0 {
		return 0, &store.ImportError{Rows: errs}
	}
	return s.importAttendanceRows(c, rows, lines)
}

// importAttendanceRows checks and writes rows; lines are a file's line of each row (nil for JSON).
func (s *Server) importAttendanceRows(c *gin.Context, rows []store.AttendanceRow, lines []int) (int, error) {
	ctx := c.Request.Context()
	if err := hrOnly(c); err != nil {
		return 0, err
	}
	if len(rows) == 0 || len(rows) > maxAttendanceRows {
		return 0, errInvalid(fmt.Sprintf("rows: berisi 1 sampai %d baris", maxAttendanceRows))
	}

	// An employee outside the caller's HR scope reads exactly like an unknown one.
	who, err := s.who(c)
	if err != nil {
		return 0, err
	}
	var nips []string
	for _, r := range rows {
		nips = append(nips, r.NIP)
	}
	emps, err := s.employeesInScope(c, who, nips)
	if err != nil {
		return 0, err
	}
	covered := map[string]bool{}
	for _, e := range emps {
		covered[e.NIP] = true
	}
	var outside []store.RowError
	for i, r := range rows {
		if !covered[r.NIP] {
			outside = append(outside, store.RowError{Sheet: "attendance", Row: i + 1, Field: "nip", Message: "pegawai dengan NIP ini tidak terdaftar"})
		}
	}
	n := 0
	if len(outside) > 0 {
		err = &store.ImportError{Rows: outside}
	} else {
		n, err = s.Store.ImportAttendance(ctx, rows, who.NIP, s.now())
	}
	var imp *store.ImportError
	if lines != nil && errors.As(err, &imp) {
		for i := range imp.Rows { // a file's rows: its line numbers and column names
			if r := imp.Rows[i].Row; r >= 1 && r <= len(lines) {
				imp.Rows[i].Row = lines[r-1]
			}
			if col, ok := columnOf[imp.Rows[i].Field]; ok {
				imp.Rows[i].Field = col
			}
		}
	}
	return n, err
}

// readAttendance reads a sheet with AttendanceColumns' header; row numbers are the sheet's lines.
func readAttendance(rd sheet.Reader) ([]store.AttendanceRow, []int, []store.RowError) {
	bad := func(line int, field, msg string) store.RowError {
		return store.RowError{Sheet: "attendance", Row: line, Field: field, Message: msg}
	}
	known := make([]string, len(AttendanceColumns))
	for i, c := range AttendanceColumns {
		known[i] = sheet.Normalize(c)
	}
	line, header, err := rd.Next()
	if err != nil {
		return nil, nil, []store.RowError{bad(1, "", "baris judul kolom tidak terbaca: "+strings.Join(AttendanceColumns, ","))}
	}
	h, problems := sheet.ReadHeader(header, known, known[:3])
	if len(problems) > 0 {
		var errs []store.RowError
		for _, p := range problems {
			errs = append(errs, bad(line, strings.ToLower(p.Column), p.Message))
		}
		return nil, nil, errs
	}
	var rows []store.AttendanceRow
	var lines []int
	var errs []store.RowError
	for {
		line, rec, err := rd.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, bad(line, "", "baris tidak terbaca: "+err.Error()))
			break
		}
		get := func(name string) string { return h.Get(rec, sheet.Normalize(name)) }
		r := store.AttendanceRow{NIP: get("nip"), Day: sheetDate(get("tanggal")), LeaveType: get("jenis_cuti")}
		jenis := strings.ToLower(get("jenis"))
		if k, ok := attendanceKinds[jenis]; ok {
			r.Kind = k
		} else {
			errs = append(errs, bad(line, "jenis", fmt.Sprintf("%q tidak dikenal; pakai hadir, izin, sakit, dinas_luar, tanpa_keterangan, cuti atau tidak_ada_catatan", jenis)))
		}
		for _, f := range []struct {
			name string
			to   *int
		}{{"terlambat_menit", &r.LateMinutes}, {"pulang_cepat_menit", &r.EarlyMinutes}} {
			if v := get(f.name); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil {
					errs = append(errs, bad(line, f.name, fmt.Sprintf("harus bilangan bulat menit, bukan %q", v)))
				}
				*f.to = n
			}
		}
		switch strings.ToLower(get("tidak_apel")) {
		case "", "tidak", "0":
		case "ya", "1":
			r.MissedAssembly = true
		default:
			errs = append(errs, bad(line, "tidak_apel", "harus ya atau tidak"))
		}
		rows, lines = append(rows, r), append(lines, line)
	}
	return rows, lines, errs
}

// sheetDate reads a date cell: as typed (YYYY-MM-DD), or an Excel date cell, which XLSX stores as
// a serial day number (the sheet is read raw, not as the viewer's locale formats it).
func sheetDate(v string) string {
	if n, err := strconv.Atoi(v); err == nil && n > 20_000 && n < 80_000 { // 1954-2119
		if t, err := excelize.ExcelDateToTime(float64(n), false); err == nil {
			return t.Format(time.DateOnly)
		}
	}
	return v
}
