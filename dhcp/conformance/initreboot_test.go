package conformance

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// Both authoritative settings, for the INIT-REBOOT rules that hold either
// way.
var bothModes = []struct {
	name string
	s    setup
}{{"authoritative", setup{}}, {"non-authoritative", setup{nonAuthoritative: true}}}

// RFC 2131 section 4.3.2 (INIT-REBOOT): a client with a record asking for
// its own address (option 50, no server identifier, ciaddr zero) gets an
// ACK, whatever the server's authority.
func TestInitRebootWithRecord(t *testing.T) {
	for _, m := range bothModes {
		t.Run(m.name, func(t *testing.T) {
			each(t, m.s, func(t *testing.T, e *env) {
				held := e.bind(t, alice)
				req := alice.msg(t, dhcpv4.MessageTypeRequest, requested(held))
				r := e.exchange(t, req)
				expectType(t, r, dhcpv4.MessageTypeAck)
				expectFields(t, r, req, held, nil)
				expectServerID(t, r, serverIP)
				expectTimes(t, r)
			})
		})
	}
}

// RFC 2131 section 4.3.2 (INIT-REBOOT): "If the requested IP address is
// incorrect", the server SHOULD send a DHCPNAK; with a record of the
// client it knows the address is wrong, authoritative or not.
func TestInitRebootWrongAddressWithRecord(t *testing.T) {
	for _, m := range bothModes {
		t.Run(m.name, func(t *testing.T) {
			each(t, m.s, func(t *testing.T, e *env) {
				held := e.bind(t, alice)
				other := ip("10.90.0.18")
				if held.Equal(other) {
					other = ip("10.90.0.17")
				}
				req := alice.msg(t, dhcpv4.MessageTypeRequest, requested(other))
				expectNak(t, e.exchange(t, req), req, serverIP)
			})
		})
	}
}

// RFC 2131 section 4.3.2 (INIT-REBOOT): "If the DHCP server has no record
// of this client, then it MUST remain silent".
func TestInitRebootNoRecordNonAuthoritative(t *testing.T) {
	each(t, setup{nonAuthoritative: true}, func(t *testing.T, e *env) {
		e.silent(t, alice.msg(t, dhcpv4.MessageTypeRequest, requested(ip("10.90.0.15"))))
	})
}

// RFC 2131 section 4.3.2 (INIT-REBOOT): an authoritative server with no
// record of the client answers (it is the network's only server, so
// silence would leave the client waiting): either an ACK of exactly the
// requested address, or a DHCPNAK per table 3. Kea NAKs; provbox ACKs a
// free address of its pool that no other host answers ARP for (lost
// database), tested in the dhcp package.
func TestInitRebootNoRecordAuthoritative(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		req := alice.msg(t, dhcpv4.MessageTypeRequest, requested(ip("10.90.0.15")))
		r := e.exchange(t, req)
		switch r.MessageType() {
		case dhcpv4.MessageTypeAck:
			expectFields(t, r, req, ip("10.90.0.15"), nil)
			expectTimes(t, r)
		default:
			expectNak(t, r, req, serverIP)
		}
	})
}

// RFC 2131 section 4.3.2 (INIT-REBOOT): an authoritative server NAKs an
// address that is not available to the client (another client's lease);
// a non-authoritative one with no record of the client stays silent.
func TestInitRebootAnotherClientsAddress(t *testing.T) {
	t.Run("authoritative", func(t *testing.T) {
		each(t, setup{}, func(t *testing.T, e *env) {
			held := e.bind(t, alice)
			req := bob.msg(t, dhcpv4.MessageTypeRequest, requested(held))
			expectNak(t, e.exchange(t, req), req, serverIP)
		})
	})
	t.Run("non-authoritative", func(t *testing.T) {
		each(t, setup{nonAuthoritative: true}, func(t *testing.T, e *env) {
			held := e.bind(t, alice)
			e.silent(t, bob.msg(t, dhcpv4.MessageTypeRequest, requested(held)))
		})
	})
}

// RFC 2131 section 4.3.2 (INIT-REBOOT): "If the DHCP server detects that
// the client is on the wrong network ... the server SHOULD send a
// DHCPNAK" (authoritative).
func TestInitRebootWrongNetwork(t *testing.T) {
	each(t, setup{}, func(t *testing.T, e *env) {
		req := alice.msg(t, dhcpv4.MessageTypeRequest, requested(ip("192.168.77.5")))
		expectNak(t, e.exchange(t, req), req, serverIP)
	})
}
