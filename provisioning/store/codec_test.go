package store

import "testing"

func TestPositional(t *testing.T) {
	lite, pg := &Store{dialect: dialectSQLite}, &Store{dialect: dialectPostgres}
	for _, c := range []struct{ in, want string }{
		{"INSERT INTO t (a, b) VALUES ($1, $2)", "INSERT INTO t (a, b) VALUES (?, ?)"},
		{"UPDATE t SET a = $2 WHERE b = $1", "UPDATE t SET a = $2 WHERE b = $1"}, // out of order: unchanged
		{"SELECT $1, $1", "SELECT $1, $1"},                                       // reused: unchanged
		{"DELETE FROM t WHERE a = $1 AND b = $10", "DELETE FROM t WHERE a = $1 AND b = $10"},
		{"SELECT 1", "SELECT 1"},
		{putLeaseSQL, "INSERT INTO leases (ip, mac, expires, hostname, vendor_class)\n\t\tVALUES (?, ?, ?, ?, ?)\n\t\tON CONFLICT (ip) DO UPDATE SET mac = excluded.mac, expires = excluded.expires,\n\t\thostname = excluded.hostname, vendor_class = excluded.vendor_class"},
	} {
		if got := lite.positional(c.in); got != c.want {
			t.Errorf("positional(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := pg.positional(c.in); got != c.in {
			t.Errorf("PostgreSQL: positional(%q) = %q, want it unchanged", c.in, got)
		}
	}
}
