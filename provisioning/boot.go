package provisioning

import (
	"bytes"
	"net/netip"
	"slices"
	"strconv"

	"github.com/provbox/provbox/provisioning/vendor"
)

// BootConfig is the bootstrap part of [dhcp]: where phones are pointed and
// the per-class overrides of the built-in vendor rules.
type BootConfig struct {
	// Proto is the bootstrap protocol, "http" (default) or "tftp".
	Proto string
	// Host is the advertised bootstrap host (name or address). Empty means
	// the DHCP server's own address on the client's network.
	Host string
	// HTTPPort and TFTPPort are the bootstrap ports; 0 means the default
	// (80, 69), which is then left out of URLs.
	HTTPPort, TFTPPort int
	// Classes are the [[dhcp.class]] overrides; they are tried before the
	// built-in rules of the vendor registry.
	Classes []BootClass
}

// BootClass is one vendor rule with the vendor name it identifies.
type BootClass struct {
	Vendor string
	Rule   vendor.DHCPRule
}

// BootRequest is what DHCP tells the core about a client.
type BootRequest struct {
	MAC         MAC
	VendorClass []byte  // option 60, raw (Poly's is binary)
	Requested   []uint8 // option 55, the parameter request list; empty: all
	// Server is the DHCP server's address on the client's network, used as
	// the bootstrap host when BootConfig.Host is empty.
	Server netip.Addr
}

// BootOption is one DHCP option value for the client.
type BootOption struct {
	Code  uint8
	Value []byte
}

// BootReply is the core's answer: the vendor it recognised ("" if none)
// and the options to send, ordered by code.
type BootReply struct {
	Vendor  string
	Options []BootOption
}

// defaultBootRule applies to clients no rule recognises: Option 66 with
// the bootstrap location (a URL for HTTP, the bare host for TFTP, which
// every TFTP client reads), only when asked for (laptops need not see it).
func defaultBootRule(proto string) vendor.DHCPRule {
	form := vendor.FormURL
	if proto == "tftp" {
		form = vendor.FormHost
	}
	return vendor.DHCPRule{Options: []vendor.BootOption{{Code: 66, Form: form}}}
}

// Boot decides which bootstrap options a DHCP client gets. A FormURL
// option's Value, if any, is a path appended to the bootstrap URL (Cisco's
// "$PSN.xml"); options the client did not list in option 55 are left out
// unless the rule forces them. Vendors are
// identified by option 60 (prefix, then substring, compared as bytes),
// falling back to the MAC's OUI; TOML classes win over built-in rules.
func (s *Service) Boot(r BootRequest) BootReply {
	s.mu.RLock()
	cfg, reg := s.cfg.Boot, s.reg
	s.mu.RUnlock()
	classes := slices.Clone(cfg.Classes)
	if reg != nil {
		for _, p := range reg.Profiles() {
			classes = append(classes, BootClass{Vendor: p.Name, Rule: p.DHCP})
		}
	}
	reply := bootReply(cfg, classes, r)
	s.noteBoot(r, reply.Vendor)
	return reply
}

// bootReply is Boot's pure part.
func bootReply(cfg BootConfig, classes []BootClass, r BootRequest) BootReply {
	c, ok := matchClass(classes, r)
	rule := defaultBootRule(cfg.Proto)
	if ok && len(c.Rule.Options) > 0 {
		rule = c.Rule
	}
	out := BootReply{Vendor: c.Vendor}
	loc := bootLocation(cfg, r.Server)
	var sub43 []byte
	for _, o := range rule.Options {
		if !o.Force && len(r.Requested) > 0 && !slices.Contains(r.Requested, o.Code) {
			continue
		}
		v, ok := loc.value(o)
		if !ok {
			continue
		}
		if o.Form == vendor.FormVendorSub {
			sub43 = append(sub43, v...) // sub-options of one option share it
			continue
		}
		out.Options = appendOption(out.Options, BootOption{Code: o.Code, Value: v})
	}
	if len(sub43) > 0 {
		out.Options = appendOption(out.Options, BootOption{Code: 43, Value: sub43})
	}
	slices.SortStableFunc(out.Options, func(a, b BootOption) int { return int(a.Code) - int(b.Code) })
	return out
}

// appendOption adds o unless an option with its code is already there
// (the first rule entry for a code wins).
func appendOption(opts []BootOption, o BootOption) []BootOption {
	for _, x := range opts {
		if x.Code == o.Code {
			return opts
		}
	}
	return append(opts, o)
}

// matchClass finds the client's class: option 60 across all classes
// first, then the OUI, so a precise vendor class beats an OUI guess.
func matchClass(classes []BootClass, r BootRequest) (BootClass, bool) {
	if len(r.VendorClass) > 0 {
		for _, c := range classes {
			if classMatches(c.Rule, r.VendorClass) {
				return c, true
			}
		}
	}
	oui := r.MAC.OUI()
	for _, c := range classes {
		if slices.Contains(c.Rule.OUIs, oui) {
			return c, true
		}
	}
	return BootClass{}, false
}

func classMatches(rule vendor.DHCPRule, vc []byte) bool {
	for _, p := range rule.ClassPrefixes {
		if p != "" && bytes.HasPrefix(vc, []byte(p)) {
			return true
		}
	}
	for _, sub := range rule.ClassContains {
		if sub != "" && bytes.Contains(vc, []byte(sub)) {
			return true
		}
	}
	return false
}

// location is the bootstrap endpoint in the forms options need.
type location struct {
	proto string     // http or tftp
	host  string     // host[:port] for URLs
	bare  string     // host only
	ip    netip.Addr // valid when the host is an IPv4 address
}

func bootLocation(cfg BootConfig, server netip.Addr) location {
	host := cfg.Host
	if host == "" && server.IsValid() {
		host = server.String()
	}
	l := location{proto: "http", bare: host, host: host}
	if cfg.Proto == "tftp" {
		l.proto = "tftp"
	}
	port, def := cfg.HTTPPort, 80
	if l.proto == "tftp" {
		port, def = cfg.TFTPPort, 69
	}
	if port != 0 && port != def {
		l.host = host + ":" + strconv.Itoa(port)
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
		l.ip = a
	} else if server.Is4() {
		// A named host: option 150 still needs an address, ours.
		l.ip = server
	}
	return l
}

// url is the bootstrap URL with path appended ("" gives the root).
func (l location) url(path string) string {
	if len(path) > 0 && path[0] == '/' {
		path = path[1:]
	}
	return l.proto + "://" + l.host + "/" + path
}

// value encodes o for this location; false when it cannot be (no host,
// or no IPv4 address for an address list).
func (l location) value(o vendor.BootOption) ([]byte, bool) {
	if l.bare == "" && o.Form != vendor.FormBootFile {
		return nil, false
	}
	switch o.Form {
	case vendor.FormURL:
		return []byte(l.url(o.Value)), true
	case vendor.FormHost:
		return []byte(l.bare), true
	case vendor.FormIPList:
		if !l.ip.IsValid() {
			return nil, false
		}
		a := l.ip.As4()
		return a[:], true
	case vendor.FormBootFile:
		return []byte(o.Value), o.Value != ""
	case vendor.FormVendorSub:
		u := l.url(o.Value)
		if len(u) > 255 {
			return nil, false
		}
		return append([]byte{o.SubCode, byte(len(u))}, u...), true
	}
	return nil, false
}
