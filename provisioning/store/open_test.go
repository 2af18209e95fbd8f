package store

import (
	"bufio"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

func TestOpenCreatesPrivateFiles(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustCreateAccount(t, s, account(t, "office")) // the WAL now holds a commit
	if s.Path() != filepath.Join(dir, FileName) {
		t.Errorf("Path() = %s, want %s", s.Path(), filepath.Join(dir, FileName))
	}
	for _, name := range []string{FileName, FileName + "-wal", FileName + "-shm"} {
		checkMode(t, filepath.Join(dir, name))
	}
}

func checkMode(t *testing.T, path string) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: mode %v, want 0600", path, fi.Mode().Perm())
	}
}

func TestOpenTightensExistingFiles(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db := filepath.Join(dir, FileName)
	if err := os.Chmod(db, 0o644); err != nil {
		t.Fatal(err)
	}
	// An empty WAL left by, say, a copy made with the wrong umask.
	if err := os.WriteFile(db+"-wal", nil, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(db+"-wal", 0o666); err != nil {
		t.Fatal(err)
	}
	s, err = Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	checkMode(t, db)
	checkMode(t, db+"-wal")
	checkMode(t, db+"-shm")
}

func TestOpenErrors(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	garbage := filepath.Join(dir, "garbage")
	if err := os.Mkdir(garbage, 0o700); err != nil {
		t.Fatal(err)
	}
	junk := strings.Repeat("this is not an SQLite database. ", 200)
	if err := os.WriteFile(filepath.Join(garbage, FileName), []byte(junk), 0o600); err != nil {
		t.Fatal(err)
	}
	odd := filepath.Join(dir, "what?")
	if err := os.Mkdir(odd, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{filepath.Join(dir, "missing"), filepath.Join(dir, "missing") + " does not exist"},
		{file, file + " is not a directory"},
		{garbage, "opening state database " + filepath.Join(garbage, FileName) + ": "},
		{odd, odd + ": the name must not contain '?'"},
	} {
		s, err := Open(context.Background(), tc.dir)
		if err == nil {
			s.Close()
			t.Errorf("Open(%s) succeeded, want an error containing %q", tc.dir, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Open(%s) = %q, want it to contain %q", tc.dir, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "missing")); !os.IsNotExist(err) {
		t.Errorf("Open created the missing state directory (stat: %v)", err)
	}
}

// TestOpenReadOnlyDir uses a read-only tmpfs when root (root ignores mode
// bits) and a mode-0555 directory otherwise.
func TestOpenReadOnlyDir(t *testing.T) {
	sqliteOnly(t)
	dir := filepath.Join(t.TempDir(), "ro")
	if err := os.Mkdir(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		if err := syscall.Mount("tmpfs", dir, "tmpfs", syscall.MS_RDONLY, "size=1m"); err != nil {
			t.Skipf("cannot mount a read-only tmpfs: %v", err)
		}
		t.Cleanup(func() {
			if err := syscall.Unmount(dir, 0); err != nil {
				t.Errorf("unmounting %s: %v", dir, err)
			}
		})
	}
	s, err := Open(context.Background(), dir)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a read-only directory")
	}
	if want := dir + " is not writable"; !strings.Contains(err.Error(), want) {
		t.Errorf("Open = %q, want it to contain %q", err, want)
	}
}

func TestPragmasInEffect(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	if err := checkPragmas(context.Background(), s.w); err != nil {
		t.Error(err)
	}
	_, err := s.r.Exec(`INSERT INTO bans (prefix) VALUES ('10.0.0.1/32')`)
	if err == nil {
		t.Error("the read pool accepted a write; want query_only")
	}
}

func TestMigrationsIdempotentOnReopen(t *testing.T) {
	sqliteOnly(t)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a := account(t, "office")
	for round := range 3 {
		s, err := Open(context.Background(), dir)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		if round == 0 {
			mustCreateAccount(t, s, a)
		}
		rows, err := s.r.Query(`SELECT version, name FROM schema_migrations ORDER BY version`)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for rows.Next() {
			var v int
			var name string
			if err := rows.Scan(&v, &name); err != nil {
				t.Fatal(err)
			}
			got = append(got, fmt.Sprintf("%d %s", v, name))
		}
		rows.Close()
		var want []string
		for _, m := range ms {
			want = append(want, fmt.Sprintf("%d %s", m.version, m.name))
		}
		checkEqual(t, fmt.Sprintf("round %d: schema_migrations", round), got, want)
		as, err := s.Accounts(context.Background())
		if err != nil || len(as) != 1 || as[0].Name != "office" {
			t.Errorf("round %d: Accounts = %v, %v; want the one account", round, as, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
}

func TestNewerSchemaRefused(t *testing.T) {
	sqliteOnly(t)
	dir := t.TempDir()
	s, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	future := len(ms) + 1
	if _, err := s.w.Exec(`INSERT INTO schema_migrations (version, name, applied)
		VALUES ($1, 'future.sql', 0)`, future); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = Open(context.Background(), dir)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a database from a newer schema version")
	}
	want := fmt.Sprintf("opening state database %s: schema version %d is newer than this provbox supports (%d)",
		filepath.Join(dir, FileName), future, len(ms))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("Open = %q, want it to contain %q", err, want)
	}
}

// TestReleasedMigrationsUnchanged guards the rule that a released
// migration never changes: databases in the field already ran it.
// testdata/migrations.sha256 lists the released files (sha256sum format).
func TestReleasedMigrationsUnchanged(t *testing.T) {
	// Files are named relative to migrations/: 0001_init.sql, and
	// postgres/0001_init.sql for a PostgreSQL dialect file.
	byName := map[string]migration{}
	for _, d := range []dialect{dialectSQLite, dialectPostgres} {
		ms, err := migrationsFor(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			byName[strings.TrimPrefix(m.file, "migrations/")] = m
		}
	}
	listed := 0
	defer func() {
		if listed != len(byName) {
			t.Errorf("testdata/migrations.sha256 lists %d files, the embedded set has %d: list every released file", listed, len(byName))
		}
	}()
	f, err := os.Open("testdata/migrations.sha256")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("testdata/migrations.sha256:%d: want \"<sha256>  <file>\"", n)
		}
		m, ok := byName[name]
		listed++
		if !ok {
			t.Errorf("released migration %s is missing", name)
			continue
		}
		if got := fmt.Sprintf("%x", sha256.Sum256([]byte(m.sql))); got != sum {
			t.Errorf("released migration %s changed (sha256 %s, released %s): add a new migration instead", name, got, sum)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
}

var _ provisioning.Store = (*Store)(nil)

// TestFailedMigrationChangesNothing: a migration runs in one transaction
// with its schema_migrations row, so a failure halfway leaves no trace.
func TestFailedMigrationChangesNothing(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	last := len(ms)
	bad := migration{version: last + 1, name: fmt.Sprintf("%04d_bad.sql", last+1),
		sql: "CREATE TABLE half (a TEXT); INSERT INTO no_such_table VALUES (1);"}
	if err := apply(context.Background(), s.w, bad); err == nil {
		t.Fatal("a failing migration reported success")
	}
	var tables int
	if err := s.r.QueryRow(`SELECT COUNT(*) FROM sqlite_master WHERE name = 'half'`).Scan(&tables); err != nil {
		t.Fatal(err)
	}
	v, err := schemaVersion(context.Background(), s.r)
	if err != nil {
		t.Fatal(err)
	}
	if tables != 0 || v != last {
		t.Errorf("after a failed migration: table created %d, schema version %d; want 0 and %d", tables, v, last)
	}
}

func TestClosedStoreReportsErrors(t *testing.T) {
	sqliteOnly(t)
	s, err := Open(context.Background(), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := s.Devices(ctx); err == nil {
		t.Error("Devices on a closed store succeeded")
	}
	if err := s.PutLeases(ctx, []provisioning.Lease{{IP: ipN(1)}}); err == nil {
		t.Error("PutLeases on a closed store succeeded")
	}
}
