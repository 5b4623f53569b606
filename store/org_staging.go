package store

import (
	"context"
	"crypto/sha256"
	"errors"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// StagedOrgFile is an organisation file checked on the import page and kept until it is applied
// (api/org_file_staging.go), in PostgreSQL so that any API instance can apply it. Its content is
// kept in chunks (org_file_staged_chunks) so neither side holds a whole 50 MiB file.
type StagedOrgFile struct {
	TokenHash []byte // SHA-256 of the page's token
	NIP       string // who checked it
	FileName  string
	SHA256    []byte // of the content stored
	Size      int64
	CheckedAt time.Time
}

// stagedChunk is the size of one stored piece of a staged file.
const stagedChunk = 1 << 20

// StageOrgFile stores f with the content r, in one transaction: a file is kept whole or not at
// all. It returns f with the SHA-256 and size of what was stored.
func (s *Store) StageOrgFile(ctx context.Context, f StagedOrgFile, r io.Reader) (StagedOrgFile, error) {
	err := pgx.BeginFunc(ctx, s.Pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `INSERT INTO org_file_staged (token_hash, nip, file_name, sha256, size, checked_at)
			VALUES ($1, $2, $3, '', 0, $4)`, f.TokenHash, f.NIP, f.FileName, f.CheckedAt); err != nil {
			return err
		}
		h := sha256.New()
		buf := make([]byte, stagedChunk)
		f.Size = 0
		for seq := 0; ; seq++ {
			n, err := io.ReadFull(r, buf)
			if n > 0 {
				h.Write(buf[:n])
				f.Size += int64(n)
				if _, err := tx.Exec(ctx, `INSERT INTO org_file_staged_chunks (token_hash, seq, data) VALUES ($1, $2, $3)`,
					f.TokenHash, seq, buf[:n]); err != nil {
					return err
				}
			}
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				break
			}
			if err != nil {
				return err
			}
		}
		f.SHA256 = h.Sum(nil)
		_, err := tx.Exec(ctx, `UPDATE org_file_staged SET sha256 = $2, size = $3 WHERE token_hash = $1`, f.TokenHash, f.SHA256, f.Size)
		return err
	})
	return f, err
}

// ClaimStagedOrgFile takes the staged file of tokenHash for one apply: a second claim of it finds
// nothing (ErrNotFound), so two applies of one check cannot both run. The caller reads it with
// StagedOrgFileContent and drops it with DropStagedOrgFile whatever the outcome.
func (s *Store) ClaimStagedOrgFile(ctx context.Context, tokenHash []byte) (StagedOrgFile, error) {
	f := StagedOrgFile{TokenHash: tokenHash}
	err := s.Pool.QueryRow(ctx, `UPDATE org_file_staged SET claimed_at = now() WHERE token_hash = $1 AND claimed_at IS NULL
		RETURNING nip, file_name, sha256, size, checked_at`, tokenHash).Scan(&f.NIP, &f.FileName, &f.SHA256, &f.Size, &f.CheckedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return f, ErrNotFound
	}
	return f, err
}

// StagedOrgFileContent reads a staged file's content one chunk at a time.
func (s *Store) StagedOrgFileContent(ctx context.Context, tokenHash []byte) io.Reader {
	return &stagedReader{ctx: ctx, s: s, tokenHash: tokenHash}
}

type stagedReader struct {
	ctx       context.Context
	s         *Store
	tokenHash []byte
	seq       int
	chunk     []byte
	done      bool
}

func (r *stagedReader) Read(p []byte) (int, error) {
	for len(r.chunk) == 0 {
		if r.done {
			return 0, io.EOF
		}
		err := r.s.Pool.QueryRow(r.ctx, `SELECT data FROM org_file_staged_chunks WHERE token_hash = $1 AND seq = $2`,
			r.tokenHash, r.seq).Scan(&r.chunk)
		if errors.Is(err, pgx.ErrNoRows) {
			r.done = true
			continue
		}
		if err != nil {
			return 0, err
		}
		r.seq++
	}
	n := copy(p, r.chunk)
	r.chunk = r.chunk[n:]
	return n, nil
}

// DropStagedOrgFile removes a staged file and its content.
func (s *Store) DropStagedOrgFile(ctx context.Context, tokenHash []byte) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM org_file_staged WHERE token_hash = $1`, tokenHash)
	return err
}

// SweepStagedOrgFiles removes files checked before cutoff that nobody applied (or whose apply
// stopped half way), with their content.
func (s *Store) SweepStagedOrgFiles(ctx context.Context, cutoff time.Time) error {
	_, err := s.Pool.Exec(ctx, `DELETE FROM org_file_staged WHERE checked_at < $1`, cutoff)
	return err
}
