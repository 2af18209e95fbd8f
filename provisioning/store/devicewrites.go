package store

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"

	"github.com/provbox/provbox/provisioning"
)

// seenSQL raises last_seen only: the serving path's last-seen time never
// overwrites a column an admin edits, and batches landing out of order
// never move it back.
const seenSQL = `UPDATE devices SET last_seen = $2
	WHERE mac = $1 AND (last_seen IS NULL OR last_seen < $2)`

// WriteDevices applies the serving path's device writes in one
// transaction, so a batch costs one durable commit. Each write is a
// targeted UPDATE of the columns it owns (locked_at and open_until for a
// lock, last_seen for a sighting), never a whole row. The rows are
// written in MAC order, so two nodes' batches on PostgreSQL take their
// row locks in the same order and cannot deadlock; writes to one MAC keep
// their order. A lock has LockOpenDevice's semantics; a lock of an absent
// device is its own ErrNotFound; a sighting of an absent device (removed
// meanwhile) is dropped.
func (s *Store) WriteDevices(ctx context.Context, ws []provisioning.DeviceWrite) ([]provisioning.DeviceWriteResult, error) {
	out := make([]provisioning.DeviceWriteResult, len(ws))
	var order []int
	for i, w := range ws {
		if err := checkDeviceWrite(w); err != nil {
			out[i].Err = err
			continue
		}
		order = append(order, i)
	}
	if len(order) == 0 {
		return out, nil
	}
	slices.SortStableFunc(order, func(a, b int) int { return bytes.Compare(ws[a].MAC[:], ws[b].MAC[:]) })
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		seen, err := tx.PrepareContext(ctx, seenSQL)
		if err != nil {
			return err
		}
		defer seen.Close()
		for _, i := range order {
			w := ws[i]
			if w.Lock {
				took, at, err := lockOpen(ctx, tx, w.MAC, w.LockAt)
				if err != nil && !errors.Is(err, provisioning.ErrNotFound) {
					return err
				}
				out[i] = provisioning.DeviceWriteResult{Took: took, LockedAt: at, Err: err}
			}
			if !w.Seen.IsZero() {
				if _, err := seen.ExecContext(ctx, macText(w.MAC), w.Seen.UnixNano()); err != nil {
					return fmt.Errorf("device %s: recording last seen: %w", w.MAC, err)
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("writing %d devices: %w", len(order), err)
	}
	return out, nil
}

func checkDeviceWrite(w provisioning.DeviceWrite) error {
	if w.MAC.IsZero() {
		return fmt.Errorf("device write: MAC missing")
	}
	err := checkTimes(field{"locked_at", w.LockAt}, field{"last_seen", w.Seen})
	if err == nil && w.Lock && w.LockAt.IsZero() {
		err = fmt.Errorf("locked_at missing")
	}
	if err != nil {
		return fmt.Errorf("device %s: %w", w.MAC, err)
	}
	return nil
}
