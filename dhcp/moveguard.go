package dhcp

import (
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// moveRefusal is the NAK message and audit reason of a refused move.
const moveRefusal = "lease-move refused"

// guardMove stops a move of the live lease of a known device to ip while
// the device is online. DHCP is unauthenticated: anyone can send a REQUEST
// with a phone's chaddr, and a lease that follows it would hand the
// phone's lease binding (and so its config) to the sender. The device is
// online if it renewed within half its lease time (phones renew at T1,
// half the lease) or, when its lease still runs, if something answers ARP
// for its address (asked of the socket layer through decision.probe; a
// relayed client's link cannot be asked, which counts as an answer).
// Moving onto the device's reservation is allowed (an admin changed it),
// and so is moving after the device DECLINEd its address. stop is true
// when d is the answer: a refusal, or a probe to make first.
func (s *Server) guardMove(req *dhcpv4.DHCPv4, in ingress, c ident, ip netip.Addr, p *pool, now time.Time) (d decision, stop bool) {
	e := s.liveElsewhere(c, ip, p, now)
	if e == nil {
		return decision{}, false
	}
	if now.Sub(e.renewed) < s.leaseTime(p)/2 && !now.Before(e.renewed) {
		return s.refuseMove(req, in, c, ip), true
	}
	if in.probed != e.ip {
		return decision{probe: e.ip, probeAny: true}, true
	}
	if in.probeBusy {
		return s.refuseMove(req, in, c, ip), true
	}
	return decision{}, false
}

// liveElsewhere is the known device's bound, unexpired lease at another
// address than ip, if any (a reservation move excepted).
func (s *Server) liveElsewhere(c ident, ip netip.Addr, p *pool, now time.Time) *entry {
	if p == nil || c.mac.IsZero() {
		return nil
	}
	e := p.lastBound[c.mac]
	if e == nil || e.mac != c.mac || e.ip == ip || e.state != stateBound || !e.active(now) {
		return nil
	}
	if r, ok := p.resvMAC[c.mac]; ok && r.ip == ip {
		return nil
	}
	if !s.core.IsDevice(c.mac) {
		return nil
	}
	return e
}

// refuseMove is the NAK for a refused move, audited against the device.
func (s *Server) refuseMove(req *dhcpv4.DHCPv4, in ingress, c ident, ip netip.Addr) decision {
	return decision{reply: s.nak(req, in, moveRefusal), event: evNak, reason: moveRefusal,
		audit: &refusal{ip: ip, mac: c.mac}}
}
