package store

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestFailoverInUse: a database no failover pair used reports nothing; a
// node's heartbeat and then its unexpired leadership are reported; once
// resigned and the heartbeat old, nothing again.
func TestFailoverInUse(t *testing.T) {
	sa, _, a, _ := haPair(t, 5*time.Second)
	ctx := context.Background()
	in := func() string {
		t.Helper()
		got, err := sa.FailoverInUse(ctx, 2*time.Second)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := in(); got != "" {
		t.Fatalf("fresh database: %q", got)
	}
	if err := a.Heartbeat(ctx, "standby"); err != nil {
		t.Fatal(err)
	}
	if got := in(); !strings.Contains(got, `node "a" sent a failover heartbeat`) || strings.Contains(got, "leadership") {
		t.Fatalf("after a heartbeat: %q", got)
	}
	tok := claim(t, a, 0)
	if got := in(); !strings.Contains(got, `node "a" holds the DHCP leadership`) {
		t.Fatalf("after a claim: %q", got)
	}
	if err := a.Resign(ctx, tok); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // past recent: the heartbeat is old
	if got := in(); got != "" {
		t.Fatalf("resigned, heartbeat old: %q", got)
	}
}

// TestFailoverInUseSQLite: SQLite has no failover to report.
func TestFailoverInUseSQLite(t *testing.T) {
	sqliteOnly(t)
	if got, err := openTest(t).FailoverInUse(context.Background(), time.Minute); got != "" || err != nil {
		t.Fatalf("%q, %v", got, err)
	}
}
