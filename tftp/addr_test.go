package tftp

import (
	"net"
	"testing"
)

// The core judges the requester by the address addrOf gives: IPv4 as
// IPv4 whatever the socket, and a link-local IPv6 address with the zone
// it arrived on (the neighbour check looks it up on that interface).
func TestAddrOf(t *testing.T) {
	for _, c := range []struct {
		a    net.UDPAddr
		want string
	}{
		{net.UDPAddr{IP: net.ParseIP("192.0.2.7")}, "192.0.2.7"},
		{net.UDPAddr{IP: net.ParseIP("::ffff:192.0.2.7")}, "192.0.2.7"},
		{net.UDPAddr{IP: net.ParseIP("fe80::1"), Zone: "eth0"}, "fe80::1%eth0"},
		{net.UDPAddr{IP: net.ParseIP("2001:db8::1")}, "2001:db8::1"},
		{net.UDPAddr{}, "invalid IP"},
	} {
		if got := addrOf(c.a).String(); got != c.want {
			t.Errorf("addrOf(%v) = %s, want %s", c.a, got, c.want)
		}
	}
}
