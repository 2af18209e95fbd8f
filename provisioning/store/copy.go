package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
)

// copyTables lists every state table in an order that satisfies the
// foreign keys, with its columns (schema version 10).
var copyTables = []struct{ name, cols string }{
	{"accounts", "name, hash, sip_server, sip_port, sip_transport, ntp_server, timezone, language, created"},
	{"devices", "mac, account, vendor, model, hash, ip, open_until, locked_at, created, last_seen"},
	{"lines", "mac, position, extension, auth_user, password, display_name, label"},
	{"old_paths", "digest, mac, shown, cause, since, until"},
	{"leases", "ip, mac, expires, hostname, vendor_class"},
	{"bans", "prefix, reason, strikes, count, since, until, forgeable"},
	{"events", "id, time, proto, ip, mac, ua, file, outcome, reason, actor, unknown, times, last_time, once"},
}

// Counts is the number of rows of each table.
type Counts map[string]int

func (c Counts) String() string {
	var parts []string
	for _, t := range copyTables {
		parts = append(parts, fmt.Sprintf("%s %d", t.name, c[t.name]))
	}
	return strings.Join(parts, ", ")
}

// Counts returns the row count of every state table.
func (s *Store) Counts(ctx context.Context) (Counts, error) {
	c := Counts{}
	for _, t := range copyTables {
		var n int
		if err := s.w.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+t.name).Scan(&n); err != nil {
			return nil, fmt.Errorf("counting %s: %w", t.name, err)
		}
		c[t.name] = n
	}
	return c, nil
}

// CopyTo copies every row of s into dst, which must be empty, in one
// transaction on dst, and then checks that both hold the same number of
// rows in each table. Audit lines keep their ids. Nothing must write to
// either database meanwhile (stop the daemons).
func (s *Store) CopyTo(ctx context.Context, dst *Store) (Counts, error) {
	src, err := s.Counts(ctx)
	if err != nil {
		return nil, err
	}
	have, err := dst.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range copyTables {
		if have[t.name] != 0 {
			return nil, fmt.Errorf("the destination is not empty (%s has %d rows): copy only into a new database", t.name, have[t.name])
		}
	}
	err = dst.inTx(ctx, func(tx *sql.Tx) error {
		for _, t := range copyTables {
			if err := s.copyTable(ctx, tx, dst.dialect, t.name, t.cols); err != nil {
				return fmt.Errorf("copying %s: %w", t.name, err)
			}
		}
		if dst.dialect == dialectPostgres { // the identity continues after the copied ids
			_, err := tx.ExecContext(ctx, `SELECT setval(pg_get_serial_sequence('events', 'id'),
				COALESCE((SELECT MAX(id) FROM events), 0) + 1, false)`)
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	got, err := dst.Counts(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range copyTables {
		if got[t.name] != src[t.name] {
			return got, fmt.Errorf("verification failed: %s has %d rows in the source, %d in the copy", t.name, src[t.name], got[t.name])
		}
	}
	return got, nil
}

func (s *Store) copyTable(ctx context.Context, tx *sql.Tx, to dialect, table, cols string) error {
	rows, err := s.r.QueryContext(ctx, "SELECT "+cols+" FROM "+table)
	if err != nil {
		return err
	}
	defer rows.Close()
	n := strings.Count(cols, ",") + 1
	marks := make([]string, n)
	for i := range marks {
		marks[i] = fmt.Sprintf("$%d", i+1)
	}
	q := "INSERT INTO " + table + " (" + cols + ")"
	if table == "events" && to == dialectPostgres {
		q += " OVERRIDING SYSTEM VALUE" // keep the audit ids
	}
	ins, err := tx.PrepareContext(ctx, q+" VALUES ("+strings.Join(marks, ", ")+")")
	if err != nil {
		return err
	}
	defer ins.Close()
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		switch table { // SQLite hands a BOOLEAN back as an integer
		case "bans":
			vals[n-1] = truthy(vals[n-1]) // forgeable
		case "events":
			vals[10] = truthy(vals[10]) // unknown
		}
		if _, err := ins.ExecContext(ctx, vals...); err != nil {
			return err
		}
	}
	return rows.Err()
}

func truthy(v any) bool {
	switch b := v.(type) {
	case bool:
		return b
	case int64:
		return b != 0
	}
	return false
}
