package testenv_test

import (
	"context"
	"testing"
	"time"

	"go.temporal.io/api/workflowservice/v1"

	"github.com/kinerja/platform/internal/testenv"
)

func TestMain(m *testing.M) { testenv.Main(m) }

func TestDB(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db := testenv.DB(t)

	var migrated bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM schema_migrations)`).Scan(&migrated); err != nil || !migrated {
		t.Fatalf("migrations not applied: %v %v", migrated, err)
	}
	if _, err := db.Exec(ctx, `CREATE TABLE probe (id int PRIMARY KEY, note text NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `INSERT INTO probe VALUES (1, 'halo')`); err != nil {
		t.Fatal(err)
	}
	var note string
	if err := db.QueryRow(ctx, `SELECT note FROM probe WHERE id = 1`).Scan(&note); err != nil || note != "halo" {
		t.Fatalf("select: %q %v", note, err)
	}
}

func TestDBIsFreshPerCall(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	a, b := testenv.DB(t), testenv.DB(t)
	var na, nb string
	if err := a.QueryRow(ctx, `SELECT current_database()`).Scan(&na); err != nil {
		t.Fatal(err)
	}
	if err := b.QueryRow(ctx, `SELECT current_database()`).Scan(&nb); err != nil {
		t.Fatal(err)
	}
	if na == nb {
		t.Fatalf("both calls returned database %s", na)
	}
}

func TestTemporal(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c := testenv.TemporalClient(t)
	if _, err := c.CheckHealth(ctx, nil); err != nil {
		t.Fatalf("check health: %v", err)
	}
	ns, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: testenv.Namespace})
	if err != nil {
		t.Fatalf("describe namespace: %v", err)
	}
	if got := ns.GetNamespaceInfo().GetName(); got != testenv.Namespace {
		t.Fatalf("namespace = %q", got)
	}
	if testenv.Temporal(t) != testenv.Temporal(t) {
		t.Fatal("Temporal must return the shared server")
	}
}
