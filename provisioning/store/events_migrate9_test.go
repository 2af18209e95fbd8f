package store

import (
	"context"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestMigrationEventEndKeepsTrail upgrades a version 8 database holding
// audit lines, folded repeats among them, on the back-end under test: the
// end indexes are built over the existing rows, the "since" filter finds
// the old line of repeats that went on past it, and trimming keeps it
// over lines that ended before it.
func TestMigrationEventEndKeepsTrail(t *testing.T) {
	ctx := context.Background()
	loc := NewTestLocation(t)
	db := dbAtVersion(t, loc, 8)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	old := []provisioning.Event{
		{Time: sec(0), Proto: "http", IP: ipN(9), MAC: macN(1), Outcome: "config", Count: 50, Last: sec(30)},
		{Time: sec(1), Proto: "tftp", IP: ipN(2), Outcome: "refused", Reason: "bad-path"},
		{Time: sec(2), Proto: "http", IP: ipN(3), MAC: macN(2), Outcome: "config"},
	}
	insertEventsV8(t, db, old...)
	db.Close()

	s, err := OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatalf("upgrading a version 8 database with events: %v", err)
	}
	defer s.Close()
	got, err := s.Events(ctx, provisioning.EventFilter{Since: sec(10)})
	if err != nil || len(got) != 1 || got[0].Times() != 50 {
		t.Fatalf("events since +10s after migration 9: %+v, %v; want the 50 repeats that ran until +30s", got, err)
	}
	if err := s.TrimEvents(ctx, 10, 1); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Events(ctx, provisioning.EventFilter{}); err != nil || len(got) != 1 || got[0].Times() != 50 {
		t.Fatalf("after trimming to one line: %+v, %v; want the repeats, whose last request is the newest", got, err)
	}
	if n, err := indexesNamed(s, "events_end", "events_unknown_end"); err != nil || n != 2 {
		t.Fatalf("end indexes after migration 9: %d, %v; want 2", n, err)
	}
}
