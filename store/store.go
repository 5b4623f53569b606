// Package store reads and writes the records the API serves: organisation data, cycles,
// enrolments, the inbox and each employee's year as the workflow projected it.
// The workflow's own writes live in activities/.
package store

import (
	"context"
	"errors"
	"strconv"

	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNotFound is returned when the row asked for does not exist.
var ErrNotFound = errors.New("tidak ditemukan")

// Store wraps the pool; each file holds one table group's SQL.
type Store struct {
	Pool *pgxpool.Pool
}

// RowError names the row and field of an import that is wrong, in Bahasa Indonesia.
type RowError struct {
	Sheet   string `json:"sheet"` // units, positions or employees
	Row     int    `json:"row"`   // 1-based
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e RowError) Error() string {
	return e.Sheet + " baris " + strconv.Itoa(e.Row) + ", " + e.Field + ": " + e.Message
}

// ImportError holds every row error of an import; nothing was saved.
type ImportError struct {
	Rows []RowError
	// Forbidden: the rows are well formed but the importer may not make these changes (403).
	Forbidden bool
}

func (e *ImportError) Error() string {
	msg := "impor ditolak"
	if len(e.Rows) > 0 {
		msg += ": " + e.Rows[0].Error()
	}
	return msg
}

// Open connects a pool for the platform's short queries, of pgx's default size (the URL's
// pool_max_conns, else 4 or the number of CPUs). PostgreSQL's JIT compiler is off: the
// recursive unit-tree queries are estimated high enough to trigger it, and compiling took 0.4 s
// of a 0.44 s progress read that runs in 5 ms without it (BenchmarkReadsAtRegionScale).
func Open(ctx context.Context, url string) (*pgxpool.Pool, error) {
	return OpenSized(ctx, url, 0)
}

// OpenSized is Open with at most maxConns connections (0: the default).
func OpenSized(ctx context.Context, url string, maxConns int) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, err
	}
	cfg.ConnConfig.RuntimeParams["jit"] = "off"
	if maxConns > 0 {
		cfg.MaxConns = int32(maxConns)
	}
	return pgxpool.NewWithConfig(ctx, cfg)
}
