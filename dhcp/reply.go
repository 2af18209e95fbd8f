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
}

// decision is the outcome of one request: the leases to make durable
// first (in order), then the reply to send (nil: stay silent).
type decision struct {
	commit []provisioning.Lease
	reply  *dhcpv4.DHCPv4
	event  string // log message; "" logs nothing
	reason string
}

// decide is the server's reply logic (RFC 2131 section 4.3). It does no
// I/O; it updates the in-memory allocator under s.mu.
func (s *Server) decide(req *dhcpv4.DHCPv4, in ingress, now time.Time) decision {
	if req.OpCode != dhcpv4.OpcodeBootRequest {
		return decision{}
	}
	mac, err := provisioning.MACFromHardwareAddr(req.ClientHWAddr)
	if err != nil || mac.IsZero() {
		return decision{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if now.Sub(s.resvAt) >= reservationRefresh || now.Before(s.resvAt) {
		s.refreshReservations(now)
	}
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		return s.discover(req, mac, in, now)
	case dhcpv4.MessageTypeRequest:
		return s.request(req, mac, in, now)
	case dhcpv4.MessageTypeDecline:
		return s.declined(req, mac, in, now)
	case dhcpv4.MessageTypeRelease:
		return s.release(req, mac, in, now)
	case dhcpv4.MessageTypeInform:
		return s.inform(req, mac, in)
	}
	return decision{}
}

func (s *Server) discover(req *dhcpv4.DHCPv4, mac provisioning.MAC, in ingress, now time.Time) decision {
	p := in.pool
	if p == nil {
		return decision{}
	}
	ip, ok := p.pick(mac, addr4(req.RequestedIPAddress()), now)
	if !ok {
		s.logFull(p, mac, now)
		return decision{}
	}
	p.hold(ip, mac, now, s.cfg.OfferHold)
	return decision{reply: s.lease(req, dhcpv4.MessageTypeOffer, mac, ip, p, in), event: "offer sent"}
}

// request handles the four REQUEST states of RFC 2131 section 4.3.2.
func (s *Server) request(req *dhcpv4.DHCPv4, mac provisioning.MAC, in ingress, now time.Time) decision {
	sid := addr4(req.ServerIdentifier())
	requested := addr4(req.RequestedIPAddress())
	ciaddr := addr4(req.ClientIPAddr)
	switch {
	case sid.IsValid(): // SELECTING
		if !s.ours(sid, in) {
			if p := in.pool; p != nil && requested.IsValid() {
				p.dropOffer(requested, mac, now) // the client chose another server
			}
			return decision{}
		}
		if !requested.IsValid() {
			requested = ciaddr
		}
		return s.bind(req, mac, requested, in.pool, in, now, true)
	case requested.IsValid() && !ciaddr.IsValid(): // INIT-REBOOT
		if in.pool == nil {
			return decision{}
		}
		return s.bind(req, mac, requested, in.pool, in, now, s.cfg.Authoritative)
	case ciaddr.IsValid(): // RENEWING (unicast) or REBINDING (broadcast)
		return s.bind(req, mac, ciaddr, s.poolContaining(ciaddr), in, now, s.cfg.Authoritative)
	}
	return decision{}
}

// bind ACKs ip for mac if it may have it, else NAKs (when nak) or stays
// silent.
func (s *Server) bind(req *dhcpv4.DHCPv4, mac provisioning.MAC, ip netip.Addr, p *pool, in ingress, now time.Time, nak bool) decision {
	why := "address not on this network"
	if p != nil {
		why = p.refusal(mac, ip, now)
	}
	if why != "" {
		if !nak {
			return decision{}
		}
		return decision{reply: s.nak(req, in, why), event: "nak sent", reason: why}
	}
	l, moved := p.bind(ip, mac, now, s.leaseTime(p), hostName(req, p, mac), vendorClass(req))
	d := decision{commit: []provisioning.Lease{l}, reply: s.lease(req, dhcpv4.MessageTypeAck, mac, ip, p, in), event: "lease acked"}
	if moved != nil {
		d.commit = append(d.commit, *moved)
	}
	return d
}

func (s *Server) declined(req *dhcpv4.DHCPv4, mac provisioning.MAC, in ingress, now time.Time) decision {
	ip := addr4(req.RequestedIPAddress())
	p := s.poolContaining(ip)
	if p == nil || !s.ours(addr4(req.ServerIdentifier()), in) {
		return decision{}
	}
	l, ok := p.decline(ip, mac, now, s.cfg.DeclineHold)
	if !ok {
		return decision{}
	}
	return decision{commit: []provisioning.Lease{l}, event: "address declined", reason: "client found it in use"}
}

func (s *Server) release(req *dhcpv4.DHCPv4, mac provisioning.MAC, in ingress, now time.Time) decision {
	ip := addr4(req.ClientIPAddr)
	p := s.poolContaining(ip)
	if sid := addr4(req.ServerIdentifier()); p == nil || (sid.IsValid() && !s.ours(sid, in)) {
		return decision{}
	}
	l, ok := p.unbind(ip, mac, now)
	if !ok {
		return decision{}
	}
	return decision{commit: []provisioning.Lease{l}, event: "lease released"}
}

// inform answers with the network's options and no lease (RFC 2131
// section 4.3.5); Poly phones ask for their boot server this way.
func (s *Server) inform(req *dhcpv4.DHCPv4, mac provisioning.MAC, in ingress) decision {
	ciaddr := addr4(req.ClientIPAddr)
	p := s.poolContaining(ciaddr)
	if p == nil {
		p = in.pool
	}
	if p == nil || !ciaddr.IsValid() {
		return decision{}
	}
	r := s.baseReply(req, dhcpv4.MessageTypeAck, in)
	r.ClientIPAddr = req.ClientIPAddr.To4()
	s.networkOptions(r, req, mac, p, in)
	return decision{reply: r, event: "inform answered"}
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
