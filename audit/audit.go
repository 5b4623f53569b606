// Package audit checks and exports the audit log's hash chain.
//
// Rows are written only by activities (one per workflow step); the database chains them and keeps
// them append-only (migrations/0002_audit_chain.up.sql). Each row carries prev_hash, the hash of the
// row before it in id order (NULL for the first row), and hash, the SHA-256 of its canonical bytes
// (version "kinerja.audit_log.v1"):
//
//	F("kinerja.audit_log.v1") || F(id) || F(at) || F(actor_nip) || F(on_behalf_of) || F(action) ||
//	F(cycle_id) || F(subject_nip) || F(before) || F(after) || F(prev_hash)
//
// where F(NULL) is the four bytes ff ff ff ff and F(x) is len(x) as a 4-byte big-endian integer
// followed by x. id and cycle_id are decimal text; at is UTC with microseconds,
// "2006-01-02T15:04:05.000000Z"; before and after are PostgreSQL's text form of the jsonb value
// (jsonb::text: keys ordered, ", " and ": " as separators, nothing else between tokens); prev_hash
// is its 32 raw bytes; text is UTF-8.
//
// Ids may skip (sequences do), so a gap is no error; what links rows is prev_hash. A deleted or
// inserted row shows as a prev_hash mismatch on the row after it, a changed row as a hash
// mismatch on that row. Deleting the newest rows leaves no trace in the chain itself: keep the head
// hash that Verify reports (the CLI prints it) somewhere the database's owner cannot write.
package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/jackc/pgx/v5"
)

// Version tags the canonical encoding; the migration's audit_log_hash uses the same tag.
const Version = "kinerja.audit_log.v1"

// TimeFormat is how a row's time enters the hash (always UTC) and the export.
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// Querier is what Verify and Export read through: *pgxpool.Pool, *pgx.Conn and pgx.Tx all are.
type Querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// Row is one audit_log row as the chain sees it. Before and After hold jsonb::text.
type Row struct {
	ID         int64
	At         time.Time
	ActorNIP   string
	OnBehalfOf *string
	Action     string
	CycleID    *int64
	SubjectNIP *string
	Before     *string
	After      *string
	PrevHash   []byte // nil for the first row
	Hash       []byte
}

// ComputeHash recomputes the hash of r from its columns and r.PrevHash, exactly as the database does.
func ComputeHash(r *Row) []byte {
	var b bytes.Buffer
	field := func(v []byte, null bool) {
		if null {
			b.Write([]byte{0xff, 0xff, 0xff, 0xff})
			return
		}
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(v)))
		b.Write(n[:])
		b.Write(v)
	}
	text := func(s string) { field([]byte(s), false) }
	optText := func(s *string) {
		if s == nil {
			field(nil, true)
		} else {
			text(*s)
		}
	}
	text(Version)
	text(fmt.Sprint(r.ID))
	text(r.At.UTC().Format(TimeFormat))
	text(r.ActorNIP)
	optText(r.OnBehalfOf)
	text(r.Action)
	if r.CycleID == nil {
		field(nil, true)
	} else {
		text(fmt.Sprint(*r.CycleID))
	}
	optText(r.SubjectNIP)
	optText(r.Before)
	optText(r.After)
	field(r.PrevHash, r.PrevHash == nil)
	sum := sha256.Sum256(b.Bytes())
	return sum[:]
}

// Problem names what is wrong with a link of the chain.
type Problem string

const (
	// HashMismatch: the row's columns no longer give its stored hash, so the row was changed.
	HashMismatch Problem = "hash_mismatch"
	// PrevHashMismatch: the row's prev_hash is not the hash of the row before it (or the first
	// row has one): a row before it was deleted, inserted or rewritten together with its hash.
	PrevHashMismatch Problem = "prev_hash_mismatch"
)

// Break is the first broken link.
type Break struct {
	ID      int64   // the row where the chain breaks
	Problem Problem //
	PrevID  int64   // the row before it in id order; 0 when it is the first row
	Want    []byte  // the recomputed hash, or the previous row's hash (nil: none expected)
	Got     []byte  // the stored hash, or the stored prev_hash
}

// Describe says in Bahasa Indonesia what is wrong.
func (b *Break) Describe() string {
	switch b.Problem {
	case HashMismatch:
		return fmt.Sprintf("baris id %d telah diubah: isinya tidak cocok dengan hash yang tersimpan (tersimpan %s, dihitung ulang %s)",
			b.ID, hexOrNull(b.Got), hexOrNull(b.Want))
	case PrevHashMismatch:
		if b.PrevID == 0 {
			return fmt.Sprintf("baris id %d adalah baris pertama yang tersisa tetapi menunjuk ke baris sebelumnya (prev_hash %s): baris-baris awal telah dihapus",
				b.ID, hexOrNull(b.Got))
		}
		return fmt.Sprintf("mata rantai sebelum baris id %d putus: prev_hash %s bukan hash baris id %d (%s); ada baris yang dihapus, disisipkan, atau ditulis ulang di antaranya",
			b.ID, hexOrNull(b.Got), b.PrevID, hexOrNull(b.Want))
	}
	return fmt.Sprintf("baris id %d: %s", b.ID, b.Problem)
}

