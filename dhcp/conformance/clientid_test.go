package conformance

import (
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// RFC 6842 section 3: a server MUST echo the client identifier in every
// reply: OFFER, ACK and NAK.
func TestClientIDEcho(t *testing.T) {
	p := newPeer("02:c0:ff:ee:00:41", "phone-41")
	each(t, setup{}, func(t *testing.T, e *env) {
		disc := p.msg(t, dhcpv4.MessageTypeDiscover)
		offer := e.exchange(t, disc)
		expectType(t, offer, dhcpv4.MessageTypeOffer)
		expectEcho61(t, offer, disc)
		req := p.msg(t, dhcpv4.MessageTypeRequest, requested(offer.YourIPAddr), serverID(serverIP))
		ack := e.exchange(t, req)
		expectType(t, ack, dhcpv4.MessageTypeAck)
		expectEcho61(t, ack, req)
		wrong := p.msg(t, dhcpv4.MessageTypeRequest, requested(ip("192.168.77.5")))
		expectNak(t, e.exchange(t, wrong), wrong, serverIP)
	})
}

// RFC 2131 section 4.2: the client identifier, when present, identifies
// the client; another identifier on the lease holder's MAC is another
// client and is not offered the held address.
func TestClientIDDistinguishesClientsOnOneMAC(t *testing.T) {
	first, second := newPeer("02:c0:ff:ee:00:51", "phone-51"), newPeer("02:c0:ff:ee:00:51", "other-51")
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, first)
		r := e.exchange(t, second.msg(t, dhcpv4.MessageTypeDiscover))
		expectType(t, r, dhcpv4.MessageTypeOffer)
		if r.YourIPAddr.Equal(held) {
			t.Errorf("offered %s, bound to another client identifier on the same MAC", held)
		}
	})
}

// RFC 2131 section 4.2: the client identifier is what the server keys
// the binding on, so the same client identifier from another chaddr is
// the same client and renews its lease.
func TestClientIDSameClientNewMAC(t *testing.T) {
	first, again := newPeer("02:c0:ff:ee:00:61", "phone-61"), newPeer("02:c0:ff:ee:00:62", "phone-61")
	each(t, setup{}, func(t *testing.T, e *env) {
		held := e.bind(t, first)
		e.clientAddr(t, held.String())
		req := again.msg(t, dhcpv4.MessageTypeRequest, ciaddr(held))
		r := e.exchange(t, req)
		expectType(t, r, dhcpv4.MessageTypeAck)
		expectFields(t, r, req, held, held)
		expectEcho61(t, r, req)
	})
}

// RFC 2131 section 4.2 and RFC 2132 section 9.14: a client identifier
// identifies a client whose chaddr is all zeros; the server leases to it
// (broadcast flag set: the client cannot take unicast).
func TestZeroChaddrWithClientID(t *testing.T) {
	p := peer{mac: net.HardwareAddr{0, 0, 0, 0, 0, 0}, id: []byte("\x00zero-chaddr")}
	each(t, setup{}, func(t *testing.T, e *env) {
		disc := p.msg(t, dhcpv4.MessageTypeDiscover, dhcpv4.WithBroadcast(true))
		offer := e.exchange(t, disc)
		expectType(t, offer, dhcpv4.MessageTypeOffer)
		expectEcho61(t, offer, disc)
		req := p.msg(t, dhcpv4.MessageTypeRequest, requested(offer.YourIPAddr), serverID(serverIP), dhcpv4.WithBroadcast(true))
		ack := e.exchange(t, req)
		expectType(t, ack, dhcpv4.MessageTypeAck)
		expectFields(t, ack, req, offer.YourIPAddr, nil)
	})
}
