package api

import (
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/internal/sheet"
	"github.com/kinerja/platform/store"
)

// maxImportFile bounds an uploaded organisation file; the request may carry a little more for
// the multipart framing and the mode field.
const (
	maxImportFile    = 50 << 20
	maxImportRequest = maxImportFile + 64<<10
	// maxUnpackedXLSX bounds what an XLSX may unpack to (a compressed sheet can be 10x its size).
	maxUnpackedXLSX = 1 << 30
)

var errImportTooLarge = &apiError{Status: http.StatusRequestEntityTooLarge, Code: "too_large",
	Message: "berkas melebihi 50 MiB; bagi menjadi beberapa berkas (misalnya per perangkat daerah) dan impor satu per satu"}

// importOrgFile takes an organisation file (CSV or XLSX, multipart field "file") and checks it
// (mode=dry_run) or saves it (mode=apply); the mode comes as a query parameter or a form field.
// The upload is read as it arrives: CSV row by row; XLSX spooled to a temporary file first,
// because the format needs random access.
func (s *Server) importOrgFile(c *gin.Context) {
	if c.Request.ContentLength > maxImportRequest {
		fail(c, errImportTooLarge)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportRequest)
	mr, err := c.Request.MultipartReader()
	if err != nil {
		fail(c, errBadRequest("kirim berkas sebagai multipart/form-data dengan kolom file (CSV atau XLSX) dan mode (dry_run atau apply)"))
		return
	}
	mode := c.Query("mode")
	var file *store.OrgFile
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			fail(c, uploadError(err))
			return
		}
		switch part.FormName() {
		case "mode":
			b, err := io.ReadAll(io.LimitReader(part, 64))
			if err != nil {
				fail(c, uploadError(err))
				return
			}
			mode = strings.TrimSpace(string(b))
		case "file":
			if file != nil {
				fail(c, errBadRequest("file: kirim satu berkas saja per impor"))
				return
			}
			if file, err = readOrgUpload(part.FileName(), part); err != nil {
				fail(c, err)
				return
			}
		default:
			fail(c, errBadRequest(fmt.Sprintf("%s: kolom formulir tidak dikenal; yang dikenal: file, mode", part.FormName())))
			return
		}
	}
	if mode != "dry_run" && mode != "apply" {
		fail(c, errBadRequest("mode: harus dry_run (periksa saja) atau apply (simpan)"))
		return
	}
	if file == nil {
		fail(c, errBadRequest("file: wajib diisi (berkas CSV atau XLSX)"))
		return
	}
	res, err := s.importRows(c, file, mode == "apply")
	if err != nil {
		fail(c, err)
		return
	}
	if mode == "apply" && !res.Applied {
		msg := fmt.Sprintf("impor ditolak, tidak ada yang disimpan: %d masalah di berkas", res.ErrorCount)
		if len(res.Errors) > 0 {
			msg += "; yang pertama: " + res.Errors[0].Error()
		}
		c.JSON(http.StatusUnprocessableEntity, gin.H{"error": errInvalid(msg), "result": res})
		return
	}
	c.JSON(http.StatusOK, res)
}

// importRows checks (apply false) or saves an organisation file's rows on behalf of the caller:
// the one step after reading the upload, for the JSON route and the import page alike.
func (s *Server) importRows(c *gin.Context, file *store.OrgFile, apply bool) (store.FileImportResult, error) {
	me := caller(c)
	by := store.Importer{NIP: me.NIP, Name: me.Name, Admin: me.IsAdmin, HRScope: me.HRScopeUnitID, Now: s.now(),
		TellOldAddress: tellOldAddress}
	return s.Store.ImportFile(c.Request.Context(), file, by, apply)
}

// readOrgUpload reads an uploaded file (name tells CSV from XLSX) into compact rows.
func readOrgUpload(name string, r io.Reader) (*store.OrgFile, error) {
	kind, err := sheet.KindOf(name)
	if err != nil {
		return nil, errBadRequest("file: " + err.Error())
	}
	body := &limitedPart{r: r, left: maxImportFile}
	var f *store.OrgFile
	if err := readSheet(kind, body, func(rd sheet.Reader) (err error) {
		f, err = store.ReadOrgFile(rd)
		return err
	}); err != nil {
		return nil, uploadError(err)
	}
	// Whatever follows the last row still counts against the limit.
	if _, err := io.Copy(io.Discard, body); err != nil {
		return nil, uploadError(err)
	}
	return f, nil
}

