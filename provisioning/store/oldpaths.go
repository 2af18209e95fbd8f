package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Rekey stores a rotation in one transaction: the new hash, the retired
// paths, and the deletion of those whose grace has ended. A crash leaves
// either the old hash and no new old path, or all of it.
func (s *Store) Rekey(ctx context.Context, r provisioning.Rekey) error {
	for _, p := range r.Retire {
		if err := checkTimes(field{"since", p.Since}, field{"until", p.Until}); err != nil {
			return fmt.Errorf("old path of device %s: %w", p.MAC, err)
		}
	}
	if err := checkTime("now", r.Now); err != nil {
		return err
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if err := rekeyOwner(ctx, tx, r); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM old_paths WHERE until < $1`, nanos(r.Now)); err != nil {
			return fmt.Errorf("deleting expired old paths: %w", err)
		}
		if err := dropPending(ctx, tx, r); err != nil {
			return fmt.Errorf("deleting pending old paths: %w", err)
		}
		for _, p := range r.Retire {
			_, err := tx.ExecContext(ctx, `INSERT INTO old_paths (digest, mac, shown, cause, since, until)
				VALUES ($1, $2, $3, $4, $5, $6)
				ON CONFLICT (digest) DO UPDATE SET until = excluded.until`,
				hex.EncodeToString(p.Digest[:]), macText(p.MAC), p.Shown, p.Cause, nanos(p.Since), nanos(p.Until))
			if err != nil {
				return deviceErr("retiring the old path of", &provisioning.Device{MAC: p.MAC}, err)
			}
		}
		return nil
	})
}

// rekeyOwner writes the new hash of the account or the device.
func rekeyOwner(ctx context.Context, tx *sql.Tx, r provisioning.Rekey) error {
	var res sql.Result
	var err error
	switch {
	case r.Account != nil && r.Device == nil:
		res, err = tx.ExecContext(ctx, `UPDATE accounts SET hash = $2 WHERE name = $1`, r.Account.Name, string(r.Account.Hash))
		if err == nil {
			err = rowsAffected(res)
		}
		return accountErr("rekeying", r.Account.Name, err)
	case r.Device != nil && r.Account == nil:
		res, err = tx.ExecContext(ctx, `UPDATE devices SET hash = $2 WHERE mac = $1`, macText(r.Device.MAC), string(r.Device.Hash))
		if err == nil {
			err = rowsAffected(res)
		}
		return deviceErr("rekeying", r.Device, err)
	}
	return fmt.Errorf("rekey: want exactly one of an account and a device")
}

// dropPending deletes the old paths of the rekeyed device, or of every
// device of the rekeyed account, when the rekey has no grace.
func dropPending(ctx context.Context, tx *sql.Tx, r provisioning.Rekey) error {
	var err error
	switch {
	case !r.DropPending:
	case r.Device != nil:
		_, err = tx.ExecContext(ctx, `DELETE FROM old_paths WHERE mac = $1`, macText(r.Device.MAC))
	case r.Account != nil:
		_, err = tx.ExecContext(ctx, `DELETE FROM old_paths WHERE mac IN
			(SELECT mac FROM devices WHERE account = $1)`, r.Account.Name)
	}
	return err
}

// OldPaths returns every stored old path, expired ones included (the core
// judges them by the grace in force).
func (s *Store) OldPaths(ctx context.Context) ([]provisioning.OldPath, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT digest, mac, shown, cause, since, until FROM old_paths ORDER BY since, mac, digest`)
	if err != nil {
		return nil, fmt.Errorf("reading old paths: %w", err)
	}
	defer rows.Close()
	var out []provisioning.OldPath
	for rows.Next() {
		p, err := scanOldPath(rows)
		if err != nil {
			return nil, fmt.Errorf("reading old paths: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func scanOldPath(rows *sql.Rows) (provisioning.OldPath, error) {
	var p provisioning.OldPath
	var digest, mac string
	var since, until sql.NullInt64
	if err := rows.Scan(&digest, &mac, &p.Shown, &p.Cause, &since, &until); err != nil {
		return p, err
	}
	b, err := hex.DecodeString(digest)
	if err != nil || len(b) != len(p.Digest) {
		return p, fmt.Errorf("old path digest %q: not %d hex bytes", digest, len(p.Digest))
	}
	copy(p.Digest[:], b)
	if p.MAC, err = parseMAC(mac); err != nil {
		return p, err
	}
	p.Since, p.Until = fromNanos(since), fromNanos(until)
	return p, nil
}

// EndOldPaths makes device m's old paths end at end at the latest.
func (s *Store) EndOldPaths(ctx context.Context, m provisioning.MAC, end time.Time) error {
	if err := checkTime("end", end); err != nil {
		return err
	}
	_, err := s.w.ExecContext(ctx, `UPDATE old_paths SET until = $2 WHERE mac = $1 AND until > $2`, macText(m), nanos(end))
	if err != nil {
		return fmt.Errorf("ending old paths of device %s: %w", m, err)
	}
	return nil
}
