// Package store is provbox's state database: the SQLite implementation of
// provisioning.Store, on the pure-Go driver modernc.org/sqlite (the binary
// stays cgo-free). Open creates or opens <state_dir>/provbox.db, mode 0600,
// and applies the schema migrations embedded from migrations/.
//
// # Durability
//
// A method that returned nil has committed its transaction, and the commit
// is on stable storage:
//
//   - kill -9, a panic or an OOM kill lose nothing that was acknowledged.
//     The database runs in WAL mode; a commit is appended to provbox.db-wal
//     before the call returns, and the next Open replays the WAL.
//   - Power loss and kernel crashes lose nothing that was acknowledged,
//     provided the disk honours flushes: synchronous=FULL makes every
//     commit fsync the WAL before returning. The database file is created
//     and its directory synced before first use; SQLite syncs the directory
//     when it creates the WAL.
//   - A call that returned an error, or was still running when the process
//     died, changed nothing: every method is one transaction, all or none.
//
// The cost is one fsync per transaction (about a millisecond on SSDs,
// several on spinning disks), paid by every write method. Writers that
// produce many small records hand them over in batches — the core's lease
// writer (group commit) and audit-trail writer do — so one fsync covers a
// whole batch; see BenchmarkPutLeases.
//
// # Concurrency
//
// A Store is safe for concurrent use. Writes go through a single
// connection, so they are serialised in the process and never contend for
// SQLite's write lock; reads use a separate pool and, thanks to WAL, see the
// last committed state without waiting for a writer. The daemon is the
// database's only writer process; busy_timeout covers the rare wait for a
// checkpoint or for another process reading the file.
//
// # Portability
//
// Queries use $N placeholders and portable SQL (INSERT ... ON CONFLICT ...
// DO UPDATE, no SQLite-only functions) so a PostgreSQL backend can share
// them. Times are BIGINT unix nanoseconds in UTC, NULL for the zero time
// (so representable times are the years 1678 to 2262); MACs are 12
// lower-case hex digits; addresses and prefixes are their netip text form.
package store
