package api

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/access"
	"github.com/kinerja/platform/store"
)

// Bukti dukung uploaded as files. The bytes are written under Server.EvidenceDir, which nothing
// serves directly, named by a random id; evidence_files says whose they are. They are read back
// only through Evidence, after the same visibility check as the year itself (findYear). The
// realisasi refers to a file by its link on this site, so the report's rules stay those of
// skp.ValidateRealisasi.

// evidenceRoutes: POST …/employees/:nip/evidence (multipart, one file in field "file") answers
// 201 {url} for the realisasi's evidence_url; GET …/employees/:nip/evidence/:id downloads it.
// The pages take the same functions (web/steps.go).
func (s *Server) evidenceRoutes(a *gin.RouterGroup) {
	a.POST("/cycles/:cycle/employees/:nip/evidence", s.uploadEvidence)
	a.GET("/cycles/:cycle/employees/:nip/evidence/:id", s.downloadEvidence)
}

func (s *Server) uploadEvidence(c *gin.Context) {
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxEvidenceBytes+1<<16)
	fh, err := c.FormFile("file")
	if err != nil {
		fail(c, &apiError{Status: http.StatusBadRequest, Code: "bad_request", Field: "file",
			Message: fmt.Sprintf("file: kirim satu berkas dalam formulir multipart, paling besar %d MiB", MaxEvidenceBytes>>20)})
		return
	}
	link, err := s.SaveEvidence(c, fh)
	if err != nil {
		if ae, ok := err.(*apiError); ok && ae.Status == http.StatusUnprocessableEntity {
			ae.Field = "file"
		}
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, gin.H{"url": link})
}

func (s *Server) downloadEvidence(c *gin.Context) {
	if err := s.SendEvidence(c, c.Param("id")); err != nil {
		fail(c, err)
	}
}

// SendEvidence answers one file of the route's year, to a caller who may see the year, as a
// download that nothing in the browser runs (the JSON route and the page alike); on an error
// nothing is written.
func (s *Server) SendEvidence(c *gin.Context, id string) error {
	f, path, err := s.evidence(c, id)
	if err != nil {
		return err
	}
	c.Header("Content-Type", f.ContentType)
	c.Header("Content-Disposition", "attachment; filename*=UTF-8''"+url.PathEscape(f.FileName))
	c.Header("Content-Security-Policy", "default-src 'none'; sandbox")
	c.File(path)
	return nil
}

// MaxEvidenceBytes bounds one uploaded file.
const MaxEvidenceBytes = 5 << 20

// evidenceTypes are the types accepted, as the bytes themselves say (http.DetectContentType),
// whatever the file's name or the browser claim.
var evidenceTypes = map[string]bool{"application/pdf": true, "image/jpeg": true, "image/png": true}

// SaveEvidence keeps an uploaded file for the route's year, if the caller may report its realisasi
// (the employee), and answers the link the realisasi carries.
func (s *Server) SaveEvidence(c *gin.Context, fh *multipart.FileHeader) (string, error) {
	if s.EvidenceDir == "" {
		return "", errInvalid("unggah berkas belum diaktifkan di server ini; cantumkan tautan bukti dukung")
	}
	base, err := url.Parse(strings.TrimRight(s.PublicURL, "/"))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return "", fmt.Errorf("api: PUBLIC_URL is not an absolute http(s) URL; evidence links cannot be made")
	}
	v, err := s.findYear(c)
	if err != nil {
		return "", err
	}
	if _, d := access.Act(v.who, v.target, access.Pegawai); d != access.Allow {
		return "", forbiddenStep(access.Pegawai)
	}
	if fh.Size > MaxEvidenceBytes {
		return "", errInvalid(fmt.Sprintf("berkas paling besar %d MiB", MaxEvidenceBytes>>20))
	}
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxEvidenceBytes+1))
	if err != nil {
		return "", err
	}
	ctype, err := evidenceType(data)
	if err != nil {
		return "", err
	}
	id := make([]byte, 16)
	_, _ = rand.Read(id)
	ef := store.EvidenceFile{ID: hex.EncodeToString(id), CycleID: v.en.CycleID, NIP: v.en.NIP, FileName: cleanFileName(fh.Filename),
		ContentType: ctype, Size: int64(len(data)), UploadedBy: v.who.NIP, UploadedAt: s.now()}
	sum := sha256.Sum256(data)
	ef.SHA256 = hex.EncodeToString(sum[:])
	if err := writeNew(filepath.Join(s.EvidenceDir, ef.ID), data); err != nil {
		return "", err
	}
	if err := s.Store.AddEvidence(c.Request.Context(), ef); err != nil {
		_ = os.Remove(filepath.Join(s.EvidenceDir, ef.ID))
		return "", err
	}
	return base.JoinPath("siklus", strconv.FormatInt(ef.CycleID, 10), "pegawai", ef.NIP, "bukti", ef.ID).String(), nil
}

