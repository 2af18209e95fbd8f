package dhcp

import (
	"net"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// FuzzReply feeds arbitrary bytes through parse, resolve, decide and
// serialise: nothing may panic, and a reply must parse back.
func FuzzReply(f *testing.F) {
	seeds := []*dhcpv4.DHCPv4{
		packet(f, dhcpv4.MessageTypeDiscover, macA, withClass("\x00\x00\x36\x3d\x10Polycom"), withPRL(1, 66, 150, 160)),
		packet(f, dhcpv4.MessageTypeRequest, macA, withServerID("10.0.0.1"), withRequested("10.0.0.100")),
		packet(f, dhcpv4.MessageTypeRequest, macA, dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 100))),
		packet(f, dhcpv4.MessageTypeDecline, macA, withServerID("10.0.0.1"), withRequested("10.0.0.100")),
		packet(f, dhcpv4.MessageTypeRelease, macA, dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 100))),
		packet(f, dhcpv4.MessageTypeInform, macR, dhcpv4.WithClientIP(net.IPv4(10, 0, 0, 7))),
		packet(f, dhcpv4.MessageTypeDiscover, macB, dhcpv4.WithGatewayIP(net.IPv4(10, 1, 0, 1)), withClass("Cisco SPA504G")),
	}
	for _, p := range seeds {
		f.Add(p.ToBytes())
	}
	f.Add([]byte{1, 1, 6, 0})
	svc := newService(f, f.TempDir(), provisioning.BootConfig{Host: "10.0.0.5", Classes: testClasses}, func() time.Time { return t0 })
	s, err := New(testConfig(), svc, nil, WithClock(func() time.Time { return t0 }))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		req, err := dhcpv4.FromBytes(b)
		if err != nil {
			return
		}
		in := s.resolve(req, 0, ip("10.0.0.1"))
		if in.pool == nil {
			in = ingress{pool: s.pools[0], serverID: ip("10.0.0.1")}
		}
		d := s.decide(req, in, t0)
		if d.reply == nil {
			return
		}
		if _, err := dhcpv4.FromBytes(d.reply.ToBytes()); err != nil {
			t.Fatalf("reply does not parse: %v", err)
		}
		_ = destination(req, false, &net.UDPAddr{IP: net.IPv4zero, Port: 68})
	})
}
