package conformance

import (
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// RFC 2131 section 4.3.2 (RENEWING) and section 4.4.5: a bound client
// unicasts a REQUEST with ciaddr and neither option 50 nor 54; the ACK
// extends the lease and goes back to ciaddr.
func TestRenewing(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		e.clientAddr(t, held.String())
		req := alice.msg(t, dhcpv4.MessageTypeRequest, ciaddr(held))
		r := e.unicast(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, held, held)
		expectServerID(t, r, serverIP)
		expectTimes(t, r)
		if !r.dst.Equal(held) {
			t.Errorf("ACK sent to %s, want the client's ciaddr %s", r.dst, held)
		}
	})
}

// RFC 2131 section 4.3.2 (REBINDING): the same REQUEST broadcast (T2
// passed) is ACKed by the server holding the lease.
func TestRebinding(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		e.clientAddr(t, held.String())
		req := alice.msg(t, dhcpv4.MessageTypeRequest, ciaddr(held))
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, held, held)
		expectTimes(t, r)
	})
}

// RFC 2131 section 4.3.2 (REBINDING): a client claiming another client's
// bound address is refused with a DHCPNAK (authoritative server), and the
// holder keeps it. Where the NAK goes is not checked: section 4.1 says
// broadcast, which provbox does, and Kea unicasts it to ciaddr.
func TestRebindingAnotherClientsAddress(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		req := bob.msg(t, dhcpv4.MessageTypeRequest, ciaddr(held))
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeNak)
		expectNoLease(t, r)
		expectServerID(t, r, serverIP)
		if !r.YourIPAddr.Equal(net.IPv4zero) {
			t.Errorf("NAK yiaddr %s, want 0.0.0.0", r.YourIPAddr)
		}
		e.clientAddr(t, held.String())
		again := alice.msg(t, dhcpv4.MessageTypeRequest, ciaddr(held))
		expectType(t, e.exchange(t, again), dhcpv4.MessageTypeAck)
	})
}