// evidence finds one file of the route's year for a caller who may see the year, and where its
// bytes are.
func (s *Server) evidence(c *gin.Context, id string) (store.EvidenceFile, string, error) {
	v, err := s.findYear(c)
	if err != nil {
		return store.EvidenceFile{}, "", err
	}
	if !evidenceID.MatchString(id) || s.EvidenceDir == "" {
		return store.EvidenceFile{}, "", errNotFound("berkas bukti dukung tidak ditemukan")
	}
	f, err := s.Store.Evidence(c.Request.Context(), v.en.CycleID, v.en.NIP, id)
	if err != nil {
		return f, "", err
	}
	return f, filepath.Join(s.EvidenceDir, f.ID), nil
}

// EvidenceGrace is how long an uploaded file may stay linked to no report before SweepEvidence
// removes it: long enough for a refused form to be corrected and sent again with the same link
// (the page keeps it), or a report written by its step, to link it first.
const EvidenceGrace = 24 * time.Hour

// SweepEvidence removes the uploaded files no report of their year links once they are older
// than grace: their row and their bytes. Files on disk with no row at all (a crash between
// writing the bytes and recording them) go too once as old. It answers how many files went.
func (s *Server) SweepEvidence(ctx context.Context, grace time.Duration) (int, error) {
	if s.EvidenceDir == "" {
		return 0, nil
	}
	before := s.now().Add(-grace)
	ids, err := s.Store.DeleteUnlinkedEvidence(ctx, before)
	if err != nil {
		return 0, err
	}
	removed := 0
	var errs []error
	for _, id := range ids {
		// A failure leaves bytes without a row: the scan below takes them on a later sweep.
		if err := os.Remove(filepath.Join(s.EvidenceDir, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	entries, err := os.ReadDir(s.EvidenceDir)
	if errors.Is(err, fs.ErrNotExist) { // nothing uploaded yet: the directory is made by the first upload
		return removed, errors.Join(errs...)
	}
	if err != nil {
		return removed, errors.Join(append(errs, err)...)
	}
	var old []string
	for _, en := range entries {
		info, err := en.Info()
		if err != nil || !info.Mode().IsRegular() || !evidenceID.MatchString(en.Name()) || !info.ModTime().Before(before) {
			continue
		}
		old = append(old, en.Name())
	}
	if len(old) == 0 {
		return removed, errors.Join(errs...)
	}
	known, err := s.Store.KnownEvidence(ctx, old)
	if err != nil {
		return removed, errors.Join(append(errs, err)...)
	}
	for _, id := range old {
		if known[id] {
			continue
		}
		if err := os.Remove(filepath.Join(s.EvidenceDir, id)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			errs = append(errs, err)
			continue
		}
		removed++
	}
	return removed, errors.Join(errs...)
}

// evidenceID is the name of a stored file: the id SaveEvidence drew.
var evidenceID = regexp.MustCompile(`^[0-9a-f]{32}$`)

// evidenceType is the type of an upload's bytes when it is one accepted, within the size bound.
func evidenceType(data []byte) (string, error) {
	switch {
	case len(data) == 0:
		return "", errInvalid("berkas kosong")
	case len(data) > MaxEvidenceBytes:
		return "", errInvalid(fmt.Sprintf("berkas paling besar %d MiB", MaxEvidenceBytes>>20))
	}
	ctype := http.DetectContentType(data)
	if !evidenceTypes[ctype] {
		return "", errInvalid("jenis berkas harus PDF, JPEG, atau PNG")
	}
	return ctype, nil
}

// writeNew writes a file that must not exist yet, readable by this user only, and syncs it.
func writeNew(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// cleanFileName keeps the name a browser sent for display only: no path, no control characters,
// at most 200 characters.
func cleanFileName(name string) string {
	name = filepath.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '"' {
			return -1
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 200 {
		name = string(r[:200])
	}
	if name == "" || name == "." || name == "/" {
		return "bukti"
	}
	return name
}
