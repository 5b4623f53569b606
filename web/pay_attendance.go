package web

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/store"
)

// PathAttendance is HR's attendance import.
const PathAttendance = "/penggajian/kehadiran"

type attendanceView struct {
	Imported string           // rows written by the last import (?jumlah=)
	FileErr  string           // a refusal of the file as a whole, next to the field
	Rows     []store.RowError // a refusal row by row: nothing was written
	FileName string
}

func init() {
	flashText["kehadiran-diimpor"] = "Data kehadiran telah diimpor."
}

// attendancePage offers the upload to HR (the gate of GET /api/payroll/runs: HR of any scope).
func (p *pages) attendancePage(c *gin.Context) {
	if _, err := p.app.RunScopes(c); err != nil {
		p.fail(c, err)
		return
	}
	p.render(c, http.StatusOK, "pay_attendance.html", view{Title: "Impor data kehadiran", Nav: "penggajian",
		Data: attendanceView{Imported: c.Query("jumlah")}})
}

// importAttendance sends the uploaded file to the same function as POST /api/payroll/attendance
// with a file: all or nothing, a refusal listing every row by its line and column.
func (p *pages) importAttendance(c *gin.Context) {
	show := func(status int, v attendanceView) {
		p.render(c, status, "pay_attendance.html", view{Title: "Impor data kehadiran", Nav: "penggajian", Data: v})
	}
	fh, err := c.FormFile("file")
	if err != nil {
		// The role gate first, as the JSON route's: only then is a missing file the caller's to fix.
		if _, gerr := p.app.RunScopes(c); gerr != nil {
			p.fail(c, gerr)
			return
		}
		show(http.StatusUnprocessableEntity, attendanceView{FileErr: "pilih berkas CSV atau XLSX"})
		return
	}
	f, err := fh.Open()
	if err != nil {
		p.fail(c, err)
		return
	}
	raw, err := io.ReadAll(f)
	f.Close()
	if err != nil {
		p.fail(c, err)
		return
	}
	// An XLSX is a zip archive: its bytes say so, whatever the file is called.
	xlsx := bytes.HasPrefix(raw, []byte("PK\x03\x04"))
	n, err := p.app.ImportAttendanceFile(c, xlsx, raw)
	if err == nil {
		c.Redirect(http.StatusSeeOther, PathAttendance+"?ok=kehadiran-diimpor&jumlah="+itoa(int64(n)))
		return
	}
	v := attendanceView{FileName: fh.Filename}
	var imp *store.ImportError
	status, _, _, msg := p.app.Explain(c.Request.Context(), err)
	switch {
	case errors.As(err, &imp) && !imp.Forbidden:
		v.Rows = imp.Rows
	case status == http.StatusBadRequest || status == http.StatusUnprocessableEntity:
		v.FileErr = strings.TrimPrefix(msg, "rows: ")
	default:
		p.fail(c, err)
		return
	}
	show(status, v)
}
