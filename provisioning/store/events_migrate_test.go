package store

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestMigrationEventRepeatsKeepsTrail upgrades a version 7 database that
// already holds audit lines (written with the columns of that release) on
// the back-end under test: each old line reads back as one request, the
// trail's filters and trimming still see it, and lines of repeats can be
// added next to it.
func TestMigrationEventRepeatsKeepsTrail(t *testing.T) {
	ctx := context.Background()
	loc := NewTestLocation(t)
	db := dbAtVersion(t, loc, 7)
	old := []provisioning.Event{
		{Time: t0, Proto: "http", IP: ipN(1), MAC: macN(1), UA: "Yealink", File: "y.cfg", Outcome: "config"},
		{Time: t0.Add(time.Second), Proto: "tftp", IP: ipN(2), Outcome: "refused", Reason: "bad-path"},
		{Time: t0.Add(2 * time.Second), Proto: "admin", MAC: macN(1), Outcome: "locked", Reason: "admin", Actor: "cli:alice"},
	}
	for _, e := range old {
		if _, err := db.Exec(`INSERT INTO events (time, proto, ip, mac, ua, file, outcome, reason, actor, unknown)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`, e.Time.UnixNano(), e.Proto, addrText(e.IP),
			macText(e.MAC), e.UA, e.File, e.Outcome, e.Reason, e.Actor, e.Unknown()); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatalf("upgrading a version 7 database with events: %v", err)
	}
	defer s.Close()
	folded := provisioning.Event{Time: t0.Add(3 * time.Second), Proto: "http", IP: ipN(1), MAC: macN(1), UA: "Yealink",
		File: "y.cfg", Outcome: "config", Count: 40, Last: t0.Add(3*time.Second + 150*time.Millisecond)}
	if err := s.AddEvents(ctx, []provisioning.Event{folded}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, provisioning.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	want := []provisioning.Event{folded, old[2], old[1], old[0]}
	for i := range want {
		if i < len(got) {
			want[i].ID = got[i].ID
		}
		want[i].Time = utc(want[i].Time)
		if !want[i].Last.IsZero() {
			want[i].Last = utc(want[i].Last)
		}
	}
	checkEqual(t, "events after migration 8", got, want)
	since, err := s.Events(ctx, provisioning.EventFilter{Since: t0.Add(time.Second), Outcome: "refused"})
	if err != nil || len(since) != 1 || since[0].Times() != 1 {
		t.Errorf("refusals since t0+1s: %+v, %v", since, err)
	}
	if err := s.TrimEvents(ctx, 0, 10); err != nil {
		t.Fatal(err)
	}
	if n := count(t, s, "events"); n != 3 { // the old refusal (no MAC) was the one unknown line
		t.Errorf("%d lines after trimming unknown lines to 0, want 3", n)
	}
}

// dbAtVersion creates the database at loc on the back-end under test
// with the migrations up to version n applied, as a release that ended
// there left it; the caller writes rows the way that release did.
func dbAtVersion(t *testing.T, loc string, n int) *sql.DB {
	t.Helper()
	d := dialectSQLite
	var db *sql.DB
	var err error
	if pg == nil {
		path, err := prepareFile(loc)
		if err != nil {
			t.Fatal(err)
		}
		db, err = openPool(path+writerParams, 1)
		if err != nil {
			t.Fatal(err)
		}
	} else {
		d = dialectPostgres
		if db, err = openPG(loc); err != nil {
			t.Fatal(err)
		}
	}
	ms, err := migrationsFor(d)
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) <= n {
		t.Fatalf("%d migrations, want more than %d", len(ms), n)
	}
	if _, err := db.Exec(`CREATE TABLE schema_migrations (version INTEGER NOT NULL PRIMARY KEY,
		name TEXT NOT NULL, applied BIGINT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	for _, m := range ms[:n] {
		if err := apply(context.Background(), db, m); err != nil {
			t.Fatalf("%s: %v", m.name, err)
		}
	}
	return db
}

// insertEventsV8 writes es into a database of schema version 8 to 10 as
// that release's store would (the columns before events.once).
func insertEventsV8(t *testing.T, db *sql.DB, es ...provisioning.Event) {
	t.Helper()
	for _, e := range es {
		if _, err := db.Exec(`INSERT INTO events (time, proto, ip, mac, ua, file, outcome, reason, actor, unknown, times, last_time)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, e.Time.UnixNano(), e.Proto, addrText(e.IP),
			macText(e.MAC), e.UA, e.File, e.Outcome, e.Reason, e.Actor, e.Unknown(), e.Times(), lastNanos(e)); err != nil {
			t.Fatal(err)
		}
	}
}

// indexesNamed counts the indexes of s's database with those names, on
// either back-end.
func indexesNamed(s *Store, names ...string) (int, error) {
	q := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = $1`
	if pg != nil {
		q = `SELECT COUNT(*) FROM pg_indexes WHERE indexname = $1`
	}
	total := 0
	for _, name := range names {
		var n int
		if err := s.r.QueryRow(q, name).Scan(&n); err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}
