package ban

import (
	"context"
	"net/netip"
	"testing"
	"time"
)

// Filling a full ban table with bans of forged sources evicts none of
// the bans worth more: an admin's, a proven one, a repeat offender's.
func TestEvictionKeepsValuableBans(t *testing.T) {
	r := rig{st: newMemPersister(), rec: &recorder{}}
	r.e, _ = New(Config{MaxRetry: 1, BanTime: time.Hour}, Options{MaxRecords: 32, Store: r.st, Notify: r.rec.notify,
		Rand: func() float64 { return 0 }}, nil, t0)
	ctx := context.Background()
	admin, attacker, repeat := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("192.0.2.2"), netip.MustParseAddr("192.0.2.3")
	if _, err := r.e.Add(ctx, admin, 30*time.Minute, "", t0); err != nil {
		t.Fatal(err)
	}
	// The attacker's own ban, earned over TCP, ends soonest of all.
	r.e.Strike(ctx, attacker, Strike{Reason: "bad-hash"}, t0)
	// A repeat offender's second (forgeable) ban.
	r.e.Strike(ctx, repeat, Strike{Forgeable: true}, t0.Add(-2*time.Hour))
	r.e.Strike(ctx, repeat, Strike{Forgeable: true}, t0)
	// An expired ban, kept as history.
	r.e.Strike(ctx, netip.MustParseAddr("192.0.2.4"), Strike{}, t0.Add(-3*time.Hour))
	for i := range 1000 {
		now := t0.Add(time.Duration(i) * time.Second)
		r.e.Strike(ctx, addrN(i), Strike{Reason: "bad-hash", Forgeable: true}, now)
		if r.e.Records() > 32 {
			t.Fatalf("%d records, cap 32", r.e.Records())
		}
	}
	now := t0.Add(1000 * time.Second)
	for _, ip := range []netip.Addr{admin, attacker, repeat} {
		if !r.e.Banned(ip, now) {
			t.Errorf("the ban on %s was evicted by forged-source bans", ip)
		}
	}
	if _, ok := r.e.History(netip.MustParseAddr("192.0.2.4")); ok {
		t.Error("history was kept while running bans were evicted")
	}
	if !r.e.Banned(addrN(999), now) {
		t.Error("the newest ban was evicted")
	}
	if r.e.Banned(addrN(0), now) {
		t.Error("the forged ban ending soonest was kept")
	}
}

// An admin's running bans are never evicted, even past the cap.
func TestEvictionNeverDropsAdminBans(t *testing.T) {
	r := rig{st: newMemPersister(), rec: &recorder{}}
	r.e, _ = New(Config{MaxRetry: 1}, Options{MaxRecords: 4, Store: r.st}, nil, t0)
	ctx := context.Background()
	for i := range 6 {
		if _, err := r.e.Add(ctx, addrN(i), time.Hour, "", t0); err != nil {
			t.Fatal(err)
		}
	}
	r.e.Strike(ctx, addrN(100), Strike{}, t0)
	for i := range 6 {
		if !r.e.Banned(addrN(i), t0) {
			t.Fatalf("admin ban %d evicted", i)
		}
	}
	if !r.e.Banned(addrN(100), t0) {
		t.Fatal("a full table of admin bans refused a new ban")
	}
	// On restart the same order applies: admin bans are kept past the cap.
	e, dropped := New(Config{}, Options{MaxRecords: 4}, r.st.all(), t0)
	for i := range 6 {
		if !e.Banned(addrN(i), t0) {
			t.Fatalf("admin ban %d dropped on restore (dropped %v)", i, dropped)
		}
	}
}

// The order itself: expired, then forgeable before proven, lower Count
// before higher, ending sooner before later; admin last.
func TestEvictOrder(t *testing.T) {
	mk := func(forgeable bool, count, strikes int, until time.Duration) *record {
		return &record{Record: Record{Forgeable: forgeable, Count: count, Strikes: strikes, Until: t0.Add(until)}}
	}
	order := []*record{
		mk(false, 5, 3, -2*time.Hour), // expired long ago
		mk(false, 1, 0, -time.Hour),   // an expired admin ban is history like any other
		mk(true, 1, 3, time.Minute),   // forgeable, first ban, ending soon
		mk(true, 1, 3, time.Hour),     // forgeable, first ban, ending later
		mk(true, 2, 3, time.Minute),   // forgeable repeat offender
		mk(false, 1, 3, time.Minute),  // proven
		mk(false, 3, 3, time.Second),  // proven repeat offender
		mk(false, 1, 0, time.Second),  // admin
	}
	for i := 0; i+1 < len(order); i++ {
		if evictOrder(order[i], order[i+1], t0) >= 0 {
			t.Errorf("record %d does not go before record %d", i, i+1)
		}
	}
}
