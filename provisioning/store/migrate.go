package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

// migrationFiles holds the schema, one numbered file per version
// (0001_init.sql, 0002_....sql). A released file never changes.
// migrations/postgres/ holds the PostgreSQL dialect of the files whose
// SQLite text PostgreSQL does not accept, under the same name; every other
// file is shared by both back-ends, so the versions stay one sequence.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string // file name, recorded in schema_migrations
	file    string // embedded path (the dialect's own file, if any)
	sql     string
}

// dialect is the SQL engine a Store talks to.
type dialect int

const (
	dialectSQLite dialect = iota
	dialectPostgres
)

// migrations returns the SQLite migrations in order.
func migrations() ([]migration, error) { return migrationsFor(dialectSQLite) }

// migrationsFor returns the embedded migrations of dialect d in order,
// checking that they are numbered 1, 2, 3, ... without gaps, and that
// every dialect file overrides a shared one (none may add a version).
func migrationsFor(d dialect) ([]migration, error) {
	ms, err := sharedMigrations()
	if err != nil || d == dialectSQLite {
		return ms, err
	}
	over, err := fs.Glob(migrationFiles, "migrations/postgres/*.sql")
	if err != nil {
		return nil, err
	}
	for _, n := range over {
		i := slices.IndexFunc(ms, func(m migration) bool { return m.name == path.Base(n) })
		if i < 0 {
			return nil, fmt.Errorf("migration %s overrides no shared migration", n)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ms[i].file, ms[i].sql = n, string(b)
	}
	return ms, nil
}

func sharedMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	out := make([]migration, 0, len(names))
	for i, n := range names { // Glob sorts, and versions are zero-padded
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v != i+1 {
			return nil, fmt.Errorf("migration %s: want a name starting %04d_", base, i+1)
		}
		b, err := migrationFiles.ReadFile(n)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, file: n, sql: string(b)})
	}
	return out, nil
}

// migrate applies the migrations the database lacks, each in its own
// transaction together with its schema_migrations row, so a crash leaves
// the schema at a whole version. It refuses a database from the future.
func migrate(ctx context.Context, db *sql.DB) error { return migrateDialect(ctx, db, dialectSQLite) }

// migrateDialect is migrate for dialect d. On PostgreSQL, where several
// nodes may open one fresh database at once, it runs on one connection
// holding a session advisory lock, so the nodes migrate one after the
// other (SQLite's BEGIN IMMEDIATE gives the same in apply).
func migrateDialect(ctx context.Context, db *sql.DB, d dialect) error {
	if d == dialectSQLite {
		return migrateOn(ctx, db, d)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock($1)`, migrationLockKey); err != nil {
		return fmt.Errorf("locking the schema for migration: %w", err)
	}
	defer conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, migrationLockKey)
	return migrateOn(ctx, conn, d)
}

// migrationLockKey is the advisory lock provbox takes while migrating
// ("provbox" in ASCII, so it is unlikely to clash with another program).
const migrationLockKey int64 = 0x70726f76626f78

// migrator is what *sql.DB and *sql.Conn share.
type migrator interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

func migrateOn(ctx context.Context, db migrator, d dialect) error {
	ms, err := migrationsFor(d)
	if err != nil {
		return err
	}
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER NOT NULL PRIMARY KEY,
		name    TEXT    NOT NULL,
		applied BIGINT  NOT NULL)`); err != nil {
		return fmt.Errorf("creating schema_migrations: %w", err)
	}
	cur, err := schemaVersion(ctx, db)
	if err != nil {
		return err
	}
	if cur > len(ms) {
		return fmt.Errorf("schema version %d is newer than this provbox supports (%d): it was written by a newer release; upgrade provbox or restore a backup",
			cur, len(ms))
	}
	for _, m := range ms[cur:] {
		if err := apply(ctx, db, m); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

func schemaVersion(ctx context.Context, q querier) (int, error) {
	var v sql.NullInt64
	if err := q.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return int(v.Int64), nil
}

// apply runs one migration. The version is checked again inside the
// transaction (BEGIN IMMEDIATE holds the write lock), so two processes
// opening a fresh database at once cannot both apply it.
func apply(ctx context.Context, db migrator, m migration) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	cur, err := schemaVersion(ctx, tx)
	if err != nil || cur >= m.version {
		return err
	}
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx,
		`INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)`,
		m.version, m.name, time.Now().UnixNano()); err != nil {
		return err
	}
	return tx.Commit()
}

// querier is what *sql.DB and *sql.Tx share for reads.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
