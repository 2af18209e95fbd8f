package httpd

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestE2EPendingSightingFromAnotherHost: a host on the LAN whose own
// MAC the network knows (neighbour table, lease) asks for another MAC's
// bootstrap file with a vendor User-Agent. It was recorded as that
// phone's pending sighting, overwriting the real phone's: the pending
// page then showed the attacker's address, model and vendor for the
// label MAC the admin looks for, and adopting it bound the vendor the
// attacker chose (the real phone, with another vendor's User-Agent, is
// then refused and struck until its address is banned). A sighting the
// network contradicts (neighbour entry or lease of another MAC, or a
// User-Agent naming another MAC) is not a phone asking for itself, and
// is not recorded; one the network cannot judge still is.
func TestE2EPendingSightingFromAnotherHost(t *testing.T) {
	attacker := provisioning.MAC{0x02, 0xa7, 0x7a, 0xc0, 0x00, 0x01}
	victim := provisioning.MAC{0x80, 0x5e, 0xc0, 0xaa, 0xbb, 0xcc}
	leased := provisioning.MAC{0x80, 0x5e, 0xc0, 0xaa, 0xbb, 0xdd}
	third := provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	hosts := map[netip.Addr]provisioning.MAC{netip.MustParseAddr("127.0.0.1"): attacker}
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) { m, ok := hosts[ip]; return m, ok }
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: base, Checks: provisioning.DefaultChecks(true), Neighbours: neigh,
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}})
	// 127.0.0.3 holds a lease of a third MAC (the DHCP side knows it).
	if err := svc.CommitLease(t.Context(), provisioning.Lease{IP: netip.MustParseAddr("127.0.0.3"), MAC: third,
		Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newServer(t, Config{}, svc).Serve(ctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	ask := func(from, file, ua string) {
		t.Helper()
		if code, _, _ := fetchAs(t, clientFrom(netip.MustParseAddr(from)), base+"/"+file, ua, nil); code != 404 {
			t.Fatalf("GET /%s from %s: %d, want the plain refusal 404", file, from, code)
		}
	}
	const ua = "Yealink SIP-T46U 108.86.0.20"

	// From 127.0.0.1, which the neighbour table knows as the attacker's
	// MAC, and from 127.0.0.3, whose lease is the third MAC's: sightings
	// of the victim's file are refused as before and not recorded.
	ask("127.0.0.1", "805ec0aabbcc.cfg", ua)
	ask("127.0.0.1", "805ec0aabbcc.cfg", ua+" 80:5e:c0:aa:bb:cc")
	ask("127.0.0.3", "805ec0aabbcc.cfg", ua)
	if p, err := svc.PendingPhone(victim); err == nil {
		t.Errorf("hosts known as other MACs made %s pending: %+v", victim, p)
	}
	// Where nothing can judge (127.0.0.2: no neighbour entry, no lease),
	// a UA naming another MAC than the file still contradicts it.
	ask("127.0.0.2", "805ec0aabbdd.cfg", ua+" 80:5e:c0:11:22:33")
	if p, err := svc.PendingPhone(leased); err == nil {
		t.Errorf("a UA naming another MAC made %s pending: %+v", leased, p)
	}
	// Phones asking for themselves are still pending: the attacker's
	// own MAC from its own address, a phone the network cannot judge.
	ask("127.0.0.1", "02a77ac00001.cfg", ua)
	ask("127.0.0.2", "805ec0aabbdd.cfg", ua+" 80:5e:c0:aa:bb:dd")
	for _, m := range []provisioning.MAC{attacker, leased} {
		if _, err := svc.PendingPhone(m); err != nil {
			t.Errorf("%s asking for its own file is not pending: %v", m, err)
		}
	}
}
