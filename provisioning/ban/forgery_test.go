package ban

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"
)

// Forgeable strikes never count against a source that holds a known
// device, not even towards a ban its proven strikes complete.
func TestForgeableStrikesSpareHolder(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 5})
	ip := netip.MustParseAddr("10.0.0.7")
	ctx := context.Background()
	// Before the address held a device, forged datagrams struck it 4 times.
	for i := range 4 {
		if b, _ := r.e.Strike(ctx, ip, Strike{Reason: "bad-hash", Forgeable: true}, t0.Add(time.Duration(i)*time.Second)); b {
			t.Fatal("banned below max_retry")
		}
	}
	// Forgeable strikes while it holds one change nothing.
	for range 20 {
		if b, _ := r.e.Strike(ctx, ip, Strike{Reason: "bad-hash", Forgeable: true, Holder: true}, t0.Add(5*time.Second)); b {
			t.Fatal("forgeable strikes banned a holder")
		}
	}
	// Its genuine refusals count alone: 4 do not ban, the 5th does.
	for i := range 5 {
		b, _ := r.e.Strike(ctx, ip, Strike{Reason: "unknown-file", Holder: true}, t0.Add(6*time.Second))
		if b != (i == 4) {
			t.Fatalf("proven strike %d: banned=%v", i+1, b)
		}
	}
	if banned, forgeable := r.e.Lookup(ip, t0.Add(7*time.Second)); !banned || forgeable {
		t.Fatalf("Lookup = %v, %v; want a proven ban", banned, forgeable)
	}
	if err := r.e.LiftForgeable(ctx, ip, "held", t0.Add(8*time.Second)); !errors.Is(err, ErrNotBanned) {
		t.Fatalf("LiftForgeable lifted a proven ban: %v", err)
	}
}

// A ban that forgeable strikes helped to issue is marked, persisted as
// such, and can be lifted; the lift pardons the source.
func TestForgeableBanMarkedAndLifted(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 3})
	ip := netip.MustParseAddr("10.0.0.8")
	ctx := context.Background()
	r.e.Strike(ctx, ip, Strike{Reason: "bad-path"}, t0)
	r.e.Strike(ctx, ip, Strike{Reason: "bad-path", Forgeable: true}, t0)
	if b, _ := r.e.Strike(ctx, ip, Strike{Reason: "bad-path"}, t0); !b {
		t.Fatal("not banned at max_retry")
	}
	if banned, forgeable := r.e.Lookup(ip, t0); !banned || !forgeable {
		t.Fatalf("Lookup = %v, %v; want a forgeable ban", banned, forgeable)
	}
	if st := r.st.all(); len(st) != 1 || !st[0].Forgeable {
		t.Fatalf("store holds %+v; want the ban marked forgeable", st)
	}
	r.rec.take()
	if err := r.e.LiftForgeable(ctx, ip, "framed", t0.Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	if r.banned("10.0.0.8", t0.Add(time.Second)) || len(r.st.all()) != 0 {
		t.Fatal("the lifted ban is still enforced or stored")
	}
	if cs := r.rec.take(); len(cs) != 1 || cs[0].Banned || cs[0].Reason != "framed" {
		t.Fatalf("changes = %+v; want one unban saying why", cs)
	}
	if _, ok := r.e.History(ip); ok {
		t.Fatal("a lifted ban was kept as history (no pardon)")
	}
}

// Scan detection counts MACs from the User-Agent as well as the file
// name, and none from forgeable strikes.
func TestScanCountsUAMACsNotForgeable(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 100, ScanMACs: 3})
	ctx := context.Background()
	ua := netip.MustParseAddr("10.0.0.9")
	for i := range 4 {
		b, _ := r.e.Strike(ctx, ua, Strike{Reason: "unknown-mac", UAMAC: mac(i + 1)}, t0)
		if b != (i == 3) {
			t.Fatalf("UA MAC %d: banned=%v; want a scan ban at the 4th distinct MAC", i+1, b)
		}
	}
	both := netip.MustParseAddr("10.0.0.10")
	r.e.Strike(ctx, both, Strike{MAC: mac(1), UAMAC: mac(2)}, t0)
	if b, _ := r.e.Strike(ctx, both, Strike{MAC: mac(3), UAMAC: mac(4)}, t0); !b {
		t.Fatal("4 distinct MACs in names and UAs together did not ban")
	}
	udp := netip.MustParseAddr("10.0.0.11")
	for i := range 20 {
		if b, _ := r.e.Strike(ctx, udp, Strike{MAC: mac(i + 1), UAMAC: mac(i + 100), Forgeable: true}, t0); b {
			t.Fatal("forgeable strikes fed scan detection")
		}
	}
}

// Lookup asks for a Forgeable ban's recheck at most once per
// recheckEvery, however many requests a banned source sends.
func TestRecheckPaced(t *testing.T) {
	r := newRig(t, Config{MaxRetry: 1})
	ip := netip.MustParseAddr("10.0.0.12")
	r.e.Strike(context.Background(), ip, Strike{Forgeable: true}, t0)
	checks := 0
	for i := range 100 {
		banned, recheck := r.e.Lookup(ip, t0.Add(time.Duration(i)*50*time.Millisecond))
		if !banned {
			t.Fatal("not banned")
		}
		if recheck {
			checks++
		}
	}
	if checks != 5 {
		t.Fatalf("%d rechecks in 5 s, want 5", checks)
	}
}
