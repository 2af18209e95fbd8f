package conformance

import (
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// RFC 2131 section 4.3.5 and table 3: a client with an address sends
// DHCPINFORM with ciaddr; the DHCPACK goes to ciaddr, carries the
// network's options, the server identifier, ciaddr, and no lease (yiaddr
// zero, no option 51).
func TestInformDirect(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		own := ip("10.90.0.200") // configured by hand, outside the pool
		e.clientAddr(t, own.String())
		req := alice.msg(t, dhcpv4.MessageTypeInform, ciaddr(own))
		r := e.unicast(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, nil, own)
		expectServerID(t, r, serverIP)
		expectNoLease(t, r)
		if !r.dst.Equal(own) {
			t.Errorf("ACK sent to %s, want ciaddr %s", r.dst, own)
		}
		if got := net.IP(r.Options.Get(dhcpv4.OptionRouter)); !got.Equal(serverIP) {
			t.Errorf("option 3 = %v, want %s", got, serverIP)
		}
	})
}

// RFC 2131 section 4.3.5: the ACK to an INFORM goes to ciaddr; a direct
// INFORM without ciaddr (from 0.0.0.0) has no address to answer, and the
// server stays silent.
func TestInformDirectWithoutCiaddr(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		e.silent(t, alice.msg(t, dhcpv4.MessageTypeInform))
	})
}

// RFC 2131 sections 4.1 and 4.3.5: a relayed INFORM without ciaddr is
// answered through the relay (giaddr, port 67) with the options of
// giaddr's network and no lease.
func TestInformRelayedWithoutCiaddr(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		req := alice.msg(t, dhcpv4.MessageTypeInform, relayedBy(giaddr))
		r := e.relayed(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, nil, nil)
		expectServerID(t, r, serverRel)
		expectNoLease(t, r)
		if !r.dst.Equal(giaddr) {
			t.Errorf("ACK sent to %s, want the relay %s", r.dst, giaddr)
		}
		if got := net.IP(r.Options.Get(dhcpv4.OptionRouter)); !got.Equal(giaddr) {
			t.Errorf("option 3 = %v, want the relayed network's router %s", got, giaddr)
		}
	})
}
