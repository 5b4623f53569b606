package api

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"log/slog"
	"mime/multipart"
	"os"
	"path/filepath"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/kinerja/platform/internal/hrinput"
)

// The import page checks a file first and applies it after HR has read the dry run, without a
// second upload: a file whose dry run found no problem is kept under Server.ImportDir, named by
// the hash of a random token the page carries, beside a note of who checked it, when, and the
// file's SHA-256. Applying reads that file again, refuses it if its hash changed, if it is older
// than stagedFor or if someone else checked it, and removes it whatever the outcome.

// stagedFor is how long a checked file waits to be applied.
const stagedFor = time.Hour

// stagedNote is what is kept beside a checked file.
type stagedNote struct {
	NIP       string    `json:"nip"`
	FileName  string    `json:"file_name"`
	SHA256    string    `json:"sha256"`
	Size      int64     `json:"size"`
	CheckedAt time.Time `json:"checked_at"`
}

var errStagedGone = fieldError("token", "berkas yang diperiksa tidak ditemukan atau sudah kedaluwarsa (lebih dari 1 jam); unggah dan periksa ulang")

func (s *Server) importDir() string {
	if s.ImportDir != "" {
		return s.ImportDir
	}
	return filepath.Join(os.TempDir(), "kinerja-impor")
}

// stagedPath is where the file of a token is kept: named by the token's hash, so the directory
// does not hold what applies it.
func (s *Server) stagedPath(token string) string {
	sum := sha256.Sum256([]byte(token))
	return filepath.Join(s.importDir(), hex.EncodeToString(sum[:]))
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
	s.sweepStaged()
	var raw [16]byte
	_, _ = rand.Read(raw[:])
	token := hex.EncodeToString(raw[:])
	path := s.stagedPath(token)
	if err := os.MkdirAll(s.importDir(), 0o700); err != nil {
		return out, err
	}
	src, err := fh.Open()
	if err != nil {
		return out, uploadError(err)
	}
	defer src.Close()
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return out, err
	}
	keep := false
	defer func() {
		if !keep {
			_ = os.Remove(path)
		}
	}()
	h := sha256.New()
	size, err := io.Copy(io.MultiWriter(dst, h), src)
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return out, uploadError(err)
	}
	f, err := os.Open(path)
	if err != nil {
		return out, err
	}
	defer f.Close()
	// The same reading and dry run as POST /api/org/import/file.
	rows, err := readOrgUpload(fh.Filename, f)
	if err != nil {
		return out, err
	}
	if out.Result, err = s.importRows(c, rows, false); err != nil {
		return out, err
	}
	if out.Result.ErrorCount > 0 {
		return out, nil // nothing to apply: the file is removed
	}
	note, _ := json.Marshal(stagedNote{NIP: caller(c).NIP, FileName: fh.Filename, SHA256: hex.EncodeToString(h.Sum(nil)),
		Size: size, CheckedAt: s.now()})
	if err := os.WriteFile(path+".json", note, 0o600); err != nil {
		return out, err
	}
	keep, out.Token = true, token
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
	path := s.stagedPath(token)
	// Claiming the note by renaming it lets one apply at a time have the file.
	claimed := path + ".claimed"
	if err := os.Rename(path+".json", claimed); err != nil {
		return out, errStagedGone
	}
	defer func() { _ = os.Remove(claimed); _ = os.Remove(path) }()
	raw, err := os.ReadFile(claimed)
	if err != nil {
		return out, errStagedGone
	}
	var note stagedNote
	if err := json.Unmarshal(raw, &note); err != nil || note.NIP != caller(c).NIP || s.now().Sub(note.CheckedAt) > stagedFor {
		return out, errStagedGone
	}
	out.FileName = note.FileName
	f, err := os.Open(path)
	if err != nil {
		return out, errStagedGone
	}
	defer f.Close()
	h := sha256.New()
	rows, err := readOrgUpload(note.FileName, io.TeeReader(f, h))
	if err != nil {
		return out, err
	}
	if hex.EncodeToString(h.Sum(nil)) != note.SHA256 {
		return out, fieldError("token", "berkas yang diperiksa telah berubah sejak diperiksa; tidak ada yang disimpan, unggah dan periksa ulang")
	}
	if out.Result, err = s.importRows(c, rows, true); err != nil {
		return out, err
	}
	return out, nil
}

// sweepStaged removes checked files older than stagedFor that nobody applied.
func (s *Server) sweepStaged() {
	old := time.Now().Add(-stagedFor)
	err := filepath.WalkDir(s.importDir(), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil && info.ModTime().Before(old) {
			_ = os.Remove(path)
		}
		return nil
	})
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		slog.Error("sweep checked import files", "error", err)
	}
}
