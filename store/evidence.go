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

// evidenceLinked says a report of the file's own year links it: a realisasi row (any period) or
// an activity log entry whose evidence_url is the file's link (…/bukti/<id>).
const evidenceLinked = `EXISTS (SELECT 1 FROM evaluation_items i WHERE i.cycle_id = f.cycle_id AND i.nip = f.nip AND i.evidence_url LIKE '%/bukti/' || f.id)
	OR EXISTS (SELECT 1 FROM activity_logs a WHERE a.cycle_id = f.cycle_id AND a.nip = f.nip AND a.evidence_url LIKE '%/bukti/' || f.id)`

// DeleteUnlinkedEvidence forgets the files uploaded before `before` that no report links (an
// upload whose report was refused and never sent again) and answers their ids, whose bytes the
// caller removes.
func (s *Store) DeleteUnlinkedEvidence(ctx context.Context, before time.Time) ([]string, error) {
	rows, err := s.Pool.Query(ctx, `DELETE FROM evidence_files f WHERE f.uploaded_at < $1 AND NOT (`+evidenceLinked+`) RETURNING f.id`, before)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// KnownEvidence answers which of ids are recorded files.
func (s *Store) KnownEvidence(ctx context.Context, ids []string) (map[string]bool, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id FROM evidence_files WHERE id = ANY($1)`, ids)
	if err != nil {
		return nil, err
	}
	known, err := pgx.CollectRows(rows, pgx.RowTo[string])
	out := make(map[string]bool, len(known))
	for _, id := range known {
		out[id] = true
	}
	return out, err
}
