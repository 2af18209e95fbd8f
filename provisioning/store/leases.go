package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"slices"

	"github.com/provbox/provbox/provisioning"
)

const (
	putLeaseSQL = `INSERT INTO leases (ip, mac, expires, hostname, vendor_class)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (ip) DO UPDATE SET mac = excluded.mac, expires = excluded.expires,
		hostname = excluded.hostname, vendor_class = excluded.vendor_class`
	deleteLeaseSQL = `DELETE FROM leases WHERE ip = $1`
)

// Leases returns every lease, expired ones included, ordered by address.
func (s *Store) Leases(ctx context.Context) ([]provisioning.Lease, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT ip, mac, expires, hostname, vendor_class FROM leases`)
	if err != nil {
		return nil, fmt.Errorf("reading leases: %w", err)
	}
	defer rows.Close()
	var out []provisioning.Lease
	in := interner{}
	for rows.Next() {
		l, err := scanLease(rows)
		if err != nil {
			return nil, fmt.Errorf("reading leases: %w", err)
		}
		l.Hostname, l.VendorClass = in.get(l.Hostname), in.get(l.VendorClass)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading leases: %w", err)
	}
	// Text order is not address order (10.0.0.10 < 10.0.0.9).
	slices.SortFunc(out, func(a, b provisioning.Lease) int { return a.IP.Compare(b.IP) })
	return out, nil
}

func scanLease(rows *sql.Rows) (provisioning.Lease, error) {
	var l provisioning.Lease
	var ip, mac string
	var expires sql.NullInt64
	if err := rows.Scan(&ip, &mac, &expires, &l.Hostname, &l.VendorClass); err != nil {
		return l, err
	}
	var err error
	if l.IP, err = parseAddr(ip); err != nil {
		return l, err
	}
	if l.MAC, err = parseMAC(mac); err != nil {
		return l, fmt.Errorf("lease %s: %w", l.IP, err)
	}
	l.Expires = fromNanos(expires)
	return l, nil
}

// PutLeases inserts or replaces ls (keyed by IP) in one transaction: one
// fsync for the whole batch.
func (s *Store) PutLeases(ctx context.Context, ls []provisioning.Lease) error {
	for _, l := range ls {
		if !l.IP.IsValid() {
			return fmt.Errorf("lease for %s: address missing", l.MAC)
		}
		if err := checkTime("expires", l.Expires); err != nil {
			return fmt.Errorf("lease %s: %w", l.IP, err)
		}
	}
	if len(ls) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkFence(ctx, tx); err != nil {
			return err
		}
		if s.dialect == dialectPostgres {
			return pgPutLeases(ctx, tx, ls)
		}
		st := tx.StmtContext(ctx, s.putLease)
		for _, l := range ls {
			if _, err := st.ExecContext(ctx, l.IP.String(), macText(l.MAC), nanos(l.Expires),
				l.Hostname, l.VendorClass); err != nil {
				return fmt.Errorf("lease %s: %w", l.IP, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("storing %d leases: %w", len(ls), err)
	}
	return nil
}

// DeleteLeases removes the leases of ips in one transaction; addresses
// without a lease are ignored.
func (s *Store) DeleteLeases(ctx context.Context, ips []netip.Addr) error {
	for _, ip := range ips {
		if !ip.IsValid() {
			return fmt.Errorf("deleting leases: invalid address")
		}
	}
	if len(ips) == 0 {
		return nil
	}
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		if err := s.checkFence(ctx, tx); err != nil {
			return err
		}
		st := tx.StmtContext(ctx, s.delLease)
		for _, ip := range ips {
			if _, err := st.ExecContext(ctx, ip.String()); err != nil {
				return fmt.Errorf("lease %s: %w", ip, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("deleting %d leases: %w", len(ips), err)
	}
	return nil
}
