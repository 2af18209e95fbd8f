package dhcp

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// OptionInfo is one option of an answer, as the admin sees it.
type OptionInfo struct {
	Code  uint8
	Name  string
	Value string // text, addresses or seconds; hex when none fits
	Bytes []byte
}

// Explanation is what a DISCOVER would get, and why.
type Explanation struct {
	MAC     provisioning.MAC
	Steps   []provisioning.Step
	Class   string // the vendor the core's boot plan matched ("" none)
	Offer   netip.Addr
	Subnet  netip.Prefix
	Reason  string // why no offer
	Options []OptionInfo
}

// Explain runs the DISCOVER decision for a client with mac, vendor class
// opt60 and relay (invalid: on a served link) in dry mode: the address
// is picked by the same code as a real OFFER, but nothing is held,
// committed, logged or audited.
func (s *Server) Explain(mac provisioning.MAC, opt60 string, relay netip.Addr) Explanation {
	ex := Explanation{MAC: mac}
	req, err := dhcpv4.NewDiscovery(net.HardwareAddr(mac[:]))
	if err != nil {
		ex.Reason = err.Error()
		return ex
	}
	// No parameter request list: it asks for every option, so the admin
	// sees all a phone could get (a phone's own list may leave some out).
	req.Options.Del(dhcpv4.OptionParameterRequestList)
	if opt60 != "" {
		req.UpdateOption(dhcpv4.OptClassIdentifier(opt60))
	}
	in := s.explainIngress(req, relay, &ex)
	c, _ := identify(req)
	now := s.now()
	s.mu.Lock()
	if now.Sub(s.resvAt) >= reservationRefresh || now.Before(s.resvAt) {
		s.refreshReservations(now)
	}
	d := s.offer(req, c, in, now, true)
	s.mu.Unlock()
	plan := s.core.Boot(provisioning.BootRequest{MAC: mac, VendorClass: []byte(opt60), Server: in.serverID})
	ex.Class = plan.Vendor
	ex.Steps = append(ex.Steps, provisioning.Step{Check: "class", OK: plan.Vendor != "",
		Detail: classDetail(plan.Vendor, opt60)})
	if d.reply == nil {
		ex.Reason = d.reason
		ex.Steps = append(ex.Steps, provisioning.Step{Check: "address", OK: false, Detail: d.reason})
		return ex
	}
	ex.Offer, ex.Subnet = addr4(d.reply.YourIPAddr), in.pool.CIDR
	ex.Steps = append(ex.Steps, provisioning.Step{Check: "address", OK: true, Detail: s.addressDetail(in.pool, mac, ex.Offer)})
	ex.Options = describeOptions(d.reply.Options)
	return ex
}

// explainIngress finds the subnet as a real request would: by the relay,
// else by the first served interface whose addresses fall in a subnet.
func (s *Server) explainIngress(req *dhcpv4.DHCPv4, relay netip.Addr, ex *Explanation) ingress {
	if relay.IsValid() {
		req.GatewayIPAddr = relay.AsSlice()
		req.HopCount = 1
		in := s.resolve(req, 0, netip.Addr{})
		if in.pool == nil {
			ex.Steps = append(ex.Steps, provisioning.Step{Check: "subnet", Detail: "no [[dhcp.subnet]] contains the relay " + relay.String()})
			return in
		}
		in.serverID = s.anyLocalAddr()
		allowed := s.relayListed(in.pool, relay)
		ex.Steps = append(ex.Steps, provisioning.Step{Check: "relay", OK: allowed, Detail: relayDetail(allowed, relay, in.pool.CIDR)})
		if !allowed {
			in.pool = nil
		}
		return in
	}
	for _, name := range s.cfg.Interfaces {
		ifc, err := net.InterfaceByName(name)
		if err != nil {
			continue
		}
		if in := s.resolve(req, ifc.Index, netip.Addr{}); in.pool != nil {
			ex.Steps = append(ex.Steps, provisioning.Step{Check: "subnet", OK: true, Detail: fmt.Sprintf("%s on %s", in.pool.CIDR, name)})
			return in
		}
	}
	ex.Steps = append(ex.Steps, provisioning.Step{Check: "subnet", Detail: "no served interface has an address in a [[dhcp.subnet]] (give --relay for a routed client)"})
	return ingress{}
}

