package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
)

// EvidenceFile is one uploaded bukti dukung of an employee's year; its bytes are kept by the API
// under its evidence directory, named by ID.
type EvidenceFile struct {
	ID          string    `json:"id"`
	CycleID     int64     `json:"cycle_id"`
	NIP         string    `json:"nip"`
	FileName    string    `json:"file_name"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size_bytes"`
	SHA256      string    `json:"sha256"`
	UploadedBy  string    `json:"uploaded_by"`
	UploadedAt  time.Time `json:"uploaded_at"`
}

// AddEvidence records an uploaded file (after its bytes are safely written).
func (s *Store) AddEvidence(ctx context.Context, f EvidenceFile) error {
	_, err := s.Pool.Exec(ctx, `INSERT INTO evidence_files (id, cycle_id, nip, file_name, content_type, size_bytes, sha256,
		uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		f.ID, f.CycleID, f.NIP, f.FileName, f.ContentType, f.Size, f.SHA256, f.UploadedBy, f.UploadedAt)
	return err
}

// Evidence reads one file of one year; ErrNotFound when the year holds no such file.
func (s *Store) Evidence(ctx context.Context, cycleID int64, nip, id string) (EvidenceFile, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id, cycle_id, nip, file_name, content_type, size_bytes, sha256, uploaded_by,
		uploaded_at FROM evidence_files WHERE id = $1 AND cycle_id = $2 AND nip = $3`, id, cycleID, nip)
	if err != nil {
		return EvidenceFile{}, err
	}
	f, err := pgx.CollectExactlyOneRow(rows, pgx.RowToStructByPos[EvidenceFile])
	if errors.Is(err, pgx.ErrNoRows) {
		return f, fmt.Errorf("berkas bukti dukung %s: %w", id, ErrNotFound)
	}
	return f, err
}
