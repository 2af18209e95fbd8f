package ban

import (
	"net/netip"
	"testing"
	"time"
)

func TestKeyIn(t *testing.T) {
	onLink := []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/64")}
	cases := []struct{ ip, want string }{
		{"10.0.0.7", "10.0.0.7/32"},
		{"::ffff:10.0.0.7", "10.0.0.7/32"},
		{"fe80::1%eth0", "fe80::1/128"},        // every link's hosts share fe80::/64
		{"2001:db8:1::5", "2001:db8:1::5/128"}, // the box's own LAN
		{"2001:db8:2::5", "2001:db8:2::/64"},   // routed: the host's whole /64
	}
	for _, c := range cases {
		got, ok := keyIn(netip.MustParseAddr(c.ip), onLink)
		if !ok || got.String() != c.want {
			t.Errorf("keyIn(%s) = %v %v, want %s", c.ip, got, ok, c.want)
		}
	}
}

// A scanner on the box's own IPv6 network, or on link-local, is banned
// alone; its neighbours are not. A reload that changes the networks
// applies to the next strike.
func TestOnLinkNeighboursNotBanned(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	cfg := Config{MaxRetry: 2, OnLink: []netip.Prefix{netip.MustParsePrefix("2001:db8:1::/64")}}
	e, _ := New(cfg, Options{}, nil, now)
	for _, scanner := range []string{"fe80::66", "2001:db8:1::66"} {
		for range 2 {
			e.Strike(t.Context(), netip.MustParseAddr(scanner), Strike{Weight: 1}, now)
		}
		if b, _ := e.Lookup(netip.MustParseAddr(scanner), now); !b {
			t.Fatalf("%s not banned", scanner)
		}
	}
	for _, phone := range []string{"fe80::77", "2001:db8:1::77"} {
		if b, _ := e.Lookup(netip.MustParseAddr(phone), now); b {
			t.Errorf("%s banned with its neighbour", phone)
		}
	}
	if err := e.Reconfigure(t.Context(), Config{MaxRetry: 2}, now); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		e.Strike(t.Context(), netip.MustParseAddr("2001:db8:1::88"), Strike{Weight: 1}, now)
	}
	if b, _ := e.Lookup(netip.MustParseAddr("2001:db8:1::99"), now); !b {
		t.Error("off-link after the reload: the /64 should strike as one")
	}
}
