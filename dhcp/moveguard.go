package dhcp

import (
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// moveRefusal is the NAK message and audit reason of a refused move.
const moveRefusal = "lease-move refused"

// moveRefused reports whether binding ip to c would move the live lease
// of a known device to another address while the device is online. DHCP
// is unauthenticated: anyone can send a REQUEST with a phone's chaddr, and
// a lease that follows it would hand the phone's lease binding (and so its
// config) to the sender. A phone that is online has renewed within half
// its lease time; it keeps its address, and a request to move it is
// refused. Moving onto the device's reservation is allowed (an admin
// changed it), and so is moving after the device DECLINEd its address.
func (s *Server) moveRefused(c ident, ip netip.Addr, p *pool, now time.Time) bool {
	if p == nil || c.mac.IsZero() {
		return false
	}
	e := p.lastBound[c.mac]
	if e == nil || e.mac != c.mac || e.ip == ip || e.state == stateDeclined {
		return false
	}
	if r, ok := p.resvMAC[c.mac]; ok && r.ip == ip {
		return false
	}
	if now.Sub(e.renewed) >= s.leaseTime(p)/2 || now.Before(e.renewed) {
		return false
	}
	return s.core.IsDevice(c.mac)
}

// refuseMove is the NAK for a refused move, audited against the device.
func (s *Server) refuseMove(req *dhcpv4.DHCPv4, in ingress, c ident, ip netip.Addr) decision {
	return decision{reply: s.nak(req, in, moveRefusal), event: "nak sent", reason: moveRefusal,
		audit: &refusal{ip: ip, mac: c.mac}}
}
