package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/wib"
	"github.com/kinerja/platform/web/form"
)

type auditView struct {
	From, To string
	Errors   form.Errors
}

// auditPage offers the audit log's export for inspectors (region-wide HR or admin): the days to
// export, this month's so far by default.
func (p *pages) auditPage(c *gin.Context) {
	if err := p.app.OrgWide(c); err != nil {
		p.fail(c, err)
		return
	}
	now := time.Now().In(wib.Location)
	p.render(c, http.StatusOK, "hr_audit.html", view{Title: "Ekspor log audit", Nav: "audit", Data: auditView{
		From: now.AddDate(0, 0, 1-now.Day()).Format(time.DateOnly), To: now.Format(time.DateOnly), Errors: form.Errors{}}})
}

// auditExport is the download, through the same function as GET /api/audit/export (same ?from=
// and ?to=); bad dates come back on the form, next to their fields.
func (p *pages) auditExport(c *gin.Context) {
	err := p.app.ExportAudit(c)
	if err == nil {
		return
	}
	errs := p.app.FieldErrors(c.Request.Context(), err)
	if errs == nil {
		p.fail(c, err)
		return
	}
	p.render(c, http.StatusUnprocessableEntity, "hr_audit.html", view{Title: "Ekspor log audit", Nav: "audit",
		Data: auditView{From: c.Query("from"), To: c.Query("to"), Errors: errs}})
}
