package store

import (
	"context"
	"database/sql"

	"github.com/provbox/provbox/provisioning"
)

// pgPutLeasesSQL writes a whole batch in one statement: on PostgreSQL,
// unlike SQLite in the same process, each statement is a round trip to
// the server, and a batch of 128 one at a time cost 15 times as long.
const pgPutLeasesSQL = `INSERT INTO leases (ip, mac, expires, hostname, vendor_class)
	SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[], $5::text[])
	ON CONFLICT (ip) DO UPDATE SET mac = excluded.mac, expires = excluded.expires,
	hostname = excluded.hostname, vendor_class = excluded.vendor_class`

// pgPutLeases runs pgPutLeasesSQL in tx. One statement may not update a
// row twice, so for an address given twice the last lease wins, as it
// does when the rows are written one after the other.
func pgPutLeases(ctx context.Context, tx *sql.Tx, ls []provisioning.Lease) error {
	last := make(map[string]int, len(ls))
	for i, l := range ls {
		last[l.IP.String()] = i
	}
	n := len(last)
	ips, macs, hosts, vcs := make([]string, 0, n), make([]string, 0, n), make([]string, 0, n), make([]string, 0, n)
	exp := make([]*int64, 0, n)
	for i, l := range ls {
		ip := l.IP.String()
		if last[ip] != i {
			continue
		}
		ips, macs, hosts, vcs = append(ips, ip), append(macs, macText(l.MAC)), append(hosts, l.Hostname), append(vcs, l.VendorClass)
		var e *int64
		if v, ok := nanos(l.Expires).(int64); ok {
			e = &v
		}
		exp = append(exp, e)
	}
	_, err := tx.ExecContext(ctx, pgPutLeasesSQL, ips, macs, exp, hosts, vcs)
	return err
}