// relayListed reports whether relay may relay for p, as relayAllowed
// judges: a subnet that lists no relays takes no relayed requests.
func (s *Server) relayListed(p *pool, relay netip.Addr) bool {
	return slices.Contains(p.Relays, relay)
}

// anyLocalAddr is an address of a served interface, for option 54.
func (s *Server) anyLocalAddr() netip.Addr {
	for _, name := range s.cfg.Interfaces {
		if ifc, err := net.InterfaceByName(name); err == nil {
			if ps := s.ifaces.prefixes(ifc.Index); len(ps) > 0 {
				return ps[0].Addr()
			}
		}
	}
	return netip.Addr{}
}

func relayDetail(ok bool, relay netip.Addr, cidr netip.Prefix) string {
	if ok {
		return fmt.Sprintf("%s relays for %s", relay, cidr)
	}
	return fmt.Sprintf("%s is not in the relays of %s: the request would be dropped", relay, cidr)
}

func classDetail(vendor, opt60 string) string {
	switch {
	case vendor == "":
		return "no class matched: the default boot options"
	case opt60 != "":
		return fmt.Sprintf("%s (option 60 %q or the MAC's OUI)", vendor, opt60)
	}
	return vendor + " (by the MAC's OUI)"
}

// addressDetail says why the address was picked.
func (s *Server) addressDetail(p *pool, mac provisioning.MAC, ip netip.Addr) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := p.resvMAC[mac]; ok && r.ip == ip {
		return ip.String() + " (reserved for this MAC)"
	}
	if e := p.byMAC[mac]; e != nil && e.ip == ip {
		return ip.String() + " (the client's previous address)"
	}
	return ip.String() + " (free in the range)"
}

// describeOptions lists an answer's options in code order with their
// bytes on the wire.
func describeOptions(opts dhcpv4.Options) []OptionInfo {
	var out []OptionInfo
	codes := make([]uint8, 0, len(opts))
	for code := range opts {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		v := opts[code]
		out = append(out, OptionInfo{Code: code, Name: optionName(code), Value: optionValue(code, v), Bytes: v})
	}
	return out
}

// optionValue renders an option's value for a person.
func optionValue(code uint8, v []byte) string {
	switch code {
	case 1, 3, 6, 42, 54, 150:
		if len(v) > 0 && len(v)%4 == 0 {
			var as []string
			for i := 0; i < len(v); i += 4 {
				as = append(as, netip.AddrFrom4([4]byte(v[i:i+4])).String())
			}
			return strings.Join(as, ",")
		}
	case 51, 58, 59:
		if len(v) == 4 {
			return fmt.Sprintf("%ds", binary.BigEndian.Uint32(v))
		}
	case 53:
		if len(v) == 1 {
			return dhcpv4.MessageType(v[0]).String()
		}
	}
	if t := bytes.TrimRight(v, "\x00"); printableASCII(t) {
		return string(t) // some servers NUL-terminate strings
	}
	return hex.EncodeToString(v)
}

func printableASCII(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, b := range v {
		if b < 0x20 || b > 0x7e {
			return false
		}
	}
	return true
}

// optionNames names the options provbox sends.
var optionNames = map[uint8]string{
	1: "subnet mask", 3: "router", 6: "DNS servers", 12: "host name", 15: "domain name", 42: "NTP servers",
	43: "vendor specific", 51: "lease time", 53: "message type", 54: "server identifier", 56: "message",
	58: "renewal time", 59: "rebinding time", 61: "client identifier", 66: "TFTP server name",
	67: "bootfile name", 82: "relay agent information", 150: "TFTP server address", 160: "provisioning URL",
}

func optionName(code uint8) string {
	if n, ok := optionNames[code]; ok {
		return n
	}
	return fmt.Sprintf("option %d", code)
}
