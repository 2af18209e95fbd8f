package store

import (
	"context"
	"database/sql"
	"fmt"
	"net/netip"
	"slices"

	"github.com/provbox/provbox/provisioning"
)

// Bans returns every ban record, expired ones included, ordered by prefix.
func (s *Store) Bans(ctx context.Context) ([]provisioning.Ban, error) {
	rows, err := s.r.QueryContext(ctx,
		`SELECT prefix, reason, strikes, count, since, until, forgeable FROM bans`)
	if err != nil {
		return nil, fmt.Errorf("reading bans: %w", err)
	}
	defer rows.Close()
	var out []provisioning.Ban
	for rows.Next() {
		var b provisioning.Ban
		var prefix string
		var since, until sql.NullInt64
		if err := rows.Scan(&prefix, &b.Reason, &b.Strikes, &b.Count, &since, &until, &b.Forgeable); err != nil {
			return nil, fmt.Errorf("reading bans: %w", err)
		}
		if b.Prefix, err = netip.ParsePrefix(prefix); err != nil {
			return nil, fmt.Errorf("reading bans: stored prefix: %w", err)
		}
		b.Since, b.Until = fromNanos(since), fromNanos(until)
		out = append(out, b)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("reading bans: %w", err)
	}
	slices.SortFunc(out, func(a, b provisioning.Ban) int {
		if c := a.Prefix.Addr().Compare(b.Prefix.Addr()); c != 0 {
			return c
		}
		return a.Prefix.Bits() - b.Prefix.Bits()
	})
	return out, nil
}

// PutBan inserts or replaces the ban of b.Prefix. The prefix is stored
// masked (2001:db8::1/64 becomes 2001:db8::/64), so one source has one key.
func (s *Store) PutBan(ctx context.Context, b provisioning.Ban) error {
	if !b.Prefix.IsValid() {
		return fmt.Errorf("ban: prefix missing")
	}
	p := b.Prefix.Masked()
	if err := checkTimes(field{"since", b.Since}, field{"until", b.Until}); err != nil {
		return fmt.Errorf("ban %s: %w", p, err)
	}
	_, err := s.w.ExecContext(ctx, `INSERT INTO bans (prefix, reason, strikes, count, since, until, forgeable)
		VALUES ($1, $2, $3, $4, $5, $6, $7)
		ON CONFLICT (prefix) DO UPDATE SET reason = excluded.reason, strikes = excluded.strikes,
		count = excluded.count, since = excluded.since, until = excluded.until, forgeable = excluded.forgeable`,
		p.String(), b.Reason, b.Strikes, b.Count, nanos(b.Since), nanos(b.Until), b.Forgeable)
	if err != nil {
		return fmt.Errorf("storing ban %s: %w", p, err)
	}
	return nil
}

// DeleteBan removes the ban record of p (masked); ErrNotFound if there is
// none, so `ban rm` can say so.
func (s *Store) DeleteBan(ctx context.Context, p netip.Prefix) error {
	if !p.IsValid() {
		return fmt.Errorf("deleting ban: invalid prefix")
	}
	p = p.Masked()
	res, err := s.w.ExecContext(ctx, `DELETE FROM bans WHERE prefix = $1`, p.String())
	if err == nil {
		err = rowsAffected(res)
	}
	if err != nil {
		return fmt.Errorf("ban %s: %w", p, err)
	}
	return nil
}
