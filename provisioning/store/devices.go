package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime"

	"github.com/provbox/provbox/provisioning"
)

// Devices returns every device with its lines, ordered by MAC, from one
// consistent snapshot.
func (s *Store) Devices(ctx context.Context) ([]provisioning.Device, error) {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("reading devices: %w", err)
	}
	defer tx.Rollback()
	ds, err := readDevices(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("reading devices: %w", err)
	}
	lines, err := readLines(ctx, tx)
	if err != nil {
		return nil, fmt.Errorf("reading device lines: %w", err)
	}
	for i := range ds {
		ds[i].Lines = lines[ds[i].MAC]
	}
	return ds, nil
}

func readDevices(ctx context.Context, q querier) ([]provisioning.Device, error) {
	rows, err := q.QueryContext(ctx, `SELECT mac, account, vendor, model, hash, ip,
		open_until, locked_at, created, last_seen FROM devices ORDER BY mac`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []provisioning.Device
	in := interner{}
	for rows.Next() {
		d, err := scanDevice(rows)
		if err != nil {
			return nil, err
		}
		d.Account, d.Vendor, d.Model = in.get(d.Account), in.get(d.Vendor), in.get(d.Model)
		out = append(out, d)
	}
	return out, rows.Err()
}

func scanDevice(rows *sql.Rows) (provisioning.Device, error) {
	var d provisioning.Device
	var mac string
	var ip sql.NullString
	var open, locked, created, seen sql.NullInt64
	err := rows.Scan(&mac, &d.Account, &d.Vendor, &d.Model, &d.Hash, &ip,
		&open, &locked, &created, &seen)
	if err != nil {
		return d, err
	}
	if d.MAC, err = parseMAC(mac); err != nil {
		return d, err
	}
	if d.IP, err = parseAddr(ip.String); err != nil {
		return d, fmt.Errorf("device %s: %w", d.MAC, err)
	}
	d.OpenUntil, d.LockedAt = fromNanos(open), fromNanos(locked)
	d.Created, d.LastSeen = fromNanos(created), fromNanos(seen)
	return d, nil
}

// readLines returns every device's lines in position order.
func readLines(ctx context.Context, q querier) (map[provisioning.MAC][]provisioning.Line, error) {
	rows, err := q.QueryContext(ctx, `SELECT mac, extension, auth_user, password,
		display_name, label FROM lines ORDER BY mac, position`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[provisioning.MAC][]provisioning.Line{}
	for rows.Next() {
		var mac string
		var l provisioning.Line
		if err := rows.Scan(&mac, &l.Extension, &l.AuthUser, &l.Password,
			&l.DisplayName, &l.Label); err != nil {
			return nil, err
		}
		m, err := parseMAC(mac)
		if err != nil {
			return nil, err
		}
		out[m] = append(out[m], l)
	}
	return out, rows.Err()
}

// CreateDevices stores all of ds in one transaction, or none of them: a
// duplicate MAC, hash or reservation is ErrExists, an unknown account
// ErrNotFound, each naming the device.
func (s *Store) CreateDevices(ctx context.Context, ds []provisioning.Device) error {
	for i := range ds {
		if err := checkDevice(&ds[i]); err != nil {
			return err
		}
	}
	if len(ds) == 0 {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		ins, err := tx.PrepareContext(ctx, s.positional(insertDeviceSQL))
		if err != nil {
			return err
		}
		defer ins.Close()
		// One lines statement for the whole import: preparing it per
		// line was a third of an import's CPU.
		lines, err := tx.PrepareContext(ctx, s.positional(insertLineSQL))
		if err != nil {
			return err
		}
		defer lines.Close()
		for i := range ds {
			if _, err := ins.ExecContext(ctx, deviceArgs(&ds[i])...); err != nil {
				return deviceErr("creating", &ds[i], err)
			}
			if err := execLines(ctx, lines, &ds[i]); err != nil {
				return deviceErr("creating", &ds[i], err)
			}
			// A long import yields between devices, so the goroutines
			// serving DHCP and HTTP get the processor within a device's
			// work rather than at the scheduler's 10 ms preemption.
			runtime.Gosched()
		}
		return nil
	})
}

const insertDeviceSQL = `INSERT INTO devices (mac, account, vendor, model, hash, ip,
	open_until, locked_at, created, last_seen)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`

func deviceArgs(d *provisioning.Device) []any {
	return []any{macText(d.MAC), d.Account, d.Vendor, d.Model, string(d.Hash),
		addrOrNull(d.IP), nanos(d.OpenUntil), nanos(d.LockedAt), nanos(d.Created),
		nanos(d.LastSeen)}
}

func checkDevice(d *provisioning.Device) error {
	if d.MAC.IsZero() {
		return fmt.Errorf("device: MAC missing")
	}
	err := checkTimes(field{"open_until", d.OpenUntil}, field{"locked_at", d.LockedAt},
		field{"created", d.Created}, field{"last_seen", d.LastSeen})
	if err != nil {
		return fmt.Errorf("device %s: %w", d.MAC, err)
	}
	return nil
}

const insertLineSQL = `INSERT INTO lines (mac, position, extension,
	auth_user, password, display_name, label) VALUES ($1, $2, $3, $4, $5, $6, $7)`

func insertLines(ctx context.Context, tx *sql.Tx, d *provisioning.Device) error {
	for i, l := range d.Lines {
		_, err := tx.ExecContext(ctx, insertLineSQL,
			macText(d.MAC), i, l.Extension, l.AuthUser, l.Password, l.DisplayName, l.Label)
		if err != nil {
			return err
		}
	}
	return nil
}

// execLines inserts d's lines with st, a prepared insertLineSQL.
func execLines(ctx context.Context, st *sql.Stmt, d *provisioning.Device) error {
	for i, l := range d.Lines {
		_, err := st.ExecContext(ctx, macText(d.MAC), i, l.Extension, l.AuthUser, l.Password, l.DisplayName, l.Label)
		if err != nil {
			return err
		}
	}
	return nil
}

// UpdateDevice replaces device d.MAC and its lines; ErrNotFound if there
// is no such device or account, ErrExists if d's hash or reservation
// belongs to another device.
func (s *Store) UpdateDevice(ctx context.Context, d provisioning.Device) error {
	if err := checkDevice(&d); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error { return writeDevice(ctx, tx, &d) })
}

