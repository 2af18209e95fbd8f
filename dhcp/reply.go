package dhcp

import (
	"net"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// ingress is where a request came from, resolved by the socket layer.
type ingress struct {
	pool     *pool      // the client's subnet; nil when we serve none there
	serverID netip.Addr // our address as the client's network sees it

	// probed is an address the socket layer checked with ARP for this
	// request (invalid: none), and probeBusy what it found: true when
	// another host answered for it or the check could not be made.
	probed    netip.Addr
	probeBusy bool
}

// decision is the outcome of one request: the leases to make durable
// first (in order), then the reply to send (nil: stay silent).
type decision struct {
	commit []provisioning.Lease
	reply  *dhcpv4.DHCPv4
	event  event // log message; "" logs nothing
	reason string
	// probe asks the socket layer to check this address with ARP and
	// decide again (INIT-REBOOT of a client we have no record of).
	probe netip.Addr
	// probeAny counts the client's own ARP answer too (is the device
	// still on its old address?).
	probeAny bool
	audit    *refusal // a refusal for the core's audit trail
}

// refusal is an audited refusal: the address asked for, the device.
type refusal struct {
	ip  netip.Addr
	mac provisioning.MAC
}

// decide is the server's reply logic (RFC 2131 section 4.3). It does no
// I/O; it updates the in-memory allocator under s.mu.
func (s *Server) decide(req *dhcpv4.DHCPv4, in ingress, now time.Time) decision {
	if req.OpCode != dhcpv4.OpcodeBootRequest {
		return decision{}
	}
	c, ok := identify(req)
	if !ok {
		s.unidentified(req, now)
		return decision{}
	}
	if c.mac == s.probeMAC {
		return decision{} // our own rogue probe, seen through a bridge
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.resvAt) >= reservationRefresh || now.Before(s.resvAt) {
		s.refreshReservations(now)
	}
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		return s.discover(req, c, in, now)
	case dhcpv4.MessageTypeRequest:
		return s.request(req, c, in, now)
	case dhcpv4.MessageTypeDecline:
		return s.declined(req, c, in, now)
	case dhcpv4.MessageTypeRelease:
		return s.release(req, c, in, now)
	case dhcpv4.MessageTypeInform:
		return s.inform(req, c.mac, in)
	}
	return decision{}
}

func (s *Server) discover(req *dhcpv4.DHCPv4, c ident, in ingress, now time.Time) decision {
	return s.offer(req, c, in, now, false)
}

// offer is DISCOVER's decision; dry (explain) picks the same address but
// holds nothing and leaves the allocator's cursors as they were. The
// caller holds s.mu.
func (s *Server) offer(req *dhcpv4.DHCPv4, c ident, in ingress, now time.Time, dry bool) decision {
	p := in.pool
	if p == nil {
		return decision{reason: "no subnet served there"}
	}
	if dry {
		fresh, reuse, full := p.fresh, p.reuse, p.fullUntil
		defer func() { p.fresh, p.reuse, p.fullUntil = fresh, reuse, full }()
	}
	ip, ok := p.pick(c, addr4(req.RequestedIPAddress()), now)
	if !ok {
		if !dry {
			s.logFull(p, c.mac, now)
		}
		return decision{reason: "pool exhausted"}
	}
	if !dry {
		p.hold(ip, c, now, s.cfg.OfferHold)
	}
	return decision{reply: s.lease(req, dhcpv4.MessageTypeOffer, c.mac, ip, p, in), event: evOffer}
}

// request handles the four REQUEST states of RFC 2131 section 4.3.2.
func (s *Server) request(req *dhcpv4.DHCPv4, c ident, in ingress, now time.Time) decision {
	sid := addr4(req.ServerIdentifier())
	requested := addr4(req.RequestedIPAddress())
	ciaddr := addr4(req.ClientIPAddr)
	switch {
	case sid.IsValid(): // SELECTING
		if !s.ours(sid, in) {
			if p := in.pool; p != nil && requested.IsValid() {
				p.dropOffer(requested, c, now) // the client chose another server
			}
			return decision{}
		}
		if !requested.IsValid() {
			requested = ciaddr
		}
		return s.bind(req, c, requested, in.pool, in, now, true)
	case requested.IsValid() && !ciaddr.IsValid():
		return s.initReboot(req, c, requested, in, now)
	case ciaddr.IsValid(): // RENEWING (unicast) or REBINDING (broadcast)
		return s.bind(req, c, ciaddr, s.poolContaining(ciaddr), in, now, s.cfg.Authoritative)
	}
	return decision{}
}

// initReboot answers a client that asks to keep an address it remembers
// (RFC 2131 section 4.3.2, INIT-REBOOT). With a record of the client the
// address is ACKed if right and NAKed if wrong. Without one the server
// stays silent unless it is authoritative: then an address that is free in
// our own range and that no other host answers ARP for is ACKed (a lost
// database must not cost phones their addresses), anything else NAKed.
func (s *Server) initReboot(req *dhcpv4.DHCPv4, c ident, ip netip.Addr, in ingress, now time.Time) decision {
	p := in.pool
	var rec *entry
	if p != nil {
		rec = p.record(c)
	}
	if rec != nil && rec.state == stateOffered {
		rec = nil // an OFFER is no record of an address the client had
	}
	switch {
	case rec != nil && rec.ip != ip:
		if d, stop := s.guardMove(req, in, c, ip, p, now); stop {
			return d
		}
		const why = "not the client's address"
		return decision{reply: s.nak(req, in, why), event: evNak, reason: why}
	case rec != nil:
		return s.bind(req, c, ip, p, in, now, true)
	case !s.cfg.Authoritative:
		return decision{} // "no record of this client": MUST remain silent
	case p == nil || p.refusal(c, ip, now) != "":
		return s.bind(req, c, ip, p, in, now, true) // NAKs with the refusal
	case in.probed != ip:
		return decision{probe: ip}
	case in.probeBusy:
		const why = "address in use on the network"
		return decision{reply: s.nak(req, in, why), event: evNak, reason: why}
	}
	return s.bind(req, c, ip, p, in, now, true)
}

