package conformance

import (
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

var (
	alice = newPeer("02:c0:ff:ee:00:01", "")
	bob   = newPeer("02:c0:ff:ee:00:02", "")
	carol = newPeer("02:c0:ff:ee:00:03", "")
)

// RFC 2131 section 4.3.1 and table 3: an OFFER carries a free address of
// the client's network in yiaddr, ciaddr and siaddr zero, the server
// identifier and the lease times.
func TestDiscoverOffer(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		req := alice.msg(t, dhcpv4.MessageTypeDiscover)
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeOffer)
		expectFields(t, r, req, r.YourIPAddr, nil)
		if !inPool(r.YourIPAddr, "10.90.0.", 10, 19) {
			t.Errorf("yiaddr %s outside the pool 10.90.0.10-19", r.YourIPAddr)
		}
		expectServerID(t, r, serverIP)
		expectTimes(t, r)
		if m := net.IPMask(r.Options.Get(dhcpv4.OptionSubnetMask)); m.String() != "ffffff00" {
			t.Errorf("option 1 = %s, want ffffff00", m)
		}
		expectEcho61(t, r, req)
	})
}

// RFC 2131 section 4.3.2 (SELECTING): a REQUEST naming this server and
// the offered address is ACKed with that address and the lease times.
func TestSelectingAck(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		offer := e.exchange(t, alice.msg(t, dhcpv4.MessageTypeDiscover))
		req := alice.msg(t, dhcpv4.MessageTypeRequest, requested(offer.YourIPAddr), serverID(serverIP))
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, offer.YourIPAddr, nil)
		expectServerID(t, r, serverIP)
		expectTimes(t, r)
	})
}

// RFC 2131 section 4.3.2 (SELECTING): a REQUEST whose server identifier
// names another server tells this one its offer was declined: no reply.
func TestSelectingOtherServer(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		offer := e.exchange(t, alice.msg(t, dhcpv4.MessageTypeDiscover))
		e.silent(t, alice.msg(t, dhcpv4.MessageTypeRequest, requested(offer.YourIPAddr), serverID(ip("10.90.0.254"))))
	})
}

// RFC 2131 sections 4.3.1 and 4.3.2: a client SELECTING another
// client's bound address gets a DHCPNAK.
func TestSelectingAnotherClientsAddress(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		req := bob.msg(t, dhcpv4.MessageTypeRequest, requested(held), serverID(serverIP))
		expectNak(t, e.exchange(t, req), req, serverIP)
	})
}

// RFC 2131 section 4.3.1: the requested address (option 50) is offered
// only if it is available; another client's bound address is not.
func TestDiscoverRequestsAnotherClientsAddress(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		r := e.exchange(t, bob.msg(t, dhcpv4.MessageTypeDiscover, requested(held)))
		expectType(t, r, dhcpv4.MessageTypeOffer)
		if r.YourIPAddr.Equal(held) || !inPool(r.YourIPAddr, "10.90.0.", 10, 19) {
			t.Errorf("offered %s to a second client; %s is bound to the first", r.YourIPAddr, held)
		}
	})
}

// RFC 2131 section 4.3.1: a free requested address in the client's
// network is offered.
func TestDiscoverRequestedFreeAddress(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		r := e.exchange(t, alice.msg(t, dhcpv4.MessageTypeDiscover, requested(ip("10.90.0.17"))))
		expectType(t, r, dhcpv4.MessageTypeOffer)
		if !r.YourIPAddr.Equal(ip("10.90.0.17")) {
			t.Errorf("yiaddr %s, want the requested 10.90.0.17", r.YourIPAddr)
		}
	})
}

// RFC 2131 section 4.3.1: with no address available the server offers
// none (it "MAY choose to report the problem to the system
// administrator"), and releases nothing held by others.
func TestPoolExhaustion(t *testing.T) {
	each(t, setup{poolSize: 2}, func(t *testing.T, e *env) {
		a, b := e.bind(t, alice), e.bind(t, bob)
		if a.Equal(b) {
			t.Fatalf("two clients bound to %s", a)
		}
		e.silent(t, carol.msg(t, dhcpv4.MessageTypeDiscover))
		req := alice.msg(t, dhcpv4.MessageTypeRequest, requested(a), serverID(serverIP))
		expectType(t, e.exchange(t, req), dhcpv4.MessageTypeAck)
	})
}

// RFC 2131 sections 4.1 and 4.3.1: a relayed DISCOVER is answered to the
// relay's giaddr on port 67 with an address of giaddr's network.
func TestRelayedDiscover(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		req := alice.msg(t, dhcpv4.MessageTypeDiscover, relayedBy(giaddr))
		r := e.relayed(t, req)
		expectType(t, r, dhcpv4.MessageTypeOffer)
		expectFields(t, r, req, r.YourIPAddr, nil)
		if !inPool(r.YourIPAddr, "10.92.0.", 10, 19) {
			t.Errorf("yiaddr %s outside the relayed pool 10.92.0.10-19", r.YourIPAddr)
		}
		if !r.dst.Equal(giaddr) {
			t.Errorf("reply sent to %s, want the relay %s", r.dst, giaddr)
		}
		expectServerID(t, r, serverRel)
		expectTimes(t, r)
	})
}

func inPool(a net.IP, prefix string, lo, hi int) bool {
	for i := lo; i <= hi; i++ {
		if a.Equal(ip(prefix + itoa(i))) {
			return true
		}
	}
	return false
}

func itoa(i int) string { return net.IPv4(0, 0, 0, byte(i)).String()[6:] }

// RFC 2131 sections 4.1 and 4.3.2: a NAK to a relayed REQUEST goes to the
// relay (giaddr, port 67). Section 4.3.2 also asks for the broadcast bit,
// which provbox sets (dhcp.TestRelayedNakBroadcastBit) and Kea 2.2 does not, so it is not
// checked here.
func TestRelayedNak(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		req := alice.msg(t, dhcpv4.MessageTypeRequest, relayedBy(giaddr), requested(ip("10.90.0.15")))
		r := e.relayed(t, req)
		expectNak(t, r, req, serverRel)
		if !r.dst.Equal(giaddr) {
			t.Errorf("NAK sent to %s, want the relay %s", r.dst, giaddr)
		}
	})
}

// RFC 2131 sections 4.1 and 4.3.2 (SELECTING through a relay): the
// relayed REQUEST for the offered address is ACKed to the relay.
func TestRelayedSelectingAck(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		offer := e.relayed(t, alice.msg(t, dhcpv4.MessageTypeDiscover, relayedBy(giaddr)))
		expectType(t, offer, dhcpv4.MessageTypeOffer)
		req := alice.msg(t, dhcpv4.MessageTypeRequest, relayedBy(giaddr), requested(offer.YourIPAddr), serverID(serverRel))
		r := e.relayed(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, offer.YourIPAddr, nil)
		expectServerID(t, r, serverRel)
		expectTimes(t, r)
	})
}
