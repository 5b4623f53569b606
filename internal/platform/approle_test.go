package platform_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kinerja/platform/internal/platform"
	"github.com/kinerja/platform/internal/testenv"
)

// TestRunsAsTheApplicationRole runs the platform connected as a member of kinerja_app, with
// migrations applied by the owner: the grants suffice for a year's steps, and that role can
// rewrite neither the audit log nor the ledger.
func TestRunsAsTheApplicationRole(t *testing.T) {
	ctx := context.Background()
	ownerURL := testenv.DBURL(t)
	admin, err := pgx.Connect(ctx, ownerURL)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close(ctx)
	role := fmt.Sprintf("kinerja_app_test_%d", time.Now().UnixNano()%1_000_000_000)
	if _, err := admin.Exec(ctx, "CREATE ROLE "+role+" LOGIN IN ROLE kinerja_app"); err != nil {
		t.Fatalf("create login role: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(context.Background(), testenv.AdminURL())
		if err != nil {
			t.Error(err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(context.Background(), "DROP ROLE IF EXISTS "+role); err != nil {
			t.Errorf("drop role: %v", err)
		}
	})
	u, _ := url.Parse(ownerURL)
	u.User = url.User(role)
	appURL := u.String()

	p := startPlatform(t, platform.Config{DatabaseURL: appURL, MigrationURL: ownerURL, DevAuth: true})
	e := &e2e{t: t, base: "http://" + p.Addr, pool: p.Pool, p: p}
	var user string
	if err := p.Pool.QueryRow(ctx, `SELECT current_user`).Scan(&user); err != nil || user != role {
		t.Fatalf("platform connected as %q (%v), want %q", user, err, role)
	}

	cycle := e.planSubmitted()
	if n := e.count(`SELECT count(*) FROM audit_log WHERE action = 'plan.submitted'`); n != 1 {
		t.Fatalf("%d audit rows for the submission", n)
	}
	// payroll_postings is history only since migration 0027: no role adds to it.
	if _, err := p.Pool.Exec(ctx, `INSERT INTO payroll_postings (nip, cycle_id, period, kind, amount, basis) VALUES ($1, $2, '2026', 'test', 1, '{}')`,
		nipEmployee, cycle); err == nil || !strings.Contains(err.Error(), "history only") {
		t.Fatalf("the application role added to payroll_postings: %v", err)
	}
	// A posting from before 0027 (history) is as immutable as ever: the owner writes one the
	// old way, for the statements below to have a row to refuse.
	if _, err := admin.Exec(ctx, `ALTER TABLE payroll_postings DISABLE TRIGGER payroll_postings_no_insert;
		INSERT INTO payroll_postings (nip, cycle_id, period, kind, amount, basis) VALUES ('`+nipEmployee+`', `+fmt.Sprint(cycle)+`, '2025', 'tpp_kinerja_tahunan', 1, '{}');
		ALTER TABLE payroll_postings ENABLE TRIGGER payroll_postings_no_insert`); err != nil {
		t.Fatal(err)
	}

	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'diubah'`, `DELETE FROM audit_log`, `TRUNCATE audit_log`,
		`UPDATE payroll_postings SET amount = amount * 2`, `DELETE FROM payroll_postings`, `TRUNCATE payroll_postings`,
	} {
		_, err := p.Pool.Exec(ctx, stmt)
		if err == nil || !strings.Contains(err.Error(), "denied") && !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as the application role: %v", stmt, err)
		}
		// Not even the owner: the triggers hold for every role.
		if _, err := admin.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s as the owner: %v", stmt, err)
		}
	}
}
