package store_test

import (
	"context"
	"database/sql"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/store"
)

// propagationBound is how long the test waits for a change to show on the
// other node. The target is one second; the bound is looser so a loaded
// CI machine does not fail it, and the test logs what it measured.
const propagationBound = 5 * time.Second

// eventually polls cond every 10 ms up to propagationBound and returns
// how long it took.
func eventually(t *testing.T, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for time.Since(start) < propagationBound {
		if cond() {
			took := time.Since(start)
			t.Logf("%s: %v", what, took.Round(time.Millisecond))
			return took
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("%s: not seen on the other node after %v", what, propagationBound)
	return 0
}

// TestTwoNodesFollowEachOther: changes one node commits (device added,
// locked, a lease, a removal) show in the other node's memory view, also
// after the listener connections are killed (reconnect and full resync).
func TestTwoNodesFollowEachOther(t *testing.T) {
	c := store.PGCluster()
	if c == nil {
		t.Skip("needs the shared PostgreSQL database (the suite's PostgreSQL run)")
	}
	ctx := context.Background()
	dsn := store.NewTestLocation(t)
	cfg := provisioning.Config{BaseURL: "http://192.0.2.1"}
	a := node(t, dsn, cfg)
	b := node(t, dsn, cfg)
	if _, err := a.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddDevice(ctx, provisioning.Device{MAC: lockMAC, Account: "office", Vendor: "yealink", Model: "T46U"}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "device added on a, seen on b", func() bool { _, err := b.Device(lockMAC); return err == nil })
	if _, err := b.LockDevice(ctx, lockMAC); err != nil {
		t.Fatal(err)
	}
	eventually(t, "device locked on b, seen on a", func() bool {
		d, err := a.Device(lockMAC)
		return err == nil && !d.LockedAt.IsZero() && d.OpenUntil.IsZero()
	})
	l := provisioning.Lease{IP: netip.MustParseAddr("10.0.0.7"), MAC: lockMAC, Expires: time.Now().Add(time.Hour)}
	if err := a.CommitLease(ctx, l); err != nil {
		t.Fatal(err)
	}
	eventually(t, "lease on a, seen on b", func() bool { return len(b.Leases()) == 1 })

	// Kill both listeners; they reconnect and resync in full.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	before := b.Resyncs()
	var killed int
	if err := db.QueryRow(`SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
		WHERE application_name = 'provbox-listen' AND datname = current_database()`).Scan(&killed); err != nil {
		t.Fatal(err)
	}
	if killed != 2 {
		t.Fatalf("terminated %d listener connections, want 2 (one per node)", killed)
	}
	if err := a.RemoveDevice(ctx, lockMAC); err != nil {
		t.Fatal(err)
	}
	eventually(t, "device removed on a while listeners reconnect, gone on b", func() bool {
		_, err := b.Device(lockMAC)
		return err != nil
	})
	eventually(t, "b resynced after its listener reconnected", func() bool { return b.Resyncs() > before })
}
