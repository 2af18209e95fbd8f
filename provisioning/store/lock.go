package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// LockOpenDevice locks device m at at if its provisioning window is still
// open at at, in one conditional UPDATE: of any number of calls racing on
// one database, from one process or several nodes, exactly one takes the
// lock (took). PostgreSQL re-checks the WHERE clause of a row another
// transaction changed meanwhile, and SQLite runs one writer at a time, so
// neither can take it twice. A call that did not take it returns the
// device's stored locked_at (zero if it was never locked).
func (s *Store) LockOpenDevice(ctx context.Context, m provisioning.MAC, at time.Time) (took bool, lockedAt time.Time, err error) {
	if err := checkTime("locked_at", at); err != nil {
		return false, time.Time{}, fmt.Errorf("device %s: %w", m, err)
	}
	return lockOpen(ctx, s.w, m, at)
}

// rowWriter is what lockOpen needs: the writer pool or a transaction.
type rowWriter interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// lockOpen is LockOpenDevice's conditional UPDATE on q; WriteDevices runs
// it inside its batch's transaction.
func lockOpen(ctx context.Context, q rowWriter, m provisioning.MAC, at time.Time) (took bool, lockedAt time.Time, err error) {
	res, err := q.ExecContext(ctx, `UPDATE devices SET locked_at = $2, open_until = NULL
		WHERE mac = $1 AND open_until IS NOT NULL AND open_until > $2`, macText(m), at.UnixNano())
	if err == nil {
		err = rowsAffected(res)
	}
	if err == nil {
		return true, fromNanos(sql.NullInt64{Int64: at.UnixNano(), Valid: true}), nil
	}
	if !errors.Is(err, provisioning.ErrNotFound) {
		return false, time.Time{}, fmt.Errorf("locking device %s: %w", m, err)
	}
	var stored sql.NullInt64
	err = q.QueryRowContext(ctx, `SELECT locked_at FROM devices WHERE mac = $1`, macText(m)).Scan(&stored)
	if errors.Is(err, sql.ErrNoRows) {
		return false, time.Time{}, fmt.Errorf("device %s: %w", m, provisioning.ErrNotFound)
	}
	if err != nil {
		return false, time.Time{}, fmt.Errorf("reading lock of device %s: %w", m, err)
	}
	return false, fromNanos(stored), nil
}
