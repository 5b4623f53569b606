package web

import (
	"mime/multipart"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
	"github.com/kinerja/platform/web/form"
)

// The organisation import page: HR uploads the CSV or XLSX file it has, "Periksa" runs the dry
// run of POST /api/org/import/file and lists every bad row; a file without problems is kept
// server-side (App.CheckOrgFile) so that "Terapkan" saves exactly that file without a second
// upload (App.ApplyOrgFile).

// PathOrgImport is the organisation import page.
const PathOrgImport = "/organisasi/impor"

// maxImportUpload bounds the upload form: the 50 MiB file with its multipart framing and fields.
const maxImportUpload = 50<<20 + 64<<10

// shownRowErrors is how many bad rows the page lists; the count says how many there are.
const shownRowErrors = 200

func (p *pages) importRoutes(r *gin.Engine, in *gin.RouterGroup) {
	in.GET(PathOrgImport, p.importForm)
	// The upload carries up to 50 MiB: its own body bound instead of limitForm's.
	r.POST(PathOrgImport, p.limitImport, p.identify, p.checkImport)
	in.POST(PathOrgImport+"/terapkan", p.applyImport)
}

// importView is the import page: the form, a dry run's outcome or an apply's.
type importView struct {
	Errors  form.Errors // next to the file field ("file") or about the checked file ("token")
	Checked *hrinput.StagedImport
	Applied *hrinput.StagedImport
	Rows    []store.RowError // the bad rows shown, at most shownRowErrors
	Hidden  int              // bad rows not shown
	Max     int
}

func (p *pages) showImport(c *gin.Context, status int, v importView) {
	if v.Errors == nil {
		v.Errors = form.Errors{}
	}
	for _, st := range []*hrinput.StagedImport{v.Checked, v.Applied} {
		if st != nil {
			errs := st.Result.Errors
			v.Rows = errs[:min(len(errs), shownRowErrors)]
			v.Hidden = st.Result.ErrorCount - len(v.Rows)
		}
	}
	v.Max = shownRowErrors
	p.render(c, status, "hr_import.html", view{Title: "Impor data organisasi", Nav: "organisasi", Data: v})
}

func (p *pages) importForm(c *gin.Context) {
	if err := p.app.OrgWide(c); err != nil {
		p.fail(c, err)
		return
	}
	p.showImport(c, http.StatusOK, importView{})
}

func (p *pages) limitImport(c *gin.Context) {
	if c.Request.ContentLength > maxImportUpload {
		c.Abort()
		p.render(c, http.StatusRequestEntityTooLarge, "error.html", view{Title: "Berkas terlalu besar",
			Data: errorView{"too_large", "berkas melebihi 50 MiB; bagi menjadi beberapa berkas (misalnya per perangkat daerah) dan impor satu per satu"}})
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, maxImportUpload)
	c.Next()
}

// checkImport runs the dry run of the uploaded file; nothing is saved.
func (p *pages) checkImport(c *gin.Context) {
	if err := p.app.OrgWide(c); err != nil {
		p.fail(c, err)
		return
	}
	var fh *multipart.FileHeader
	if mf := c.Request.MultipartForm; mf != nil && len(mf.File["file"]) > 0 {
		fh = mf.File["file"][0]
	}
	if fh == nil || fh.Filename == "" {
		p.showImport(c, http.StatusUnprocessableEntity, importView{Errors: form.Errors{"file": "pilih berkas CSV atau XLSX"}})
		return
	}
	st, err := p.app.CheckOrgFile(c, fh)
	if err != nil {
		p.importRefused(c, err, "file")
		return
	}
	p.showImport(c, http.StatusOK, importView{Checked: &st})
}

// applyImport saves the file the dry run checked, named by the form's token.
func (p *pages) applyImport(c *gin.Context) {
	if !p.parseForm(c) {
		return
	}
	st, err := p.app.ApplyOrgFile(c, c.Request.PostForm.Get("token"))
	if err != nil {
		p.importRefused(c, err, "token")
		return
	}
	status := http.StatusOK
	if !st.Result.Applied {
		status = http.StatusUnprocessableEntity // problems found now (the organisation changed meanwhile)
	}
	p.showImport(c, status, importView{Applied: &st})
}

// importRefused puts a refusal of the file next to the field it concerns; any other error (the
// role gate, a failure of the server) gets the error page.
func (p *pages) importRefused(c *gin.Context, err error, field string) {
	status, code, _, msg := p.app.Explain(c.Request.Context(), err)
	if errs := p.app.FieldErrors(c.Request.Context(), err); errs != nil {
		for _, m := range errs {
			msg = m
		}
	} else if code != "too_large" {
		p.fail(c, err)
		return
	}
	p.showImport(c, status, importView{Errors: form.Errors{field: msg}})
}
