package provisioning

import (
	"net/netip"
	"testing"
	"time"
)

// fakeNeighbours is a neighbour table: on-link addresses map to the MAC
// of their entry (the zero MAC: on-link, no entry); others cannot be
// judged.
type fakeNeighbours map[netip.Addr]MAC

func (f fakeNeighbours) lookup(ip netip.Addr) (MAC, bool) {
	m, ok := f[ip.Unmap()]
	return m, ok
}

var sampleNeighbours = fakeNeighbours{
	netip.MustParseAddr("192.0.2.50"): phoneMAC,
	netip.MustParseAddr("192.0.2.60"): {},
	netip.MustParseAddr("192.0.2.70"): {0x80, 0x5e, 0xc0, 0x99, 0x99, 0x99},
}

func TestFetchNeighbourCheck(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Checks.Neighbour, c.Neighbours = true, sampleNeighbours.lookup })
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
	r := f.get("/805ec0112233.cfg", func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("192.0.2.70") })
	if r.Found {
		t.Fatal("a requester whose ARP entry is another MAC got the redirect")
	}
	if e := f.lastEvent(t); e.Reason != reasonNeighbour {
		t.Fatalf("event = %+v; want reason %q", e, reasonNeighbour)
	}
}
