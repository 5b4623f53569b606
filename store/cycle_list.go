package store

import (
	"context"

	"github.com/jackc/pgx/v5"
)

// Cycles lists every cycle, newest first, for HR's list of cycles.
func (s *Store) Cycles(ctx context.Context) ([]Cycle, error) {
	rows, err := s.Pool.Query(ctx, `SELECT id FROM cycles ORDER BY year DESC, id DESC LIMIT 500`)
	if err != nil {
		return nil, err
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	out := make([]Cycle, 0, len(ids))
	for _, id := range ids {
		c, err := s.Cycle(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}
