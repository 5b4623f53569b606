package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/term"

	"github.com/kinerja/platform/audit"
	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/migrations"
	"github.com/kinerja/platform/store"
)

const createAdminUsage = `usage: kinerja create-admin -nip NIP -name NAME -email EMAIL -unit-id ID -unit-name NAME [-status PNS]

Creates the first HR admin in DATABASE_URL (migrating it first): the unit (created, or renamed),
the position "pengelola-kinerja" if the employee needs it, the employee as region-wide HR and admin
(is_hr and is_admin, no HR scope; an existing employee keeps their other data), and a password account. The password comes
from KINERJA_ADMIN_PASSWORD or, when that is empty, from the first line of stdin; at least 12
characters. Running it again for the same NIP sets a new password and clears any lockout.

flags:
`

// adminPosition is the post given to an admin created without one.
const adminPosition = "pengelola-kinerja"

var nipPattern = regexp.MustCompile(`^[0-9]{18}$`)

type adminSpec struct {
	NIP, Name, Email, Status, UnitID, UnitName string
}

// createAdmin runs `kinerja create-admin`.
func createAdmin(ctx context.Context, args []string) error {
	return createAdminWith(ctx, args, os.Stdin, os.Stdout)
}

func createAdminWith(ctx context.Context, args []string, stdin io.Reader, out io.Writer) error {
	fs := flag.NewFlagSet("create-admin", flag.ContinueOnError)
	var a adminSpec
	fs.StringVar(&a.NIP, "nip", "", "NIP, 18 digits")
	fs.StringVar(&a.Name, "name", "", "full name")
	fs.StringVar(&a.Email, "email", "", "email address (password reset links go there)")
	fs.StringVar(&a.Status, "status", "PNS", "PNS, PPPK or CPNS (only for a new employee)")
	fs.StringVar(&a.UnitID, "unit-id", "", "id of the unit (created if missing)")
	fs.StringVar(&a.UnitName, "unit-name", "", "name of the unit")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), createAdminUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return nil
	} else if err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return fmt.Errorf("create-admin: unexpected arguments %v", fs.Args())
	}
	if err := a.validate(); err != nil {
		fs.Usage()
		return err
	}
	dbURL := os.Getenv("DATABASE_URL")
	if dbURL == "" {
		return errors.New("DATABASE_URL is not set")
	}
	pw, err := adminPassword(stdin, out)
	if err != nil {
		return err
	}
	// Hash before touching the database: a refused password leaves nothing half done.
	phc, err := auth.HashPassword(pw)
	if err != nil {
		return fmt.Errorf("create-admin: %w", err)
	}
	pool, err := store.Open(ctx, dbURL)
	if err != nil {
		return fmt.Errorf("create-admin: database: %w", err)
	}
	defer pool.Close()
	if err := migrations.Apply(ctx, pool); err != nil {
		return err
	}
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error { return a.save(ctx, tx, phc, out) })
}

