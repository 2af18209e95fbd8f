package dhcp

import (
	"net"
	"net/netip"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// baseReply copies what every reply echoes (xid, chaddr, flags, giaddr,
// options 82 and 61) without dhcpv4.New's random transaction ID.
func (s *Server) baseReply(req *dhcpv4.DHCPv4, t dhcpv4.MessageType, in ingress) *dhcpv4.DHCPv4 {
	r := replyPool.Get().(*dhcpv4.DHCPv4)
	opts := r.Options
	clear(opts)
	*r = dhcpv4.DHCPv4{
		OpCode:        dhcpv4.OpcodeBootReply,
		HWType:        req.HWType,
		TransactionID: req.TransactionID,
		Flags:         req.Flags,
		ClientIPAddr:  net.IPv4zero,
		YourIPAddr:    net.IPv4zero,
		ServerIPAddr:  net.IPv4zero,
		GatewayIPAddr: ip4(req.GatewayIPAddr),
		ClientHWAddr:  req.ClientHWAddr,
		Options:       opts,
	}
	r.UpdateOption(dhcpv4.OptMessageType(t))
	if in.serverID.IsValid() {
		r.UpdateOption(dhcpv4.OptServerIdentifier(in.serverID.AsSlice()))
	}
	for _, c := range []dhcpv4.OptionCode{dhcpv4.OptionRelayAgentInformation, dhcpv4.OptionClientIdentifier} {
		if v := req.Options.Get(c); v != nil {
			r.UpdateOption(dhcpv4.OptGeneric(c, v))
		}
	}
	return r
}

// replyPool recycles replies once sent (putReply): a reply's options map,
// sized for a full ACK (about a dozen options; growing it as options were
// added was a tenth of the packet path's CPU), was a quarter of the bytes
// a DORA allocated.
var replyPool = sync.Pool{New: func() any { return &dhcpv4.DHCPv4{Options: make(dhcpv4.Options, 12)} }}

// putReply returns r to the pool; nothing may use r afterwards. nil is
// ignored.
func putReply(r *dhcpv4.DHCPv4) {
	if r != nil {
		replyPool.Put(r)
	}
}

// lease builds an OFFER or ACK of ip.
func (s *Server) lease(req *dhcpv4.DHCPv4, t dhcpv4.MessageType, mac provisioning.MAC, ip netip.Addr, p *pool, in ingress) *dhcpv4.DHCPv4 {
	r := s.baseReply(req, t, in)
	r.YourIPAddr = ip.AsSlice()
	d := s.leaseTime(p)
	r.UpdateOption(dhcpv4.OptIPAddressLeaseTime(d))
	r.UpdateOption(dhcpv4.OptRenewTimeValue(d / 2))
	r.UpdateOption(dhcpv4.OptRebindingTimeValue(d * 7 / 8))
	if res, ok := p.resvMAC[mac]; ok && res.ip == ip && res.hostname != "" {
		r.UpdateOption(dhcpv4.OptHostName(res.hostname))
	}
	s.networkOptions(r, req, mac, p, in)
	return r
}

// nak refuses a REQUEST. A relayed NAK has the broadcast bit set so the
// relay broadcasts it (RFC 2131 section 4.3.2).
func (s *Server) nak(req *dhcpv4.DHCPv4, in ingress, why string) *dhcpv4.DHCPv4 {
	r := s.baseReply(req, dhcpv4.MessageTypeNak, in)
	r.UpdateOption(dhcpv4.OptMessage(why))
	if !r.GatewayIPAddr.IsUnspecified() {
		r.SetBroadcast()
	}
	return r
}

// networkOptions adds the subnet's options and the core's bootstrap
// options (which the core filters by the parameter request list).
func (s *Server) networkOptions(r, req *dhcpv4.DHCPv4, mac provisioning.MAC, p *pool, in ingress) {
	r.UpdateOption(dhcpv4.OptSubnetMask(net.CIDRMask(p.CIDR.Bits(), 32)))
	if len(p.Router) > 0 {
		r.UpdateOption(dhcpv4.OptRouter(ips(p.Router)...))
	}
	if len(p.DNS) > 0 {
		r.UpdateOption(dhcpv4.OptDNS(ips(p.DNS)...))
	}
	if len(p.NTP) > 0 {
		r.UpdateOption(dhcpv4.OptNTPServers(ips(p.NTP)...))
	}
	if p.Domain != "" {
		r.UpdateOption(dhcpv4.OptDomainName(p.Domain))
	}
	plan := s.core.Boot(provisioning.BootRequest{
		MAC:         mac,
		VendorClass: req.GetOneOption(dhcpv4.OptionClassIdentifier),
		Server:      in.serverID,
	})
	opts := bootOptions(plan, requested(req))
	for _, o := range opts {
		r.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(o.code), o.value))
	}
	if len(opts) > 0 && r.MessageType() == dhcpv4.MessageTypeOffer {
		s.obs.BootOffered(plan.Vendor)
	}
}

// requested is option 55 as codes.
func requested(req *dhcpv4.DHCPv4) []uint8 {
	prl := req.ParameterRequestList()
	out := make([]uint8, 0, len(prl))
	for _, c := range prl {
		out = append(out, c.Code())
	}
	return out
}

func ips(as []netip.Addr) []net.IP {
	out := make([]net.IP, len(as))
	for i, a := range as {
		out[i] = a.AsSlice()
	}
	return out
}

func ip4(ip net.IP) net.IP {
	if v := ip.To4(); v != nil {
		return v
	}
	return net.IPv4zero
}
