package api

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"mime/multipart"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
	"github.com/kinerja/platform/store"
)

// The import page checks a file first and applies it after HR has read the dry run, without a
// second upload: a file whose dry run found no problem is kept in PostgreSQL (store.StageOrgFile),
// under the hash of a random token the page carries, beside who checked it, when, and the file's
// SHA-256, so "Terapkan" may reach any API instance. Applying claims it, reads it back, refuses it
// if its hash changed, if it is older than stagedFor or if someone else checked it, and removes
// it whatever the outcome.

// stagedFor is how long a checked file waits to be applied.
const stagedFor = time.Hour

var errStagedGone = fieldError("token", "berkas yang diperiksa tidak ditemukan atau sudah kedaluwarsa (lebih dari 1 jam); unggah dan periksa ulang")

var errStagedChanged = fieldError("token", "berkas yang diperiksa telah berubah sejak diperiksa; tidak ada yang disimpan, unggah dan periksa ulang")

// tokenHash is what names a token's file in the database: not the token, which applies it.
func tokenHash(token string) []byte {
	sum := sha256.Sum256([]byte(token))
	return sum[:]
}

// CheckOrgFile runs the dry run of an uploaded organisation file (region-wide HR or admin) and,
// when it found no problem, keeps the file for ApplyOrgFile under a fresh token.
func (s *Server) CheckOrgFile(c *gin.Context, fh *multipart.FileHeader) (hrinput.StagedImport, error) {
	out := hrinput.StagedImport{FileName: fh.Filename}
	if err := s.orgWide(c); err != nil {
		return out, err
	}
	if fh.Size > maxImportFile {
		return out, errImportTooLarge
	}
	ctx := c.Request.Context()
	if err := s.Store.SweepStagedOrgFiles(ctx, s.now().Add(-stagedFor)); err != nil {
		slog.ErrorContext(ctx, "sweep checked import files", "error", err)
	}
	// The same reading and dry run as POST /api/org/import/file, hashing what it read.
	checked := sha256.New()
	upload, err := fh.Open()
	if err != nil {
		return out, uploadError(err)
	}
	rows, err := readOrgUpload(fh.Filename, io.TeeReader(upload, checked))
	upload.Close()
	if err != nil {
		return out, err
	}
	if out.Result, err = s.importRows(c, rows, false); err != nil {
		return out, err
	}
	if out.Result.ErrorCount > 0 {
		return out, nil // nothing to apply: nothing is kept
	}
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	token := hex.EncodeToString(raw[:])
	src, err := fh.Open()
	if err != nil {
		return out, uploadError(err)
	}
	defer src.Close()
	staged, err := s.Store.StageOrgFile(ctx, store.StagedOrgFile{TokenHash: tokenHash(token), NIP: caller(c).NIP,
		FileName: fh.Filename, CheckedAt: s.now()}, io.LimitReader(src, maxImportFile+1))
	if err != nil {
		return out, err
	}
	// What is kept must be what was checked: the upload is read twice.
	if !bytes.Equal(staged.SHA256, checked.Sum(nil)) {
		_ = s.Store.DropStagedOrgFile(ctx, staged.TokenHash)
		return out, errStagedChanged
	}
	out.Token = token
	return out, nil
}

// ApplyOrgFile saves the file a dry run of the same caller kept under token, if it is still the
// file that was checked and the check is less than stagedFor old. The file is removed whatever
// happens: a refused apply needs a new check.
func (s *Server) ApplyOrgFile(c *gin.Context, token string) (hrinput.StagedImport, error) {
	var out hrinput.StagedImport
	if err := s.orgWide(c); err != nil {
		return out, err
	}
	if b, err := hex.DecodeString(token); err != nil || len(b) != 16 {
		return out, errStagedGone
	}
	ctx := c.Request.Context()
	f, err := s.Store.ClaimStagedOrgFile(ctx, tokenHash(token))
	if errors.Is(err, store.ErrNotFound) {
		return out, errStagedGone
	}
	if err != nil {
		return out, err
	}
	defer func() {
		if err := s.Store.DropStagedOrgFile(ctx, f.TokenHash); err != nil {
			slog.ErrorContext(ctx, "drop an applied import file", "error", err) // the sweep removes it later
		}
	}()
	if f.NIP != caller(c).NIP || s.now().Sub(f.CheckedAt) > stagedFor {
		return out, errStagedGone
	}
	out.FileName = f.FileName
	h := sha256.New()
	content := io.TeeReader(s.Store.StagedOrgFileContent(ctx, f.TokenHash), h)
	rows, err := readOrgUpload(f.FileName, content)
	// The whole file is hashed even when reading it failed: a changed file is named as changed.
	if _, derr := io.Copy(io.Discard, content); err == nil {
		err = derr
	}
	if !bytes.Equal(h.Sum(nil), f.SHA256) {
		return out, errStagedChanged
	}
	if err != nil {
		return out, err
	}
	if out.Result, err = s.importRows(c, rows, true); err != nil {
		return out, err
	}
	return out, nil
}
