package provisioning

import (
	"net/netip"
	"strings"
	"testing"
)

// A device file is served only when a network-binding check vouched for
// the requester (its lease, or its neighbour entry carrying the device's
// MAC) or the requester's network is listed as unverified; a negative
// verdict refuses even there.
func TestFetchFailClosed(t *testing.T) {
	phone6 := netip.MustParseAddr("fe80::5%eth1")
	thief6 := netip.MustParseAddr("fe80::66%eth1")
	table := fakeNeighbours{
		phoneIP:                               phoneMAC,
		phone6:                                phoneMAC,
		thief6:                                {0x02, 0, 0, 0, 0, 0x66},
		netip.MustParseAddr("2001:db8:1::66"): {0x02, 0, 0, 0, 0, 0x66},
		netip.MustParseAddr("2001:db8:1::77"): {}, // on-link, no entry
	}
	nets := func(ss ...string) []netip.Prefix {
		var ps []netip.Prefix
		for _, s := range ss {
			ps = append(ps, netip.MustParsePrefix(s))
		}
		return ps
	}
	cases := []struct {
		name         string
		ip           string
		lease, neigh bool
		unverified   []netip.Prefix
		reason       string // "" served
	}{
		{"v4 neighbour entry, DHCP off", "192.0.2.50", false, true, nil, ""},
		{"v6 link-local entry, DHCP off", "fe80::5%eth1", false, true, nil, ""},
		{"v6 link-local thief", "fe80::66%eth1", false, true, nil, reasonNeighbour},
		{"v6 global thief", "2001:db8:1::66", false, true, nil, reasonNeighbour},
		{"v6 on-link without entry", "2001:db8:1::77", false, true, nil, reasonNeighbour},
		{"v6 thief in an unverified network", "fe80::66%eth1", false, true, nets("fe80::/10"), reasonNeighbour},
		{"routed v6", "2001:db8:99::1", false, true, nil, reasonUnverified},
		{"routed v6, unverified", "2001:db8:99::1", false, true, nets("2001:db8:99::/48"), ""},
		{"routed v4", "198.51.100.7", false, true, nil, reasonUnverified},
		{"loopback", "127.0.0.1", false, true, nil, reasonUnverified},
		{"loopback, unverified", "127.0.0.1", false, true, nets("127.0.0.0/8"), ""},
		{"mapped loopback, unverified", "::ffff:127.0.0.1", false, true, nets("127.0.0.0/8"), ""},
		{"v6 loopback, unverified", "::1", false, true, nets("::1/128"), ""},
		{"v6 loopback, v4 unverified only", "::1", false, true, nets("127.0.0.0/8"), reasonUnverified},
		{"neighbour check off gives no verdict", "192.0.2.50", false, false, nil, reasonUnverified},
		{"both checks off, unverified", "192.0.2.50", false, false, nets("192.0.2.0/24"), ""},
		{"lease holder, neighbour cannot judge", "192.0.2.50", true, false, nil, ""},
		{"v6 with DHCP on: no lease", "fe80::5%eth1", true, true, nil, reasonNoLease},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t, func(cfg *Config) {
				cfg.Checks.Lease, cfg.Checks.Neighbour = c.lease, c.neigh
				cfg.Neighbours, cfg.Unverified = table.lookup, c.unverified
			})
			ip := netip.MustParseAddr(c.ip)
			from := func(r *FetchRequest) { r.RemoteIP = ip }
			for _, path := range []string{"/805ec0112233.cfg", f.secret("805ec0112233.cfg")} {
				r := f.get(path, from)
				if c.reason == "" {
					if !r.Found {
						t.Fatalf("%s refused: %+v", path, f.lastEvent(t))
					}
					continue
				}
				if r.Found {
					t.Fatalf("%s served to %s", path, ip)
				}
				if e := f.lastEvent(t); e.Reason != c.reason || e.Outcome != "refused" {
					t.Fatalf("%s: event %+v; want refused, reason %q", path, e, c.reason)
				}
			}
		})
	}
}

// Flat-folder mode serves locked devices too: there the network binding
// is all that stands between a MAC and its credentials.
func TestFetchFailClosedFlatMode(t *testing.T) {
	table := fakeNeighbours{netip.MustParseAddr("fe80::5%eth1"): phoneMAC}
	f := newFixture(t, func(c *Config) {
		c.FlatMode, c.Checks.Lease, c.Neighbours = true, false, table.lookup
	})
	if _, err := f.s.LockDevice(t.Context(), phoneMAC); err != nil {
		t.Fatal(err)
	}
	thief := func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("fe80::66%eth1") }
	if r := f.get("/805ec0112233.cfg", thief); r.Found {
		t.Fatal("flat mode served a locked device's config to an unjudged IPv6 requester")
	}
	if e := f.lastEvent(t); e.Reason != reasonUnverified {
		t.Fatalf("event %+v; want reason %q", e, reasonUnverified)
	}
	phone := func(r *FetchRequest) { r.RemoteIP = netip.MustParseAddr("fe80::5%eth1") }
	if r := f.get("/805ec0112233.cfg", phone); !r.Found || !containsPassword(r) {
		t.Fatalf("flat mode refused the phone whose NDP entry carries its MAC: %+v", f.lastEvent(t))
	}
}

func containsPassword(r FetchReply) bool { return strings.Contains(string(r.Body), password) }
