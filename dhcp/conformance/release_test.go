package conformance

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// RFC 2131 sections 3.1 step 6, 4.3.4 and 4.4.6: a DHCPRELEASE (ciaddr,
// server identifier) gets no reply and frees the address: another client
// SELECTING it is then ACKed (TestSelectingAnotherClientsAddress shows the
// same REQUEST NAKed while the lease is held).
func TestRelease(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		e.sendOnly(t, alice.msg(t, dhcpv4.MessageTypeRelease, ciaddr(held), serverID(serverIP)))
		req := bob.msg(t, dhcpv4.MessageTypeRequest, requested(held), serverID(serverIP))
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, held, nil)
	})
}

// RFC 2131 section 4.3.4: the server marks the lease as not allocated
// only for the client identified by the RELEASE; option 61 identifies it
// when present (section 4.2), so a RELEASE from the holder's MAC with
// another client identifier leaves the lease alone.
func TestReleaseWrongClientID(t *testing.T) {
	owner, impostor := newPeer("02:c0:ff:ee:00:11", "phone-11"), newPeer("02:c0:ff:ee:00:11", "other-11")
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, owner)
		e.sendOnly(t, impostor.msg(t, dhcpv4.MessageTypeRelease, ciaddr(held), serverID(serverIP)))
		req := bob.msg(t, dhcpv4.MessageTypeRequest, requested(held), serverID(serverIP))
		expectNak(t, e.exchange(t, req), req, serverIP)
	})
}

// RFC 2131 sections 4.2 and 4.3.4: the client identifier, not chaddr,
// names the client, so its RELEASE frees the lease even when it comes
// with another chaddr.
func TestReleaseClientIDFromAnotherMAC(t *testing.T) {
	owner, moved := newPeer("02:c0:ff:ee:00:21", "phone-21"), newPeer("02:c0:ff:ee:00:22", "phone-21")
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, owner)
		e.sendOnly(t, moved.msg(t, dhcpv4.MessageTypeRelease, ciaddr(held), serverID(serverIP)))
		req := bob.msg(t, dhcpv4.MessageTypeRequest, requested(held), serverID(serverIP))
		expectType(t, e.exchange(t, req), dhcpv4.MessageTypeAck)
	})
}

// RFC 2131 sections 3.1 step 5 and 4.3.3: a DHCPDECLINE (option 50,
// server identifier) gets no reply and takes the address out of use: no
// one gets it, and the client is offered another one.
func TestDecline(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, alice)
		e.sendOnly(t, alice.msg(t, dhcpv4.MessageTypeDecline, requested(held), serverID(serverIP)))
		req := bob.msg(t, dhcpv4.MessageTypeRequest, requested(held))
		expectNak(t, e.exchange(t, req), req, serverIP)
		r := e.exchange(t, alice.msg(t, dhcpv4.MessageTypeDiscover))
		expectType(t, r, dhcpv4.MessageTypeOffer)
		if r.YourIPAddr.Equal(held) {
			t.Errorf("declined address %s offered again", held)
		}
	})
}

// RFC 2131 sections 4.2 and 4.3.3: a DECLINE from the holder's MAC with
// another client identifier is not the holder's: the lease stays and
// the holder renews it.
func TestDeclineWrongClientID(t *testing.T) {
	owner, impostor := newPeer("02:c0:ff:ee:00:31", "phone-31"), newPeer("02:c0:ff:ee:00:31", "other-31")
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, owner)
		e.sendOnly(t, impostor.msg(t, dhcpv4.MessageTypeDecline, requested(held), serverID(serverIP)))
		e.clientAddr(t, held.String())
		req := owner.msg(t, dhcpv4.MessageTypeRequest, ciaddr(held))
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, held, held)
	})
}
