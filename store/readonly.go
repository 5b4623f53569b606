package store

import (
	"context"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// readWithoutJIT runs fn in a read-only transaction without PostgreSQL's JIT compiler. The
// recursive unit trees make the planner overestimate rows, and a query that runs in milliseconds
// then spends over a second compiling itself (measured by BenchmarkHRPages: a unit's progress
// took 1.0 s at p50 with JIT, see README "HR's pages").
func readWithoutJIT(ctx context.Context, pool *pgxpool.Pool, fn func(pgx.Tx) error) error {
	return pgx.BeginTxFunc(ctx, pool, pgx.TxOptions{AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SET LOCAL jit = off`); err != nil {
			return err
		}
		return fn(tx)
	})
}