func hexOrNull(h []byte) string {
	if h == nil {
		return "NULL"
	}
	return hex.EncodeToString(h)
}

// Report is the outcome of Verify.
type Report struct {
	Rows     int64  // rows whose links checked out, in id order
	LastID   int64  // id of the last of them (0: none)
	HeadHash []byte // hash of the last of them: record it outside the database to detect truncation
	Broken   *Break // the first broken link; nil when the chain is intact
}

// Intact reports whether every link checked out.
func (r Report) Intact() bool { return r.Broken == nil }

const selectRows = `SELECT id, at, actor_nip, on_behalf_of, action, cycle_id, subject_nip,
	before::text, after::text, prev_hash, hash FROM audit_log`

// Verify walks the whole chain in id order, streaming, in one snapshot, recomputing every hash. It
// stops at the first broken link. The error is for failing to read, never for a broken chain.
func Verify(ctx context.Context, db Querier) (Report, error) {
	var rep Report
	rows, err := db.Query(ctx, selectRows+` ORDER BY id`)
	if err != nil {
		return rep, fmt.Errorf("audit: read chain: %w", err)
	}
	defer rows.Close()
	var r Row
	for rows.Next() {
		if err := scan(rows, &r); err != nil {
			return rep, err
		}
		if !bytes.Equal(r.PrevHash, rep.HeadHash) || (r.PrevHash == nil) != (rep.HeadHash == nil) {
			rep.Broken = &Break{ID: r.ID, Problem: PrevHashMismatch, PrevID: rep.LastID, Want: rep.HeadHash, Got: r.PrevHash}
			return rep, nil
		}
		if want := ComputeHash(&r); !bytes.Equal(want, r.Hash) {
			rep.Broken = &Break{ID: r.ID, Problem: HashMismatch, PrevID: rep.LastID, Want: want, Got: r.Hash}
			return rep, nil
		}
		rep.Rows++
		rep.LastID = r.ID
		rep.HeadHash = r.Hash
	}
	if err := rows.Err(); err != nil {
		return rep, fmt.Errorf("audit: read chain: %w", err)
	}
	return rep, nil
}

func scan(rows pgx.Rows, r *Row) error {
	*r = Row{}
	err := rows.Scan(&r.ID, &r.At, &r.ActorNIP, &r.OnBehalfOf, &r.Action, &r.CycleID, &r.SubjectNIP,
		&r.Before, &r.After, &r.PrevHash, &r.Hash)
	if err != nil {
		return fmt.Errorf("audit: read row: %w", err)
	}
	return nil
}

// Line is one line of an export. Hashes are hex; at is the exact string that was hashed. before
// and after are the jsonb values written compactly, and left out when SQL NULL (a JSON null value is
// written as null): putting a space after every ',' and ':' that separates JSON tokens gives back
// the jsonb::text that was hashed.
type Line struct {
	ID         int64           `json:"id"`
	At         string          `json:"at"`
	ActorNIP   string          `json:"actor_nip"`
	OnBehalfOf *string         `json:"on_behalf_of"`
	Action     string          `json:"action"`
	CycleID    *int64          `json:"cycle_id"`
	SubjectNIP *string         `json:"subject_nip"`
	Before     json.RawMessage `json:"before,omitempty"`
	After      json.RawMessage `json:"after,omitempty"`
	PrevHash   *string         `json:"prev_hash"`
	Hash       string          `json:"hash"`
}

// Export writes the rows with from <= at < to as JSON Lines, in id order, streaming. Output is
// buffered (32 KiB) and not flushed on error, so a query that fails at once leaves w untouched and
// a caller can still answer with an error.
func Export(ctx context.Context, db Querier, w io.Writer, from, to time.Time) error {
	rows, err := db.Query(ctx, selectRows+` WHERE at >= $1 AND at < $2 ORDER BY id`, from, to)
	if err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	defer rows.Close()
	bw := bufio.NewWriterSize(w, 32<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	var r Row
	for rows.Next() {
		if err := scan(rows, &r); err != nil {
			return err
		}
		l := Line{ID: r.ID, At: r.At.UTC().Format(TimeFormat), ActorNIP: r.ActorNIP, OnBehalfOf: r.OnBehalfOf,
			Action: r.Action, CycleID: r.CycleID, SubjectNIP: r.SubjectNIP,
			Before: raw(r.Before), After: raw(r.After), Hash: hex.EncodeToString(r.Hash)}
		if r.PrevHash != nil {
			h := hex.EncodeToString(r.PrevHash)
			l.PrevHash = &h
		}
		if err := enc.Encode(&l); err != nil {
			return fmt.Errorf("audit: export row %d: %w", r.ID, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("audit: export: %w", err)
	}
	return bw.Flush()
}

func raw(s *string) json.RawMessage {
	if s == nil {
		return nil
	}
	return json.RawMessage(*s)
}
