package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"github.com/provbox/provbox/provisioning"
	"golang.org/x/sys/unix"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// FileName is the database's name inside the state directory.
const FileName = "provbox.db"

// fileMode keeps secrets (SIP passwords, hashes) readable by the daemon's
// user only; SQLite gives the -wal and -shm files the database's mode.
const fileMode = 0o600

// readers is the size of the read pool. Reads are short (the core serves
// hot paths from memory), so a few connections are plenty.
const readers = 4

// DSN parameters. busy_timeout comes first so the others can wait for a
// lock; _txlock=immediate takes the write lock at BEGIN, so a transaction
// never fails halfway when it upgrades from reading to writing;
// journal_size_limit truncates the WAL back to 64 MiB after a checkpoint
// that followed a burst. The readers' page caches are 512 KiB each (the
// default is 2 MiB): the core serves from memory, a reader's pages are
// one read's (the start-up load, an audit query) and the kernel's page
// cache holds the file anyway, so four full caches were 8 MiB of resident
// memory buying little.
const (
	writerParams = "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)" +
		"&_pragma=journal_mode(WAL)&_pragma=journal_size_limit(67108864)" +
		"&_pragma=synchronous(FULL)&_txlock=immediate"
	readerParams = "?_pragma=busy_timeout(10000)&_pragma=query_only(1)&_pragma=cache_size(-512)"
)

// Store is the SQLite state database. It implements provisioning.Store.
type Store struct {
	path string // the file, or a password-free postgres:// name

	dialect    dialect
	syncCommit string // PostgreSQL's synchronous_commit
	dsn        string // PostgreSQL: for the LISTEN connection; never logged
	watchErrs  atomic.Int64
	fences     atomic.Pointer[fence] // lease writes' leadership proof (ha.go); nil: none

	w *sql.DB // SQLite: one connection, every write goes through it; PostgreSQL: a pool
	r *sql.DB // read pool

	// Statements for the batch writers, prepared once on the writer.
	putLease, delLease, addEvent *sql.Stmt
}

var _ provisioning.Store = (*Store)(nil)

// Open opens or creates dir/provbox.db, mode 0600, and brings its schema
// up to date. dir must exist and be writable. A database written by a
// newer provbox (a schema version this one does not know) is refused.
func Open(ctx context.Context, dir string) (*Store, error) {
	path, err := prepareFile(dir)
	if err != nil {
		return nil, err
	}
	s := &Store{path: path}
	if err := s.open(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("opening state database %s: %w", path, err)
	}
	return s, nil
}

func (s *Store) open(ctx context.Context) error {
	var err error
	if s.w, err = openPool(s.path+writerParams, 1); err != nil {
		return err
	}
	if err := checkPragmas(ctx, s.w); err != nil {
		return err
	}
	if err := migrate(ctx, s.w); err != nil {
		return err
	}
	if s.r, err = openPool(s.path+readerParams, readers); err != nil {
		return err
	}
	if err := s.r.PingContext(ctx); err != nil {
		return err
	}
	if err := chmodSiblings(s.path); err != nil {
		return err
	}
	return s.prepare(ctx)
}

func openPool(dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return db, nil
}

// checkPragmas verifies the durability settings took effect: journal_mode
// in particular silently stays as it was where WAL is unsupported.
func checkPragmas(ctx context.Context, db *sql.DB) error {
	var mode string
	var sync, fk int
	if err := db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&sync); err != nil {
		return err
	}
	if err := db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		return err
	}
	if !strings.EqualFold(mode, "wal") || sync != 2 || fk != 1 {
		return fmt.Errorf("durability settings not in effect: journal_mode=%s synchronous=%d foreign_keys=%d, want wal, 2 (FULL), 1",
			mode, sync, fk)
	}
	return nil
}

func (s *Store) prepare(ctx context.Context) error {
	var err error
	if s.putLease, err = s.w.PrepareContext(ctx, s.positional(putLeaseSQL)); err != nil {
		return err
	}
	if s.delLease, err = s.w.PrepareContext(ctx, s.positional(deleteLeaseSQL)); err != nil {
		return err
	}
	s.addEvent, err = s.w.PrepareContext(ctx, s.positional(addEventSQL))
	return err
}

// Path is the database file's absolute path (on PostgreSQL, a
// postgres://user@host:port/db name without the password).
func (s *Store) Path() string { return s.path }

// Close closes the database. The writer closes last, so SQLite checkpoints
// the WAL into the main file and removes it.
func (s *Store) Close() error {
	var errs []error
	for _, st := range []*sql.Stmt{s.putLease, s.delLease, s.addEvent} {
		if st != nil {
			errs = append(errs, st.Close())
		}
	}
	for _, db := range []*sql.DB{s.r, s.w} {
		if db != nil {
			errs = append(errs, db.Close())
		}
	}
	return errors.Join(errs...)
}

// prepareFile checks dir and creates the database file with mode 0600
// before SQLite sees it, so no other mode ever exists on disk. It returns
// the file's absolute path.
func prepareFile(dir string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("state directory %q: %w", dir, err)
	}
	if strings.ContainsRune(abs, '?') {
		return "", fmt.Errorf("state directory %s: the name must not contain '?'", abs)
	}
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("state directory %s does not exist", abs)
	case err != nil:
		return "", fmt.Errorf("state directory %s: %w", abs, err)
	case !fi.IsDir():
		return "", fmt.Errorf("state directory %s is not a directory", abs)
	}
	// SQLite creates the -wal and -shm files next to the database.
	if err := unix.Access(abs, unix.W_OK|unix.X_OK); err != nil {
		return "", fmt.Errorf("state directory %s is not writable: %w", abs, err)
	}
	path := filepath.Join(abs, FileName)
	if err := createFile(path); err != nil {
		return "", fmt.Errorf("state database %s: %w", path, err)
	}
	return path, nil
}

// createFile creates path with mode 0600 if it is missing (syncing the
// directory so the new entry survives power loss) and sets the mode of an
// existing file to 0600.
func createFile(path string) error {
	_, statErr := os.Lstat(path)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, fileMode)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Chmod(fileMode); err != nil {
		return err
	}
	if errors.Is(statErr, fs.ErrNotExist) {
		return syncDir(filepath.Dir(path))
	}
	return nil
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// chmodSiblings tightens -wal and -shm files left by an older version or
// a copy; the ones SQLite creates already take the database's mode.
func chmodSiblings(path string) error {
	for _, suffix := range []string{"-wal", "-shm"} {
		err := os.Chmod(path+suffix, fileMode)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	return nil
}
