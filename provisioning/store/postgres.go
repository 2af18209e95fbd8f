package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/provbox/provbox/provisioning"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// pgConns is the size of each PostgreSQL pool. Unlike SQLite, PostgreSQL
// runs writers concurrently, so writes get a pool too.
const pgConns = 8

// OpenPostgres opens the PostgreSQL database dsn (a postgres:// URL or
// key=value string, as libpq takes) and brings its schema up to date with
// the same versioned migrations as the SQLite back-end (in PostgreSQL's
// dialect where it differs). A database written by a newer provbox is
// refused. The DSN never appears in an error: it may hold a password.
func OpenPostgres(ctx context.Context, dsn string) (*Store, error) {
	s := &Store{dialect: dialectPostgres, dsn: dsn}
	if err := s.openPostgres(ctx, dsn); err != nil {
		s.Close()
		return nil, fmt.Errorf("opening PostgreSQL state database: %w", err)
	}
	return s, nil
}

func (s *Store) openPostgres(ctx context.Context, dsn string) error {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return errors.New("the DSN does not parse (it is not repeated here: it may hold a password)")
	}
	s.path = fmt.Sprintf("postgres://%s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
	if s.w, err = openPG(dsn); err != nil {
		return err
	}
	if err := s.w.PingContext(ctx); err != nil {
		return err
	}
	if err := s.readSyncCommit(ctx); err != nil {
		return err
	}
	if err := migrateDialect(ctx, s.w, dialectPostgres); err != nil {
		return err
	}
	if s.r, err = openPG(dsn); err != nil {
		return err
	}
	return s.prepare(ctx)
}

func openPG(dsn string) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(pgConns)
	db.SetMaxIdleConns(pgConns)
	return db, nil
}

// readSyncCommit records the server's synchronous_commit. provbox does
// not override it: "on" (the default) makes a commit durable on the
// primary before it is acknowledged, "remote_apply"/"remote_write" on a
// synchronous standby too; "off" or "local" are the administrator's choice
// to trade that away, reported by SyncCommit and at startup.
func (s *Store) readSyncCommit(ctx context.Context) error {
	return s.w.QueryRowContext(ctx, `SHOW synchronous_commit`).Scan(&s.syncCommit)
}

// SyncCommit is PostgreSQL's synchronous_commit as the server has it ("" on
// SQLite, which always syncs).
func (s *Store) SyncCommit() string { return s.syncCommit }

// Backend names the store's engine: "sqlite" or "postgres".
func (s *Store) Backend() string {
	if s.dialect == dialectPostgres {
		return "postgres"
	}
	return "sqlite"
}

// pgConstraint classifies a PostgreSQL integrity violation as constraint
// does a SQLite one, with the same table.column detail, so messages do not
// depend on the back-end.
func pgConstraint(pe *pgconn.PgError) (error, string) {
	switch pe.Code {
	case "23505": // unique_violation
		return provisioning.ErrExists, pgColumn(pe.TableName, pe.ConstraintName)
	case "23503": // foreign_key_violation
		return provisioning.ErrNotFound, pgColumn(pe.TableName, pe.ConstraintName)
	}
	return nil, ""
}

// primaryKeys names each table's primary key column (0001_init.sql).
var primaryKeys = map[string]string{"accounts": "name", "devices": "mac", "leases": "ip",
	"bans": "prefix", "old_paths": "digest", "events": "id"}

// pgColumn turns PostgreSQL's default constraint names (devices_pkey,
// devices_hash_key, devices_account_fkey) into SQLite's devices.hash.
func pgColumn(table, name string) string {
	rest, ok := strings.CutPrefix(name, table+"_")
	if !ok {
		return name
	}
	if rest == "pkey" {
		return table + "." + primaryKeys[table]
	}
	for _, suffix := range []string{"_key", "_fkey"} {
		if c, ok := strings.CutSuffix(rest, suffix); ok {
			return table + "." + c
		}
	}
	return name
}

// ReadDSNFile reads a PostgreSQL DSN from path, which must be a regular
// file readable by its owner only (it usually holds the password), like
// the web password file. Surrounding white space is dropped.
func ReadDSNFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return "", err
	}
	if !fi.Mode().IsRegular() {
		return "", fmt.Errorf("%s is not a regular file", path)
	}
	if fi.Mode().Perm()&0o077 != 0 {
		return "", fmt.Errorf("%s has mode %04o: it holds the database password, make it owner-only (chmod 600)",
			path, fi.Mode().Perm())
	}
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		return "", err
	}
	dsn := strings.TrimSpace(string(b))
	if dsn == "" {
		return "", fmt.Errorf("%s is empty: want a PostgreSQL DSN", path)
	}
	return dsn, nil
}

// CheckDSN checks that dsn parses as a PostgreSQL DSN and, unless
// passwordOK, that it holds no password (a DSN written in provbox.toml
// must not: dsn_file, ~/.pgpass or PGPASSFILE keep it out of the file).
func CheckDSN(dsn string, passwordOK bool) error {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return errors.New("not a PostgreSQL DSN (postgres://user@host/db or host=... dbname=...); it is not repeated here, it may hold a password")
	}
	if cfg.Password != "" && !passwordOK && !fromPassFile(dsn) {
		return errors.New("holds a password: put the DSN in dsn_file (mode 0600) or the password in ~/.pgpass instead")
	}
	return nil
}

// fromPassFile reports whether dsn itself has no password, so one that
// ParseConfig found came from PGPASSWORD or a .pgpass file.
func fromPassFile(dsn string) bool {
	if strings.Contains(dsn, "password") {
		return false
	}
	rest := strings.TrimPrefix(strings.TrimPrefix(dsn, "postgresql://"), "postgres://")
	userinfo, _, ok := strings.Cut(rest, "@")
	return !ok || !strings.Contains(userinfo, ":")
}
