package provisioning

import (
	"bytes"
	"net/netip"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/provbox/provbox/provisioning/profile"
)

// BootConfig is the bootstrap part of [dhcp]: where phones are pointed and
// the per-class overrides of the built-in vendor rules.
type BootConfig struct {
	// Proto is the bootstrap protocol, ProtoHTTP (default) or ProtoTFTP:
	// dhcp.bootstrap in provbox.toml.
	Proto Proto `toml:"bootstrap"`
	// Host is the advertised bootstrap host (name or address). Empty means
	// the DHCP server's own address on the client's network.
	Host string `toml:"-"`
	// HTTPPort and TFTPPort are the bootstrap ports; 0 means the default
	// (80, 69), which is then left out of URLs.
	HTTPPort, TFTPPort int `toml:"-"`
	// Classes are the [[dhcp.class]] overrides; they are tried before the
	// built-in rules of the vendor registry.
	Classes []BootClass `toml:"class"`
}

// BootClass is one vendor rule with the vendor name it identifies: a
// [[dhcp.class]] of provbox.toml, which decodes straight into it.
type BootClass struct {
	Vendor           string `toml:"vendor"`
	profile.DHCPRule        // the class's own keys
}

// BootRequest is what DHCP tells the core about a client.
type BootRequest struct {
	MAC         MAC
	VendorClass []byte // option 60, raw (Poly's is binary)
	// Server is the DHCP server's address on the client's network, used as
	// the bootstrap host when BootConfig.Host is empty.
	Server netip.Addr
}

// BootReply is the core's boot plan for a client: the vendor it
// recognised ("" if none), where the bootstrap is, and which options
// carry it in which form (the vendor rule's, in rule order). The DHCP
// server filters them by the client's parameter request list and
// encodes them; the core knows no option bytes.
type BootReply struct {
	Vendor   string
	Location BootLocation
	Options  []profile.BootOption
}

// BootLocation is the bootstrap endpoint in the forms options need.
type BootLocation struct {
	Proto Proto      // ProtoHTTP or ProtoTFTP
	Host  string     // host[:port] for URLs; "" when no host is known
	Bare  string     // the host alone, for options that carry a bare host
	IPv4  netip.Addr // for address-list options; invalid when none is known
}

// URL is the bootstrap URL with path appended ("" gives the root).
func (l BootLocation) URL(path string) string {
	if len(path) > 0 && path[0] == '/' {
		path = path[1:]
	}
	return string(l.Proto) + "://" + l.Host + "/" + path
}

// defaultBootRule applies to clients no rule recognises: Option 66 with
// the bootstrap location (a URL for HTTP, the bare host for TFTP, which
// every TFTP client reads), only when asked for (laptops need not see it).
func defaultBootRule(proto Proto) profile.DHCPRule {
	form := profile.FormURL
	if proto == ProtoTFTP {
		form = profile.FormHost
	}
	return profile.DHCPRule{Options: []profile.BootOption{{Code: 66, Form: form}}}
}

// Boot decides a DHCP client's boot plan. Vendors are
// identified by option 60 (prefix, then substring, compared as bytes),
// falling back to the MAC's OUI; TOML classes win over built-in rules.
func (s *Service) Boot(r BootRequest) BootReply {
	s.mu.RLock()
	cfg, reg := s.cfg.Boot, s.reg
	s.mu.RUnlock()
	reply := bootReply(cfg, s.bootClasses.get(cfg.Classes, reg), r)
	s.noteBoot(r, reply.Vendor)
	return reply
}

// bootClassCache holds the TOML classes followed by the registry's rules,
// built once per configuration: Boot runs for every OFFER and ACK, and
// rebuilding the list each time was half of the DHCP path's allocations.
type bootClassCache struct {
	p atomic.Pointer[bootClasses]
}

type bootClasses struct {
	cfg []BootClass // the configuration's slice the list was built from
	reg *profile.Registry
	all []BootClass // read-only once published
}

// get returns the list for cfg and reg, building it when either changed
// (Reload installs a new configuration and registry).
func (c *bootClassCache) get(cfg []BootClass, reg *profile.Registry) []BootClass {
	if b := c.p.Load(); b != nil && b.reg == reg && sameSlice(b.cfg, cfg) {
		return b.all
	}
	all := slices.Clone(cfg)
	if reg != nil {
		for _, p := range reg.Profiles() {
			all = append(all, BootClass{Vendor: p.Name, DHCPRule: p.DHCP})
		}
	}
	c.p.Store(&bootClasses{cfg: cfg, reg: reg, all: all})
	return all
}

// sameSlice reports whether a and b are the same slice (not just equal).
func sameSlice(a, b []BootClass) bool {
	return len(a) == len(b) && (len(a) == 0 || &a[0] == &b[0])
}

// bootReply is Boot's pure part.
func bootReply(cfg BootConfig, classes []BootClass, r BootRequest) BootReply {
	c, ok := matchClass(classes, r)
	rule := defaultBootRule(cfg.Proto)
	if ok && len(c.Options) > 0 {
		rule = c.DHCPRule
	}
	return BootReply{Vendor: c.Vendor, Location: bootLocation(cfg, r.Server), Options: slices.Clone(rule.Options)}
}

// matchClass finds the client's class: option 60 across all classes
// first, then the OUI, so a precise vendor class beats an OUI guess.
func matchClass(classes []BootClass, r BootRequest) (BootClass, bool) {
	if len(r.VendorClass) > 0 {
		for _, c := range classes {
			if classMatches(c.DHCPRule, r.VendorClass) {
				return c, true
			}
		}
	}
	oui := r.MAC.OUI()
	for _, c := range classes {
		if slices.Contains(c.OUIs, oui) {
			return c, true
		}
	}
	return BootClass{}, false
}

func classMatches(rule profile.DHCPRule, vc []byte) bool {
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

func bootLocation(cfg BootConfig, server netip.Addr) BootLocation {
	host := cfg.Host
	if host == "" && server.IsValid() {
		host = server.String()
	}
	l := BootLocation{Proto: ProtoHTTP, Bare: host, Host: host}
	if cfg.Proto == ProtoTFTP {
		l.Proto = ProtoTFTP
	}
	port, def := cfg.HTTPPort, 80
	if l.Proto == ProtoTFTP {
		port, def = cfg.TFTPPort, 69
	}
	if host != "" && port != 0 && port != def {
		l.Host = host + ":" + strconv.Itoa(port)
	}
	if a, err := netip.ParseAddr(host); err == nil && a.Is4() {
		l.IPv4 = a
	} else if server.Is4() {
		// A named host: option 150 still needs an address, ours.
		l.IPv4 = server
	}
	return l
}