func (a *adminSpec) validate() error {
	a.Name, a.Email, a.UnitID, a.UnitName = strings.TrimSpace(a.Name), strings.TrimSpace(a.Email), strings.TrimSpace(a.UnitID), strings.TrimSpace(a.UnitName)
	var missing []string
	for _, f := range []struct{ flag, v string }{{"-nip", a.NIP}, {"-name", a.Name}, {"-email", a.Email}, {"-unit-id", a.UnitID}, {"-unit-name", a.UnitName}} {
		if f.v == "" {
			missing = append(missing, f.flag)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("create-admin: missing %s", strings.Join(missing, ", "))
	}
	if !nipPattern.MatchString(a.NIP) {
		return fmt.Errorf("create-admin: -nip must be 18 digits")
	}
	if addr, err := mail.ParseAddress(a.Email); err != nil || addr.Address != a.Email {
		return fmt.Errorf("create-admin: -email %q is not an email address", a.Email)
	}
	switch a.Status {
	case "PNS", "PPPK", "CPNS":
	default:
		return fmt.Errorf("create-admin: -status must be PNS, PPPK or CPNS")
	}
	return nil
}

// adminPassword reads KINERJA_ADMIN_PASSWORD, else one line of stdin (without echo on a terminal).
func adminPassword(stdin io.Reader, out io.Writer) (string, error) {
	if pw := os.Getenv("KINERJA_ADMIN_PASSWORD"); pw != "" {
		return pw, nil
	}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(out, "Password for the admin (at least 12 characters): ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(out)
		if err != nil {
			return "", fmt.Errorf("create-admin: read password: %w", err)
		}
		return string(b), nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", errors.New("create-admin: no password: set KINERJA_ADMIN_PASSWORD or write it on stdin")
	}
	return strings.TrimRight(line, "\r\n"), nil
}

func (a adminSpec) save(ctx context.Context, tx pgx.Tx, phc string, out io.Writer) error {
	var created bool
	if err := tx.QueryRow(ctx, `INSERT INTO org_units (id, name) VALUES ($1, $2)
		ON CONFLICT (id) DO UPDATE SET name = $2 RETURNING xmax = 0`, a.UnitID, a.UnitName).Scan(&created); err != nil {
		return fmt.Errorf("create-admin: unit: %w", err)
	}
	fmt.Fprintf(out, "unit %s (%s): %s\n", a.UnitID, a.UnitName, map[bool]string{true: "created", false: "exists, name set"}[created])

	var already bool // region-wide HR and admin
	employee := "unchanged"
	err := tx.QueryRow(ctx, `SELECT is_hr AND is_admin AND hr_scope_unit_id IS NULL FROM employees WHERE nip = $1`, a.NIP).Scan(&already)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		tag, err := tx.Exec(ctx, `INSERT INTO positions (id, name, jenis_jabatan, kelas_jabatan, tpp_basic)
			VALUES ($1, 'Pengelola Kinerja', 'pelaksana', 7, 0) ON CONFLICT (id) DO NOTHING`, adminPosition)
		if err != nil {
			return fmt.Errorf("create-admin: position: %w", err)
		}
		if tag.RowsAffected() == 1 {
			fmt.Fprintf(out, "position %s: created\n", adminPosition)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO employees (nip, name, email, status, unit_id, position_id, is_hr, is_admin)
			VALUES ($1, $2, $3, $4, $5, $6, true, true)`, a.NIP, a.Name, a.Email, a.Status, a.UnitID, adminPosition); err != nil {
			return fmt.Errorf("create-admin: employee: %w", err)
		}
		employee = "created"
		fmt.Fprintf(out, "employee %s (%s): created as HR (region-wide) and admin in unit %s, position %s\n", a.NIP, a.Name, a.UnitID, adminPosition)
	case err != nil:
		return fmt.Errorf("create-admin: employee: %w", err)
	case !already:
		if _, err := tx.Exec(ctx, `UPDATE employees SET is_hr = true, is_admin = true, hr_scope_unit_id = NULL WHERE nip = $1`, a.NIP); err != nil {
			return fmt.Errorf("create-admin: employee: %w", err)
		}
		employee = "promoted"
		fmt.Fprintf(out, "employee %s: exists, now HR (region-wide) and admin (name, email, unit and position left as they were)\n", a.NIP)
	default:
		fmt.Fprintf(out, "employee %s: exists, already HR (region-wide) and admin (left as it was)\n", a.NIP)
	}

	created, err = auth.UpsertAccount(ctx, tx, a.NIP, phc, time.Now())
	if err != nil {
		return fmt.Errorf("create-admin: %w", err)
	}
	account := "password_replaced"
	if created {
		account = "created"
		fmt.Fprintf(out, "account %s: created; log in with POST /api/auth/login\n", a.NIP)
	} else {
		fmt.Fprintf(out, "account %s: exists, password replaced and lockout cleared\n", a.NIP)
	}
	// Whoever runs this on the server's machine is not an employee: the actor names the tool.
	return audit.Append(ctx, tx, audit.Entry{Actor: audit.ActorCLI, Action: "admin.created", Subject: a.NIP,
		After: map[string]any{"is_hr": true, "hr_scope_unit_id": "", "is_admin": true, "employee": employee, "account": account}})
}
