package dhcp

import (
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// TestRelayedNakBroadcastBit: a NAK through a relay carries the broadcast
// bit, so the relay broadcasts it (RFC 2131 section 4.3.2).
func TestRelayedNakBroadcastBit(t *testing.T) {
	s, err := New(testConfig(), &testCore{Service: newService(t, t.TempDir(), netBoot, nil)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	req := packet(t, dhcpv4.MessageTypeRequest, macA, dhcpv4.WithGatewayIP(net.IPv4(10, 1, 0, 1)), withRequested("10.9.9.9"))
	d := s.decide(req, s.resolve(req, 0, ip("10.0.0.1")), t0)
	if d.reply == nil || d.reply.MessageType() != dhcpv4.MessageTypeNak || !d.reply.IsBroadcast() {
		t.Fatalf("reply %v, want a NAK with the broadcast bit", d.reply)
	}
}
