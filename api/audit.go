package api

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/audit"
	dates "github.com/kinerja/platform/internal/wib"
)

// exportAudit streams the audit log rows of the days from..to (both included, WIB) as JSON Lines,
// with their hashes, for inspectors: GET /api/audit/export?from=YYYY-MM-DD&to=YYYY-MM-DD.
func (s *Server) exportAudit(c *gin.Context) {
	if err := s.ExportAudit(c); err != nil {
		fail(c, err)
	}
}

// ExportAudit streams the export of ?from= to ?to= as a download (region-wide HR or admin): the
// JSON route and the audit page's download. An error is returned only before anything was sent;
// one later cuts the connection, so the client sees a truncated download rather than a
// complete-looking file.
func (s *Server) ExportAudit(c *gin.Context) error {
	if err := s.orgWide(c); err != nil {
		return err
	}
	from, errFrom := auditDate(c, "from")
	to, errTo := auditDate(c, "to")
	// Both dates are named at once; the messages already say which parameter is wrong.
	bad := errInvalid("")
	bad.Fields = map[string]string{}
	var msgs []string
	for _, e := range []error{errFrom, errTo} {
		if ae, ok := e.(*apiError); ok {
			bad.Fields[ae.Field] = ae.Message
			msgs = append(msgs, ae.Message)
		}
	}
	if len(msgs) == 0 && to.Before(from) {
		msgs = append(msgs, "parameter to (tanggal akhir) tidak boleh sebelum parameter from (tanggal awal)")
		bad.Fields["to"] = msgs[0]
	}
	if len(msgs) > 0 {
		bad.Message = strings.Join(msgs, "; ")
		return bad
	}
	w := &exportWriter{c: c, filename: "audit-log_" + from.Format(time.DateOnly) + "_" + to.Format(time.DateOnly) + ".jsonl"}
	err := audit.Export(c.Request.Context(), s.Store.Pool, w, from, to.AddDate(0, 0, 1))
	switch {
	case err != nil && !w.started:
		return err
	case err != nil:
		slog.ErrorContext(c.Request.Context(), "audit export interrupted", "error", err)
		c.Abort()
		if conn, _, herr := http.NewResponseController(c.Writer).Hijack(); herr == nil {
			conn.Close()
		}
	default:
		w.start() // an empty export is still a file
	}
	return nil
}

// auditDate reads a required YYYY-MM-DD query parameter as the start of that day in WIB.
func auditDate(c *gin.Context, name string) (time.Time, error) {
	v, ok := c.GetQuery(name)
	if !ok || v == "" {
		return time.Time{}, fieldError(name, "parameter "+name+" wajib diisi dengan tanggal berformat YYYY-MM-DD")
	}
	d, err := time.ParseInLocation(time.DateOnly, v, dates.Location)
	if err != nil {
		return time.Time{}, fieldError(name, "parameter "+name+" bukan tanggal yang valid (format YYYY-MM-DD, misalnya 2026-01-31)")
	}
	return d, nil
}

// exportWriter sends the download headers with the first bytes, so an error before any row can
// still be answered as a JSON error.
type exportWriter struct {
	c        *gin.Context
	filename string
	started  bool
}

func (w *exportWriter) start() {
	if w.started {
		return
	}
	w.started = true
	h := w.c.Writer.Header()
	h.Set("Content-Type", "application/x-ndjson; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="`+w.filename+`"`)
	w.c.Status(http.StatusOK)
	w.c.Writer.WriteHeaderNow()
}

func (w *exportWriter) Write(p []byte) (int, error) {
	w.start()
	return w.c.Writer.Write(p)
}
