package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/audit"
)

const auditUsage = `usage: kinerja audit verify

Checks the hash chain of the audit log in DATABASE_URL, row by row in id order, and reports the
first broken link. Exits with status 1 when the chain is broken. Keep the printed head hash
somewhere the database's owner cannot write: rows deleted from the end leave no trace otherwise.
`

// auditCmd runs `kinerja audit <subcommand>`.
func auditCmd(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprint(fs.Output(), auditUsage) }
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() != 1 || fs.Arg(0) != "verify" {
		fs.Usage()
		return fmt.Errorf("audit: expected the subcommand verify")
	}
	url := os.Getenv("DATABASE_URL")
	if url == "" {
		return fmt.Errorf("DATABASE_URL is not set")
	}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("audit: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return auditVerify(ctx, conn, os.Stdout)
}

func auditVerify(ctx context.Context, db audit.Querier, out io.Writer) error {
	rep, err := audit.Verify(ctx, db)
	if err != nil {
		return err
	}
	if !rep.Intact() {
		fmt.Fprintf(out, "rantai audit PUTUS pada baris id %d\n%s\n", rep.Broken.ID, rep.Broken.Describe())
		if rep.Rows > 0 {
			fmt.Fprintf(out, "%d baris sebelumnya utuh (sampai id %d)\n", rep.Rows, rep.LastID)
		}
		return fmt.Errorf("rantai audit putus pada baris id %d", rep.Broken.ID)
	}
	fmt.Fprintf(out, "rantai audit utuh: %d baris\n", rep.Rows)
	if rep.Rows > 0 {
		fmt.Fprintf(out, "baris terakhir: id %d, hash %s\n", rep.LastID, hex.EncodeToString(rep.HeadHash))
	}
	return nil
}
