package store

import (
	"context"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestMigrationMACEndKeepsTrail upgrades a version 10 database holding a
// phone's history (a line of repeats straddling since among older and
// newer lines, and another phone's lines) on the back-end under test: the
// (mac, end) index is built over the existing rows and a search by MAC
// with since still finds exactly that phone's lines that ended since.
func TestMigrationMACEndKeepsTrail(t *testing.T) {
	ctx := context.Background()
	loc := NewTestLocation(t)
	db := dbAtVersion(t, loc, 10)
	sec := func(n int) time.Time { return t0.Add(time.Duration(n) * time.Second) }
	old := []provisioning.Event{
		{Time: sec(0), Proto: "http", IP: ipN(9), MAC: macN(1), Outcome: "config"},
		{Time: sec(1), Proto: "http", IP: ipN(9), MAC: macN(1), Outcome: "config", Count: 40, Last: sec(30)},
		{Time: sec(2), Proto: "http", IP: ipN(9), MAC: macN(1), Outcome: "config", Count: 3, Last: sec(5)},
		{Time: sec(3), Proto: "http", IP: ipN(8), MAC: macN(2), Outcome: "config", Count: 9, Last: sec(40)},
		{Time: sec(20), Proto: "tftp", IP: ipN(9), MAC: macN(1), Outcome: "config"},
	}
	insertEventsV8(t, db, old...)
	db.Close()

	s, err := OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatalf("upgrading a version 10 database with events: %v", err)
	}
	defer s.Close()
	got, err := s.Events(ctx, provisioning.EventFilter{MAC: macN(1), Since: sec(10)})
	if err != nil || len(got) != 2 || got[0].Proto != "tftp" || got[1].Times() != 40 {
		t.Fatalf("events of MAC 1 since +10s after migration 11: %+v, %v; want the tftp line at +20s, then the 40 repeats that ran until +30s", got, err)
	}
	if n, err := indexesNamed(s, "events_mac_end"); err != nil || n != 1 {
		t.Fatalf("(mac, end) index after migration 11: %d, %v; want 1", n, err)
	}
}
