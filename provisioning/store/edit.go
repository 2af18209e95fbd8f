package store

import (
	"context"
	"database/sql"

	"github.com/provbox/provbox/provisioning"
)

// The edits that change a key or remove several rows, each in one
// transaction (provisioning.AccountDeleter, provisioning.DeviceReplacer).
var (
	_ provisioning.AccountDeleter = (*Store)(nil)
	_ provisioning.DeviceReplacer = (*Store)(nil)
)

// DeleteAccount removes account name and its devices (their lines and
// old paths cascade); ErrNotFound if there is no such account.
func (s *Store) DeleteAccount(ctx context.Context, name string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE account = $1`, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM accounts WHERE name = $1`, name)
		if err == nil {
			err = rowsAffected(res)
		}
		return err
	})
	return accountErr("deleting", name, err)
}

// ReplaceDevice removes device old and creates d (another MAC, which may
// take over old's reservation) in one transaction.
func (s *Store) ReplaceDevice(ctx context.Context, old provisioning.MAC, d provisioning.Device) error {
	if err := checkDevice(&d); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM devices WHERE mac = $1`, macText(old))
		if err == nil {
			err = rowsAffected(res)
		}
		if err != nil {
			return deviceErr("replacing", &provisioning.Device{MAC: old}, err)
		}
		if _, err := tx.ExecContext(ctx, insertDeviceSQL, deviceArgs(&d)...); err != nil {
			return deviceErr("creating", &d, err)
		}
		return deviceErr("creating", &d, insertLines(ctx, tx, &d))
	})
}
