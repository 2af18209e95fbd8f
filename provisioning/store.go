package provisioning

import (
	"context"
	"errors"
	"net/netip"
	"time"
)

// Errors a Store reports; callers classify them with errors.Is.
var (
	ErrNotFound = errors.New("not found")
	ErrExists   = errors.New("already exists")
)

// Store persists the core's state. Every method returns only once the
// write is durable (it survives kill -9), so the Service can acknowledge
// it. Implementations must be safe for concurrent use.
type Store interface {
	Accounts(ctx context.Context) ([]Account, error)
	CreateAccount(ctx context.Context, a Account) error // ErrExists on a duplicate name
	UpdateAccount(ctx context.Context, a Account) error // ErrNotFound if absent

	Devices(ctx context.Context) ([]Device, error)
	// CreateDevices adds all devices in one transaction, or none (ErrExists
	// on a duplicate MAC, ErrNotFound on an unknown account).
	CreateDevices(ctx context.Context, ds []Device) error
	UpdateDevice(ctx context.Context, d Device) error // ErrNotFound if absent
	DeleteDevice(ctx context.Context, m MAC) error    // ErrNotFound if absent (its old paths go with it)
	// LockOpenDevice locks device m at at (LockedAt = at, OpenUntil zero)
	// if its window is still open at at, atomically: of calls racing on
	// one database, from any number of nodes, exactly one takes the lock
	// (took). Otherwise it changes nothing and returns the stored LockedAt.
	// ErrNotFound if absent.
	LockOpenDevice(ctx context.Context, m MAC, at time.Time) (took bool, lockedAt time.Time, err error)
	// WriteDevices applies the serving path's device writes (first-fetch
	// locks, last-seen times) in one transaction: one durable commit for
	// the batch (devicewrites.go). It touches only the columns those
	// writes own, so an admin's edit of other columns is never undone.
	// out[i] is ws[i]'s result; a write's own failure (ErrNotFound) is
	// its result's Err and the others still commit. A non-nil error means
	// none was written.
	WriteDevices(ctx context.Context, ws []DeviceWrite) (out []DeviceWriteResult, err error)

	// Rekey stores one rotation in one transaction: the new hash of
	// r.Account or r.Device (ErrNotFound if absent), r.Retire, and the
	// deletion of old paths whose Until is before r.Now.
	Rekey(ctx context.Context, r Rekey) error
	OldPaths(ctx context.Context) ([]OldPath, error)
	// EndOldPaths makes device m's old paths end at end at the latest.
	EndOldPaths(ctx context.Context, m MAC, end time.Time) error

	Leases(ctx context.Context) ([]Lease, error)
	// PutLeases inserts or replaces leases (keyed by IP) in one transaction.
	PutLeases(ctx context.Context, ls []Lease) error
	DeleteLeases(ctx context.Context, ips []netip.Addr) error

	Bans(ctx context.Context) ([]Ban, error) // every ban record, expired ones too (history)
	PutBan(ctx context.Context, b Ban) error // keyed by Prefix
	DeleteBan(ctx context.Context, p netip.Prefix) error

	// AddEvents appends audit lines in one transaction.
	AddEvents(ctx context.Context, es []Event) error
	Events(ctx context.Context, f EventFilter) ([]Event, error)
	// TrimEvents keeps at most keepUnknown events about unknown devices
	// (Event.Unknown) and at most keepAll events in all, deleting the
	// oldest.
	TrimEvents(ctx context.Context, keepUnknown, keepAll int) error

	Close() error
}