// readSheet opens body as a CSV or an XLSX file (spooled to a temporary file first: the format
// needs random access) and hands the first sheet to read: the organisation and attendance imports.
func readSheet(kind sheet.Kind, body io.Reader, read func(sheet.Reader) error) error {
	var rd sheet.Reader
	var err error
	switch kind {
	case sheet.CSV:
		rd, err = sheet.OpenCSV(body)
	case sheet.XLSX:
		dir, derr := os.MkdirTemp("", "kinerja-import-")
		if derr != nil {
			return derr
		}
		defer os.RemoveAll(dir)
		path := dir + "/upload.xlsx"
		out, derr := os.Create(path)
		if derr != nil {
			return derr
		}
		_, derr = io.Copy(out, body)
		if cerr := out.Close(); derr == nil {
			derr = cerr
		}
		if derr != nil {
			return derr
		}
		rd, err = sheet.OpenXLSX(path, dir, maxUnpackedXLSX)
	}
	if err != nil {
		return err
	}
	defer rd.Close()
	return read(rd)
}

// limitedPart reads at most left bytes of a part and then fails with errPartTooLarge.
type limitedPart struct {
	r    io.Reader
	left int64
}

var errPartTooLarge = errors.New("part too large")

func (l *limitedPart) Read(p []byte) (int, error) {
	if l.left <= 0 {
		// One more byte tells a file of exactly the limit from a longer one.
		var one [1]byte
		if n, _ := l.r.Read(one[:]); n > 0 {
			return 0, errPartTooLarge
		}
		return l.r.Read(p)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, err
}

// uploadError names what went wrong with an upload: too large (413), cut off, or unreadable.
func uploadError(err error) error {
	var tooBig *http.MaxBytesError
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, errPartTooLarge), errors.As(err, &tooBig):
		return errImportTooLarge
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, multipart.ErrMessageTooLarge):
		return errBadRequest("file: unggahan terputus atau tidak lengkap; kirim ulang berkas")
	}
	msg := err.Error()
	if strings.Contains(msg, "multipart") {
		return errBadRequest("file: unggahan multipart tidak terbaca; kirim ulang berkas")
	}
	// The sheet package's own messages are in Bahasa Indonesia and name the row.
	return errBadRequest("file: " + msg)
}

// supervisorChanges lists the running years in the caller's HR scope whose penilai or atasan
// differ from today's org data (after an import or a mutasi): what POST .../reassign would move.
func (s *Server) supervisorChanges(c *gin.Context) {
	sc, err := s.SupervisorChanges(c)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"cycle_id": sc.Cycle.ID, "total": sc.Total, "years": sc.Years, "next_after": sc.NextAfter})
}

// SupervisorChanges reads a page (?limit=1-500, default 50; ?after=<NIP>) of the route's
// :cycle's running years in the caller's HR scope whose supervisors differ from the org data:
// GET /api/cycles/:id/supervisor-changes and its page.
func (s *Server) SupervisorChanges(c *gin.Context) (hrinput.SupervisorChanges, error) {
	var none hrinput.SupervisorChanges
	if err := hrOnly(c); err != nil {
		return none, err
	}
	cy, err := s.cycleOf(c)
	if err != nil {
		return none, err
	}
	who, err := s.who(c)
	if err != nil {
		return none, err
	}
	q := store.SupervisorChangesQuery{CycleID: cy.ID, Scope: who.HRScope, After: c.Query("after")}
	if q.Limit, err = intParam(c, "limit", 50, 1, 500); err != nil {
		return none, err
	}
	if q.After != "" && !nipOnly.MatchString(q.After) {
		return none, errBadRequest("after: harus NIP 18 digit dari next_after")
	}
	list, total, err := s.Store.SupervisorChanges(c.Request.Context(), q)
	if err != nil {
		return none, err
	}
	next := ""
	if len(list) == q.Limit {
		next = list[len(list)-1].NIP
	}
	return hrinput.SupervisorChanges{Cycle: cy, Total: total, Years: list, NextAfter: next}, nil
}
