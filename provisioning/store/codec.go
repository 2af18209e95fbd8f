package store

import (
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/provbox/provbox/provisioning"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Times are stored as unix nanoseconds; these bound what fits in BIGINT.
var (
	minTime = time.Unix(0, math.MinInt64)
	maxTime = time.Unix(0, math.MaxInt64)
)

// nanos encodes t; the zero time is NULL. Callers check the range first
// with checkTime.
func nanos(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixNano()
}

func fromNanos(n sql.NullInt64) time.Time {
	if !n.Valid {
		return time.Time{}
	}
	return time.Unix(0, n.Int64).UTC()
}

// checkTime rejects a time the column cannot hold, naming the field.
func checkTime(field string, t time.Time) error {
	if !t.IsZero() && (t.Before(minTime) || t.After(maxTime)) {
		return fmt.Errorf("%s %s is outside the storable range (years 1678 to 2262)",
			field, t.Format(time.RFC3339))
	}
	return nil
}

// field names a time for checkTimes' error message.
type field struct {
	name string
	t    time.Time
}

func checkTimes(fs ...field) error {
	for _, f := range fs {
		if err := checkTime(f.name, f.t); err != nil {
			return err
		}
	}
	return nil
}

// macText is the 12-hex form; the zero MAC (no device) is "".
func macText(m provisioning.MAC) string {
	if m.IsZero() {
		return ""
	}
	return m.Hex()
}

// parseMAC decodes macText's form. It does not apply ParseMAC's unicast
// rule: a lease may carry whatever chaddr a client sent, and a stored row
// must always load.
func parseMAC(s string) (provisioning.MAC, error) {
	var m provisioning.MAC
	if s == "" {
		return m, nil
	}
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != len(m) {
		return m, fmt.Errorf("stored MAC %q is not 12 hex digits", s)
	}
	copy(m[:], b)
	return m, nil
}

// addrOrNull encodes an optional address for a nullable, unique column.
func addrOrNull(a netip.Addr) any {
	if !a.IsValid() {
		return nil
	}
	return a.String()
}

// addrText encodes an optional address for a NOT NULL column.
func addrText(a netip.Addr) string {
	if !a.IsValid() {
		return ""
	}
	return a.String()
}

func parseAddr(s string) (netip.Addr, error) {
	if s == "" {
		return netip.Addr{}, nil
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return a, fmt.Errorf("stored address: %w", err)
	}
	return a, nil
}

// constraint classifies a constraint violation: ErrExists for a duplicate
// key, ErrNotFound for a missing referenced row, nil for anything else.
// detail names the constraint (e.g. "devices.hash"), never a value.
func constraint(err error) (kind error, detail string) {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pgConstraint(pe)
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil, ""
	}
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		kind = provisioning.ErrExists
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		kind = provisioning.ErrNotFound
	default:
		return nil, ""
	}
	// The message reads "... UNIQUE constraint failed: devices.hash (2067)".
	msg := se.Error()
	if i := strings.LastIndex(msg, "failed: "); i >= 0 {
		detail, _, _ = strings.Cut(msg[i+len("failed: "):], " (")
	}
	return kind, detail
}

// rowsAffected returns ErrNotFound when res touched no row.
func rowsAffected(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return provisioning.ErrNotFound
	}
	return nil
}

// interner shares one copy of each distinct string read in one query: a
// fleet's devices name a handful of accounts, vendors and models, and its
// leases a handful of vendor classes and host names, so at 10,000 devices
// one copy per row was most of the strings the core keeps in memory.
type interner map[string]string

func (in interner) get(s string) string {
	if v, ok := in[s]; ok {
		return v
	}
	in[s] = s
	return s
}

// positional rewrites q's parameters $1, $2, … $n, when each appears once
// and in that order, to SQLite's anonymous '?' for a SQLite store. The
// driver looks up the name of every named parameter on every execution
// (a C string copied to Go each time): on the hot inserts (leases, events,
// an import's devices and lines) that lookup was a fifth of the CPU.
// PostgreSQL keeps $n; any other q is returned unchanged.
func (s *Store) positional(q string) string {
	if s.dialect != dialectSQLite {
		return q
	}
	var b strings.Builder
	next := 1
	for i := 0; i < len(q); i++ {
		if q[i] != '$' {
			b.WriteByte(q[i])
			continue
		}
		j := i + 1
		for j < len(q) && q[j] >= '0' && q[j] <= '9' {
			j++
		}
		if n, err := strconv.Atoi(q[i+1 : j]); err != nil || n != next {
			return q
		}
		next++
		b.WriteByte('?')
		i = j - 1
	}
	return b.String()
}
