package store_test

import (
	"fmt"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/store"
)

// banNodes starts two nodes on one PostgreSQL database, sharing a fake
// clock (ban lengths are its), with a ban after 3 strikes.
func banNodes(t *testing.T) (a, b *provisioning.Service, clk *provtest.Clock) {
	t.Helper()
	if store.PGCluster() == nil {
		t.Skip("needs the shared PostgreSQL database (the suite's PostgreSQL run)")
	}
	clk = provtest.NewClock(time.Now().UTC().Truncate(time.Second))
	cfg := provisioning.Config{BaseURL: "http://192.0.2.1", Now: clk.Now,
		Bans: provisioning.BanConfig{MaxRetry: 3, BanTime: time.Hour}}
	dsn := store.NewTestLocation(t)
	return node(t, dsn, cfg), node(t, dsn, cfg), clk
}

// strikeUntilBanned sends refused HTTP fetches (unknown MACs) from ip to
// svc until svc bans it, at most n.
func strikeUntilBanned(t *testing.T, svc *provisioning.Service, ip netip.Addr, n int) int {
	t.Helper()
	for i := range n {
		if svc.Banned(ip) {
			return i
		}
		svc.Fetch(t.Context(), provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, RemoteIP: ip,
			Path: fmt.Sprintf("/805ec0aa%04x.cfg", i), UserAgent: "curl/8.5.0"})
	}
	if !svc.Banned(ip) {
		t.Fatalf("%d refused fetches from %s did not ban it", n, ip)
	}
	return n
}

// TestTwoNodesShareBans: a ban node a issues from its strikes is enforced
// by node b, whose own strike counters survive the reloads; an admin
// unban on b lifts it on a; a ban that ran out is not brought back by a
// resync.
func TestTwoNodesShareBans(t *testing.T) {
	a, b, clk := banNodes(t)
	attacker := netip.MustParseAddr("198.51.100.7")
	other := netip.MustParseAddr("198.51.100.8")
	// b counts two strikes against other, one short of a ban.
	for i := range 2 {
		b.Fetch(t.Context(), provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, RemoteIP: other,
			Path: fmt.Sprintf("/805ec0bb%04x.cfg", i), UserAgent: "curl/8.5.0"})
	}
	if b.Banned(other) {
		t.Fatal("two strikes banned other on b")
	}

	strikeUntilBanned(t, a, attacker, 10)
	eventually(t, "ban by strikes on a, enforced on b", func() bool { return b.Banned(attacker) })
	if r := b.Fetch(t.Context(), provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, RemoteIP: attacker,
		Path: "/805ec0aa0000.cfg", UserAgent: "curl/8.5.0"}); r.Found {
		t.Fatal("b served the banned attacker")
	}
	if n := strikeUntilBanned(t, b, other, 10); n != 1 {
		t.Fatalf("b needed %d more strikes to ban other, want 1: a reload lost its strike counter", n)
	}
	eventually(t, "ban by b's strikes, enforced on a", func() bool { return a.Banned(other) })

	if !a.Banned(attacker) {
		t.Fatal("a no longer bans the attacker before any unban")
	}
	if err := b.Unban(t.Context(), attacker); err != nil {
		t.Fatal(err)
	}
	eventually(t, "admin unban on b, lifted on a", func() bool { return !a.Banned(attacker) })
	// Pardoned on a too: a fresh ban takes all three strikes again there.
	if n := strikeUntilBanned(t, a, attacker, 10); n != 3 {
		t.Fatalf("a banned the pardoned attacker after %d strikes, want 3", n)
	}

	// Every ban runs out; resyncs (as after a reconnect) bring none back.
	clk.Add(2 * time.Hour)
	for name, svc := range map[string]*provisioning.Service{"a": a, "b": b} {
		if err := svc.Resync(t.Context()); err != nil {
			t.Fatal(err)
		}
		if svc.Banned(attacker) || svc.Banned(other) || len(svc.Bans()) != 0 {
			t.Errorf("node %s after expiry and resync: bans %+v", name, svc.Bans())
		}
	}
}

// TestTwoNodesLiftFramedBan: a ban forged datagrams helped earn, lifted
// on one node because the address turned out to hold a known phone, is
// lifted on the other too.
func TestTwoNodesLiftFramedBan(t *testing.T) {
	a, b, _ := banNodes(t)
	ctx := t.Context()
	for i := range 10 { // TFTP: forgeable strikes, "from" the phone's address
		if a.Banned(phoneIP) {
			break
		}
		a.Fetch(ctx, provisioning.FetchRequest{Proto: provisioning.ProtoTFTP, RemoteIP: phoneIP,
			Path: fmt.Sprintf("805ec0aa%04x.cfg", i)})
	}
	if bans := a.Bans(); len(bans) != 1 || !bans[0].Forgeable {
		t.Fatalf("a's bans %+v, want one forgeable ban of %s", bans, phoneIP)
	}
	eventually(t, "forgeable ban on a, listed on b", func() bool { return len(b.Bans()) == 1 })

	// The phone shows up: a knows it and its lease, and so does b.
	if _, err := a.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.AddDevice(ctx, provisioning.Device{MAC: lockMAC, Account: "office", Vendor: "yealink", Model: "T46U"}); err != nil {
		t.Fatal(err)
	}
	if err := a.CommitLease(ctx, provisioning.Lease{IP: phoneIP, MAC: lockMAC, Expires: time.Now().Add(24 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	eventually(t, "the phone's lease on a, seen on b", func() bool { return len(b.Leases()) == 1 })
	// b is asked first: it lifts the ban, and a (never asked) follows.
	eventually(t, "b lifts the framed phone's ban", func() bool { return !b.Banned(phoneIP) })
	eventually(t, "framed ban lifted on b, gone on a", func() bool { return len(a.Bans()) == 0 })
}
