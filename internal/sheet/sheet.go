// Package sheet reads tabular uploads, CSV or XLSX, one row at a time with the row number a
// person sees in a spreadsheet, so an import can name the row and column of each problem
// without holding the file in memory.
package sheet

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Kind is a file format this package reads.
type Kind string

const (
	CSV  Kind = "csv"
	XLSX Kind = "xlsx"
)

// KindOf tells the format by the file name's extension.
func KindOf(filename string) (Kind, error) {
	switch strings.ToLower(filepath.Ext(filename)) {
	case ".csv":
		return CSV, nil
	case ".xlsx":
		return XLSX, nil
	}
	return "", fmt.Errorf("berkas %q: jenis berkas harus .csv atau .xlsx", filename)
}

// Reader yields rows in file order.
type Reader interface {
	// Next returns the next row that is not wholly empty, with its 1-based row number (the
	// header is usually row 1), or io.EOF after the last one. The slice is reused by the next call.
	Next() (row int, cells []string, err error)
	// Sheet is the worksheet read ("" for CSV).
	Sheet() string
	Close() error
}

// MaxCellBytes bounds one cell: no column of a personnel file needs more, and a runaway cell
// (a missing closing quote) would otherwise swallow the rest of the file into memory.
const MaxCellBytes = 4096

// OpenCSV reads comma- or semicolon-separated text (Excel in an Indonesian locale saves with
// semicolons), UTF-8 with or without a byte-order mark. The separator is the one the header
// line uses.
func OpenCSV(r io.Reader) (Reader, error) {
	br := newPeekReader(r)
	first, err := br.peekLine()
	if err != nil {
		return nil, err
	}
	first = bytes.TrimPrefix(first, []byte("\xef\xbb\xbf"))
	if len(bytes.TrimSpace(first)) == 0 {
		return nil, errors.New("berkas kosong: baris pertama harus berisi nama kolom")
	}
	cr := csv.NewReader(br)
	if bytes.Count(first, []byte(";")) > bytes.Count(first, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1 // a short row is reported by the importer, naming the missing column
	cr.ReuseRecord = true
	return &csvReader{r: cr}, nil
}

type csvReader struct {
	r     *csv.Reader
	first bool
}

func (c *csvReader) Next() (int, []string, error) {
	for {
		rec, err := c.r.Read()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return pe.StartLine, nil, fmt.Errorf("baris %d: CSV tidak terbaca (%s)", pe.StartLine, csvReason(pe.Err))
			}
			return 0, nil, err
		}
		line, _ := c.r.FieldPos(0)
		if !c.first {
			c.first = true
			if len(rec) > 0 {
				rec[0] = strings.TrimPrefix(rec[0], "\ufeff")
			}
		}
		for i, v := range rec {
			if len(v) > MaxCellBytes {
				return line, nil, fmt.Errorf("baris %d kolom %d: isi sel melebihi %d byte (tanda kutip tidak ditutup?)", line, i+1, MaxCellBytes)
			}
			if !utf8.ValidString(v) {
				return line, nil, fmt.Errorf("baris %d kolom %d: bukan teks UTF-8; simpan berkas sebagai CSV UTF-8", line, i+1)
			}
		}
		if blank(rec) {
			continue
		}
		return line, rec, nil
	}
}

func csvReason(err error) string {
	switch {
	case errors.Is(err, csv.ErrQuote):
		return "tanda kutip tidak pada tempatnya"
	case errors.Is(err, csv.ErrBareQuote):
		return "tanda kutip di tengah isi sel yang tidak diapit tanda kutip"
	}
	return err.Error()
}

func (c *csvReader) Sheet() string { return "" }
func (c *csvReader) Close() error  { return nil }

// OpenXLSX reads the first worksheet of the workbook at path (spool an upload to a temporary
// file first: the format needs random access). Cells are read as stored, not as formatted, so a
// number shows its digits without thousands separators. Worksheet XML larger than a few MiB is
// unpacked to tmpDir and streamed from there; the workbook may unpack to at most maxUnpacked bytes.
func OpenXLSX(path, tmpDir string, maxUnpacked int64) (Reader, error) {
	f, err := excelize.OpenFile(path, excelize.Options{RawCellValue: true, UnzipSizeLimit: maxUnpacked,
		UnzipXMLSizeLimit: 4 << 20, TmpDir: tmpDir})
	if err != nil {
		if errors.Is(err, excelize.ErrWorkbookFileFormat) || strings.Contains(err.Error(), "zip") {
			return nil, errors.New("berkas bukan XLSX yang dapat dibaca (simpan ulang sebagai Excel Workbook .xlsx)")
		}
		if strings.Contains(err.Error(), "unzip size exceeds") {
			return nil, fmt.Errorf("isi berkas XLSX setelah dibuka melebihi %d MiB", maxUnpacked>>20)
		}
		return nil, err
	}
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		f.Close()
		return nil, errors.New("berkas XLSX tidak berisi lembar kerja")
	}
	rows, err := f.Rows(sheets[0])
	if err != nil {
		f.Close()
		return nil, err
	}
	return &xlsxReader{f: f, rows: rows, sheet: sheets[0]}, nil
}

type xlsxReader struct {
	f     *excelize.File
	rows  *excelize.Rows
	sheet string
	row   int
}

func (x *xlsxReader) Next() (int, []string, error) {
	for x.rows.Next() {
		x.row++ // Next walks every row, empty ones included, so the count is the row number
		cells, err := x.rows.Columns()
		if err != nil {
			return x.row, nil, fmt.Errorf("baris %d: tidak terbaca (%v)", x.row, err)
		}
		if blank(cells) {
			continue
		}
		for i, v := range cells {
			if len(v) > MaxCellBytes {
				return x.row, nil, fmt.Errorf("baris %d kolom %d: isi sel melebihi %d byte", x.row, i+1, MaxCellBytes)
			}
		}
		return x.row, cells, nil
	}
	if err := x.rows.Error(); err != nil {
		return x.row, nil, err
	}
	return 0, nil, io.EOF
}

func (x *xlsxReader) Sheet() string { return x.sheet }

func (x *xlsxReader) Close() error {
	err := x.rows.Close()
	if cerr := x.f.Close(); err == nil {
		err = cerr
	}
	return err
}

func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// peekReader lets OpenCSV look at the header line before the CSV reader consumes it.
type peekReader struct{ *bufio.Reader }

const peekMax = 64 << 10

func newPeekReader(r io.Reader) *peekReader { return &peekReader{bufio.NewReaderSize(r, peekMax)} }

// peekLine returns the first line (at most peekMax bytes) without consuming it.
func (p *peekReader) peekLine() ([]byte, error) {
	for n := 512; ; n *= 2 {
		n = min(n, peekMax)
		b, err := p.Peek(n)
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			return b[:i], nil
		}
		if err != nil {
			if err == io.EOF || errors.Is(err, bufio.ErrBufferFull) {
				return b, nil
			}
			return nil, err
		}
		if n == peekMax {
			return b, nil
		}
	}
}
