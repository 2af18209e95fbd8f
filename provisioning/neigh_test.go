package provisioning

import (
	"net/netip"
	"strings"
	"testing"
	"time"
)

const arpSample = `IP address       HW type     Flags       HW address            Mask     Device
192.0.2.50       0x1         0x2         80:5e:c0:11:22:33     *        eth1
192.0.2.60       0x1         0x0         00:00:00:00:00:00     *        eth1
192.0.2.70       0x1         0x2         80:5e:c0:99:99:99     *        eth1
`

func TestLookupARP(t *testing.T) {
	cases := map[string]struct {
		mac MAC
		ok  bool
	}{
		"192.0.2.50":        {phoneMAC, true},
		"::ffff:192.0.2.50": {phoneMAC, true},
		"192.0.2.60":        {MAC{}, false}, // incomplete entry
		"192.0.2.99":        {MAC{}, false},
		"2001:db8::50":      {MAC{}, false},
		"192.0.2.5":         {MAC{}, false}, // a prefix of a listed address is not it
	}
	for ip, want := range cases {
		m, ok := lookupARP(strings.NewReader(arpSample), netip.MustParseAddr(ip))
		if m != want.mac || ok != want.ok {
			t.Errorf("lookupARP(%s) = %v, %v; want %v, %v", ip, m, ok, want.mac, want.ok)
		}
	}
}

func TestFetchNeighbourCheck(t *testing.T) {
	neigh := func(ip netip.Addr) (MAC, bool) { return lookupARP(strings.NewReader(arpSample), ip) }
	f := newFixture(t, func(c *Config) { c.Checks.Neighbour, c.Neighbours = true, neigh })
	if r := f.get("/805ec0112233.cfg", nil); !r.Found {
		t.Fatal("the phone whose MAC the kernel sees was refused")
	}
	// Another host answering for the phone's leased address (ARP says a
	// different MAC) is refused even with a perfect UA.
	if _, err := f.s.UnlockDevice(t.Context(), phoneMAC, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.s.CommitLease(t.Context(), Lease{IP: netip.MustParseAddr("192.0.2.70"), MAC: phoneMAC, Expires: f.clk.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	r := f.get("/805ec0112233.cfg", func(r *Request) { r.RemoteIP = netip.MustParseAddr("192.0.2.70") })
	if r.Found {
		t.Fatal("a requester whose ARP entry is another MAC got the redirect")
	}
	if e := f.lastEvent(t); e.Reason != reasonNeighbour {
		t.Fatalf("event = %+v; want reason %q", e, reasonNeighbour)
	}
}

func TestOnLink(t *testing.T) {
	lan := []netip.Prefix{netip.MustParsePrefix("10.20.0.2/24")}
	for ip, want := range map[string]bool{
		"10.20.0.50": true, "::ffff:10.20.0.50": true, "10.20.0.2": false, // the box itself
		"10.21.0.50": false, "127.0.0.1": false, "2001:db8::1": false,
	} {
		if got := onLink(netip.MustParseAddr(ip), lan); got != want {
			t.Errorf("onLink(%s) = %v, want %v", ip, got, want)
		}
	}
}

// KernelNeighbours judges nothing about loopback (no ARP there), so
// requests from 127.0.0.1 are never refused by the neighbour check.
func TestKernelNeighboursLoopback(t *testing.T) {
	if _, ok := KernelNeighbours(netip.MustParseAddr("127.0.0.1")); ok {
		t.Fatal("the neighbour check judged a loopback requester")
	}
}
