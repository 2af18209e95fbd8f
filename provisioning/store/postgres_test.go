package store

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// pgOnly skips a test about the PostgreSQL back-end in the SQLite run.
func pgOnly(t testing.TB) {
	t.Helper()
	if pg == nil {
		t.Skip("PostgreSQL-specific; runs in the suite's PostgreSQL pass")
	}
}

// TestPostgresNodesMigrateOneFreshDatabase: nodes started together on an
// empty database each open it; the advisory lock makes them migrate one
// after the other, so every open succeeds and each version is applied once.
func TestPostgresNodesMigrateOneFreshDatabase(t *testing.T) {
	pgOnly(t)
	ctx := context.Background()
	dsn := NewTestLocation(t)
	const nodes = 4
	stores := make([]*Store, nodes)
	errs := make([]error, nodes)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { stores[i], errs[i] = OpenPostgres(ctx, dsn) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("node %d: %v", i, err)
		}
		defer stores[i].Close()
	}
	ms, _ := migrationsFor(dialectPostgres)
	if n := count(t, stores[0], "schema_migrations"); n != len(ms) {
		t.Errorf("schema_migrations has %d rows, want %d", n, len(ms))
	}
	if sc := stores[0].SyncCommit(); sc != "on" {
		t.Errorf("synchronous_commit %q, want the server default on", sc)
	}
	if b := stores[0].Backend(); b != "postgres" {
		t.Errorf("Backend %q", b)
	}
}

// TestPostgresNewerSchemaRefused: a database migrated by a newer provbox
// is refused, as on SQLite.
func TestPostgresNewerSchemaRefused(t *testing.T) {
	pgOnly(t)
	ctx := context.Background()
	dsn := NewTestLocation(t)
	s, err := OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.w.Exec(`INSERT INTO schema_migrations (version, name, applied) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := OpenPostgres(ctx, dsn); err == nil || !strings.Contains(err.Error(), "schema version 999 is newer") {
		t.Fatalf("OpenPostgres = %v, want the newer-schema refusal", err)
	}
}

// TestPostgresOpenErrorsHideThePassword: a DSN that does not parse, or a
// server that is not there, is an error that never repeats the password.
func TestPostgresOpenErrorsHideThePassword(t *testing.T) {
	pgOnly(t)
	ctx := context.Background()
	for _, dsn := range []string{
		"postgres://u:hunter2@[bad/db",
		"host=" + t.TempDir() + " user=u password=hunter2 dbname=x connect_timeout=2",
	} {
		_, err := OpenPostgres(ctx, dsn)
		if err == nil {
			t.Fatalf("OpenPostgres(%q) succeeded", dsn)
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("error repeats the password: %v", err)
		}
	}
}

func TestReadDSNFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string, mode os.FileMode) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), mode); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good", "  host=/run/postgresql password=pw dbname=provbox\n", 0o600)
	if dsn, err := ReadDSNFile(good); err != nil || dsn != "host=/run/postgresql password=pw dbname=provbox" {
		t.Errorf("ReadDSNFile = %q, %v", dsn, err)
	}
	for _, tc := range []struct{ path, want string }{
		{write("group", "dbname=x", 0o640), "has mode 0640"},
		{write("empty", "\n", 0o600), "is empty"},
		{dir, "not a regular file"},
		{filepath.Join(dir, "missing"), "no such file"},
	} {
		if _, err := ReadDSNFile(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadDSNFile(%s) = %v, want %q", tc.path, err, tc.want)
		}
	}
}
