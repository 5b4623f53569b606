package main

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kinerja/platform/auth"
	"github.com/kinerja/platform/internal/testenv"
)

func TestCreateAdmin(t *testing.T) {
	ctx := context.Background()
	url := testenv.DBURL(t)
	t.Setenv("DATABASE_URL", url)
	t.Setenv("KINERJA_ADMIN_PASSWORD", "")
	args := []string{"-nip", "198501012010012001", "-name", "Rina Wulandari", "-email", "rina@bkpsdm.contoh.go.id",
		"-unit-id", "bkpsdm", "-unit-name", "BKPSDM"}

	var out bytes.Buffer
	// From stdin, as a pipe would give it.
	if err := createAdminWith(ctx, args, strings.NewReader("kata sandi admin pertama\n"), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"unit bkpsdm (BKPSDM): created", "position pengelola-kinerja: created",
		"employee 198501012010012001 (Rina Wulandari): created as HR", "account 198501012010012001: created"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	pool, err := pgxpool.New(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	svc := &auth.Service{Pool: pool}
	if _, err := svc.Login(ctx, "198501012010012001", "kata sandi admin pertama"); err != nil {
		t.Fatalf("login as the new admin: %v", err)
	}
	var isHR, isAdmin, regionWide bool
	if err := pool.QueryRow(ctx, `SELECT is_hr, is_admin, hr_scope_unit_id IS NULL FROM employees WHERE nip = '198501012010012001'`).
		Scan(&isHR, &isAdmin, &regionWide); err != nil || !isHR || !isAdmin || !regionWide {
		t.Errorf("is_hr %v, is_admin %v, region-wide %v, %v", isHR, isAdmin, regionWide, err)
	}

	// Again, from the environment: the unit is renamed, the password replaced.
	t.Setenv("KINERJA_ADMIN_PASSWORD", "kata sandi admin kedua")
	out.Reset()
	args[len(args)-1] = "Badan Kepegawaian"
	if err := createAdminWith(ctx, args, strings.NewReader(""), &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"exists, name set", "already HR", "password replaced"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("second run lacks %q:\n%s", want, out.String())
		}
	}
	if _, err := svc.Login(ctx, "198501012010012001", "kata sandi admin pertama"); !errors.Is(err, auth.ErrInvalidCredentials) {
		t.Errorf("old password: %v", err)
	}
	if _, err := svc.Login(ctx, "198501012010012001", "kata sandi admin kedua"); err != nil {
		t.Errorf("new password: %v", err)
	}
	// Both runs are in the audit log, under the tool's name.
	rows, err := pool.Query(ctx, `SELECT after->>'employee' || '/' || (after->>'account') FROM audit_log
		WHERE action = 'admin.created' AND actor_nip = 'kinerja create-admin' AND subject_nip = '198501012010012001' ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	got, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || strings.Join(got, " ") != "created/created unchanged/password_replaced" {
		t.Errorf("audit rows of create-admin: %v, %v", got, err)
	}

	// Refusals leave nothing behind.
	t.Setenv("KINERJA_ADMIN_PASSWORD", "pendek")
	other := []string{"-nip", "199001012015011002", "-name", "Andi", "-email", "andi@contoh.go.id", "-unit-id", "x", "-unit-name", "X"}
	if err := createAdminWith(ctx, other, strings.NewReader(""), &out); err == nil || !strings.Contains(err.Error(), "minimal 12 karakter") {
		t.Errorf("short password: %v", err)
	}
	t.Setenv("KINERJA_ADMIN_PASSWORD", "")
	if err := createAdminWith(ctx, other, strings.NewReader(""), &out); err == nil {
		t.Error("no password accepted")
	}
	if err := createAdminWith(ctx, []string{"-nip", "123"}, strings.NewReader(""), &out); err == nil {
		t.Error("bad flags accepted")
	}
	var n int
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM employees`).Scan(&n); err != nil || n != 1 {
		t.Errorf("%d employees, %v", n, err)
	}
}
