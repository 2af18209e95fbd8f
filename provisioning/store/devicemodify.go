package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/provbox/provbox/provisioning"
)

var _ provisioning.DeviceModifier = (*Store)(nil)

// ModifyDevice applies an admin's change to device m as the database
// holds it now, not as some node's memory last saw it, and writes the
// result in the same transaction. The row stays locked from the read to
// the commit (SELECT … FOR UPDATE on PostgreSQL; SQLite's writer begins
// IMMEDIATE, so it is the only writer), so a first-fetch lock or a
// last-seen time another node committed a moment ago is kept unless the
// change itself sets it. ErrNotFound if there is no device m; change's
// error aborts the transaction and is returned as it is.
func (s *Store) ModifyDevice(ctx context.Context, m provisioning.MAC, change func(d *provisioning.Device) error) (provisioning.Device, error) {
	var d provisioning.Device
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		if d, err = s.readDeviceForUpdate(ctx, tx, m); err != nil {
			return err
		}
		if err := change(&d); err != nil {
			return err
		}
		if d.MAC != m {
			return fmt.Errorf("device %s: an edit may not change the MAC (use replace)", m)
		}
		if err := checkDevice(&d); err != nil {
			return err
		}
		return writeDevice(ctx, tx, &d)
	})
	if err != nil {
		return provisioning.Device{}, err
	}
	return d, nil
}

// readDeviceForUpdate reads device m and its lines inside tx, holding
// the row until tx ends.
func (s *Store) readDeviceForUpdate(ctx context.Context, tx *sql.Tx, m provisioning.MAC) (provisioning.Device, error) {
	q := `SELECT mac, account, vendor, model, hash, ip,
		open_until, locked_at, created, last_seen FROM devices WHERE mac = $1`
	if s.dialect == dialectPostgres {
		q += ` FOR UPDATE`
	}
	rows, err := tx.QueryContext(ctx, q, macText(m))
	if err != nil {
		return provisioning.Device{}, fmt.Errorf("reading device %s: %w", m, err)
	}
	var d provisioning.Device
	found := rows.Next()
	if found {
		d, err = scanDevice(rows)
	}
	if err == nil {
		err = rows.Err()
	}
	rows.Close()
	if err != nil {
		return provisioning.Device{}, fmt.Errorf("reading device %s: %w", m, err)
	}
	if !found {
		return provisioning.Device{}, fmt.Errorf("device %s: %w", m, provisioning.ErrNotFound)
	}
	if d.Lines, err = readDeviceLines(ctx, tx, m); err != nil {
		return provisioning.Device{}, fmt.Errorf("reading lines of device %s: %w", m, err)
	}
	return d, nil
}

// readDeviceLines returns device m's lines in position order.
func readDeviceLines(ctx context.Context, tx *sql.Tx, m provisioning.MAC) ([]provisioning.Line, error) {
	rows, err := tx.QueryContext(ctx, `SELECT extension, auth_user, password,
		display_name, label FROM lines WHERE mac = $1 ORDER BY position`, macText(m))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []provisioning.Line
	for rows.Next() {
		var l provisioning.Line
		if err := rows.Scan(&l.Extension, &l.AuthUser, &l.Password, &l.DisplayName, &l.Label); err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