// bind ACKs ip for c if it may have it, else NAKs (when nak) or stays
// silent.
func (s *Server) bind(req *dhcpv4.DHCPv4, c ident, ip netip.Addr, p *pool, in ingress, now time.Time, nak bool) decision {
	why := "address not on this network"
	if p != nil {
		why = p.refusal(c, ip, now)
	}
	if why != "" {
		if !nak {
			return decision{}
		}
		return decision{reply: s.nak(req, in, why), event: evNak, reason: why}
	}
	if d, stop := s.guardMove(req, in, c, ip, p, now); stop {
		return d
	}
	l, moved := p.bind(ip, c, now, s.leaseTime(p), hostName(req, p, c.mac), vendorClass(req))
	r := s.lease(req, dhcpv4.MessageTypeAck, c.mac, ip, p, in)
	r.ClientIPAddr = ip4(req.ClientIPAddr) // RFC 2131 table 3: ciaddr from the DHCPREQUEST
	d := decision{commit: []provisioning.Lease{l}, reply: r, event: evAck}
	if moved != nil {
		d.commit = append(d.commit, *moved)
	}
	return d
}

func (s *Server) declined(req *dhcpv4.DHCPv4, c ident, in ingress, now time.Time) decision {
	ip := addr4(req.RequestedIPAddress())
	p := s.poolContaining(ip)
	if p == nil || !s.ours(addr4(req.ServerIdentifier()), in) {
		return decision{}
	}
	l, ok := p.decline(ip, c, now, s.cfg.DeclineHold)
	if !ok {
		return decision{}
	}
	return decision{commit: []provisioning.Lease{l}, event: evDeclined, reason: "client found it in use"}
}

func (s *Server) release(req *dhcpv4.DHCPv4, c ident, in ingress, now time.Time) decision {
	ip := addr4(req.ClientIPAddr)
	p := s.poolContaining(ip)
	if sid := addr4(req.ServerIdentifier()); p == nil || (sid.IsValid() && !s.ours(sid, in)) {
		return decision{}
	}
	l, ok := p.unbind(ip, c, now)
	if !ok {
		return decision{}
	}
	return decision{commit: []provisioning.Lease{l}, event: evReleased}
}

// inform answers with the network's options and no lease (RFC 2131
// section 4.3.5); Poly phones ask for their boot server this way. A
// relayed INFORM without ciaddr is answered through its relay (some
// relays send them so); a direct one without ciaddr has nowhere to go.
func (s *Server) inform(req *dhcpv4.DHCPv4, mac provisioning.MAC, in ingress) decision {
	ciaddr := addr4(req.ClientIPAddr)
	p := s.poolContaining(ciaddr)
	if p == nil {
		p = in.pool
	}
	relayed := addr4(req.GatewayIPAddr).IsValid()
	if p == nil || (!ciaddr.IsValid() && !relayed) {
		return decision{}
	}
	r := s.baseReply(req, dhcpv4.MessageTypeAck, in)
	r.ClientIPAddr = ip4(req.ClientIPAddr)
	s.networkOptions(r, req, mac, p, in)
	return decision{reply: r, event: evInform}
}

// ours reports whether sid names this server.
func (s *Server) ours(sid netip.Addr, in ingress) bool {
	return sid.IsValid() && (sid == in.serverID || s.ifaces.isLocal(sid))
}

func (s *Server) leaseTime(p *pool) time.Duration {
	if p.LeaseTime > 0 {
		return p.LeaseTime
	}
	return s.cfg.LeaseTime
}

// addr4 converts a packet's IPv4 field; zero and malformed give invalid.
func addr4(ip net.IP) netip.Addr {
	a, ok := netip.AddrFromSlice(ip.To4())
	if !ok || a.IsUnspecified() {
		return netip.Addr{}
	}
	return a
}

// hostName is the reservation's name, else the one the client sent.
func hostName(req *dhcpv4.DHCPv4, p *pool, mac provisioning.MAC) string {
	if r, ok := p.resvMAC[mac]; ok && r.hostname != "" {
		return r.hostname
	}
	return printable(req.HostName(), 63)
}

// vendorClass is option 60 made safe to store and log (Poly's is binary).
func vendorClass(req *dhcpv4.DHCPv4) string {
	return printable(string(req.GetOneOption(dhcpv4.OptionClassIdentifier)), 64)
}

func printable(s string, max int) string {
	b := []byte(s)
	if len(b) > max {
		b = b[:max]
	}
	for i, c := range b {
		if c < 0x20 || c > 0x7e {
			b[i] = '.'
		}
	}
	return string(b)
}