// writeDevice replaces the row and lines of device d.MAC inside tx.
func writeDevice(ctx context.Context, tx *sql.Tx, d *provisioning.Device) error {
	res, err := tx.ExecContext(ctx, `UPDATE devices SET account = $2, vendor = $3,
		model = $4, hash = $5, ip = $6, open_until = $7, locked_at = $8, created = $9,
		last_seen = $10 WHERE mac = $1`, deviceArgs(d)...)
	if err == nil {
		err = rowsAffected(res)
	}
	if err == nil {
		_, err = tx.ExecContext(ctx, `DELETE FROM lines WHERE mac = $1`, macText(d.MAC))
	}
	if err == nil {
		err = insertLines(ctx, tx, d)
	}
	return deviceErr("updating", d, err)
}

// DeleteDevice removes device m and its lines; ErrNotFound if absent.
func (s *Store) DeleteDevice(ctx context.Context, m provisioning.MAC) error {
	res, err := s.w.ExecContext(ctx, `DELETE FROM devices WHERE mac = $1`, macText(m))
	if err == nil {
		err = rowsAffected(res)
	}
	return deviceErr("deleting", &provisioning.Device{MAC: m}, err)
}

// deviceErr names the device and classifies constraint violations. The
// only foreign key a device row has is its account.
func deviceErr(verb string, d *provisioning.Device, err error) error {
	if err == nil {
		return nil
	}
	switch kind, detail := constraint(err); {
	case kind == provisioning.ErrNotFound:
		return fmt.Errorf("device %s: account %q: %w", d.MAC, d.Account, kind)
	case kind != nil:
		return fmt.Errorf("device %s: %w (%s)", d.MAC, kind, detail)
	case errors.Is(err, provisioning.ErrNotFound):
		return fmt.Errorf("device %s: %w", d.MAC, err)
	}
	return fmt.Errorf("%s device %s: %w", verb, d.MAC, err)
}

// inTx runs fn in a write transaction and commits it; the commit is
// durable when inTx returns nil.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("beginning transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("committing: %w", err)
	}
	return nil
}
