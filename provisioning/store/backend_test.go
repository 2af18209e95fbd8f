package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/provbox/provbox/provisioning/store/pgtest"
)

// pg is the PostgreSQL cluster of the second run of the suite; nil while
// the suite runs on SQLite.
var pg *pgtest.Cluster

// TestMain runs the whole suite twice: on SQLite, then on PostgreSQL in a
// throw-away cluster (tests specific to one engine skip on the other).
// Without the PostgreSQL binaries the second run is skipped, saying so.
func TestMain(m *testing.M) {
	fmt.Println("=== store suite on back-end sqlite")
	code := m.Run()
	if code != 0 {
		os.Exit(code)
	}
	c, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		fmt.Printf("=== SKIP store suite on back-end postgres: %v\n", err)
		os.Exit(code)
	}
	if err != nil {
		fmt.Printf("=== FAIL store suite on back-end postgres: %v\n", err)
		os.Exit(1)
	}
	pg = c
	fmt.Println("=== store suite on back-end postgres")
	code = m.Run()
	c.Stop()
	os.Exit(code)
}

// sqliteOnly skips a test about the SQLite file (modes, pragmas, WAL).
func sqliteOnly(t testing.TB) {
	t.Helper()
	if pg != nil {
		t.Skip("SQLite-specific; the PostgreSQL run skips it")
	}
}

// NewTestLocation returns where a fresh, empty test database lives on the
// back-end under test: a temp dir (SQLite) or the DSN of a new database.
func NewTestLocation(t testing.TB) string {
	t.Helper()
	if pg == nil {
		return t.TempDir()
	}
	dsn, err := pg.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	return dsn
}

// OpenTestLocation opens the database at loc on the back-end under test.
func OpenTestLocation(ctx context.Context, loc string) (*Store, error) {
	if pg == nil {
		return Open(ctx, loc)
	}
	return OpenPostgres(ctx, loc)
}

// PGCluster is the PostgreSQL cluster under test, nil on SQLite.
func PGCluster() *pgtest.Cluster { return pg }
