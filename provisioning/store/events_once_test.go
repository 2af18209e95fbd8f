package store

import (
	"context"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestEventOnceWrittenOnce: a line whose Once key the trail holds already
// is skipped, in the same batch or a later one; lines without a key are
// all kept, identical or not.
func TestEventOnceWrittenOnce(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	end := provisioning.Event{Time: t0, Proto: "ban", IP: ipN(7), Outcome: "unbanned", Reason: "expired", Once: "ban-expired 10.0.0.7/32 1"}
	plain := provisioning.Event{Time: t0, Proto: "ban", IP: ipN(8), Outcome: "unbanned", Reason: "admin"}
	if err := s.AddEvents(ctx, []provisioning.Event{end, plain, end, plain}); err != nil {
		t.Fatal(err)
	}
	other := end
	other.Once, other.Time = "ban-expired 10.0.0.7/32 2", t0.Add(time.Hour) // the same source's next ban
	if err := s.AddEvents(ctx, []provisioning.Event{end, other}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Events(ctx, provisioning.EventFilter{IP: ipN(7)})
	if err != nil || len(got) != 2 {
		t.Fatalf("lines of 10.0.0.7: %+v, %v; want one per ban end", got, err)
	}
	if got, err := s.Events(ctx, provisioning.EventFilter{IP: ipN(8)}); err != nil || len(got) != 2 {
		t.Fatalf("lines of 10.0.0.8 (no key): %d, %v; want both", len(got), err)
	}
}

// TestMigrationEventOnceKeepsTrail upgrades a version 9 database holding
// audit lines, identical ban ends among them (written by two nodes before
// the key existed), on the back-end under test: every line stays, and a
// keyed line is written once next to them.
func TestMigrationEventOnceKeepsTrail(t *testing.T) {
	ctx := context.Background()
	loc := NewTestLocation(t)
	db := dbAtVersion(t, loc, 9)
	old := provisioning.Event{Time: t0, Proto: "ban", IP: ipN(7), Outcome: "unbanned", Reason: "expired"}
	insertEventsV8(t, db, old, old)
	db.Close()
	s, err := OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatalf("upgrading a version 9 database with events: %v", err)
	}
	defer s.Close()
	keyed := old
	keyed.Time, keyed.Once = t0.Add(time.Hour), "ban-expired 10.0.0.7/32 3"
	for range 2 {
		if err := s.AddEvents(ctx, []provisioning.Event{keyed}); err != nil {
			t.Fatal(err)
		}
	}
	if got, err := s.Events(ctx, provisioning.EventFilter{}); err != nil || len(got) != 3 {
		t.Fatalf("after migration 10: %d lines, %v; want the 2 old ones and the keyed one once", len(got), err)
	}
}
