package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// FailoverInUse describes the DHCP failover pair using this database: the
// node holding an unexpired leadership, and the nodes whose heartbeat is
// younger than recent. "" when none (always on SQLite, which has no
// failover). A node serving DHCP without failover on such a database
// would be a second allocator beside the pair's leader, so the daemon
// refuses to (cmd/provbox).
func (s *Store) FailoverInUse(ctx context.Context, recent time.Duration) (string, error) {
	if s.dialect != dialectPostgres {
		return "", nil
	}
	var parts []string
	var node string
	var rem float64
	err := s.r.QueryRowContext(ctx, `SELECT node, EXTRACT(EPOCH FROM expires - now())::double precision
		FROM ha_leader WHERE id = 1 AND expires > now()`).Scan(&node, &rem)
	switch {
	case err == nil:
		node, _, _ = strings.Cut(node, idSep)
		parts = append(parts, fmt.Sprintf("node %q holds the DHCP leadership for %.1f s more", node, rem))
	case !errors.Is(err, sql.ErrNoRows):
		return "", fmt.Errorf("reading the DHCP leader row: %w", err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT node, EXTRACT(EPOCH FROM now() - heartbeat)::double precision
		FROM ha_nodes WHERE heartbeat > now() - $1::double precision * interval '1 millisecond' ORDER BY node`,
		recent.Milliseconds())
	if err != nil {
		return "", fmt.Errorf("reading the DHCP failover heartbeats: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var age float64
		if err := rows.Scan(&node, &age); err != nil {
			return "", err
		}
		parts = append(parts, fmt.Sprintf("node %q sent a failover heartbeat %.1f s ago", node, age))
	}
	return strings.Join(parts, "; "), rows.Err()
}
