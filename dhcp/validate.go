package dhcp

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/setting"
)

// Validate reports every problem of a configuration to serve, each a
// *setting.Error naming its key: Check, and at least one subnet.
func (c Config) Validate() error {
	errs := c.Check()
	if len(c.Subnets) == 0 {
		errs = append(errs, setting.Errorf("dhcp.subnet", "at least one [[dhcp.subnet]] is required"))
	}
	return errors.Join(errs...)
}

// Check reports the problems of the values present, each a
// *setting.Error naming its key; a section that is off may leave them out.
func (c Config) Check() []error {
	var errs []error
	for i, name := range c.Interfaces {
		if name == "" || len(name) > 15 || strings.ContainsAny(name, "/ \t") {
			errs = append(errs, setting.Errorf(fmt.Sprintf("dhcp.interfaces[%d]", i), "%q is not an interface name", name))
		} else if slices.Index(c.Interfaces, name) != i {
			errs = append(errs, setting.Errorf(fmt.Sprintf("dhcp.interfaces[%d]", i), "%q is listed twice", name))
		}
	}
	errs = append(errs, c.checkRogue()...)
	if c.LeaseTime <= 0 {
		errs = append(errs, setting.Errorf("dhcp.lease_time", "must be a positive duration like \"30s\" or \"12h\", got %s", c.LeaseTime))
	}
	for i, s := range c.Subnets {
		errs = append(errs, s.check(fmt.Sprintf("dhcp.subnet[%d].", i))...)
	}
	errs = append(errs, c.subnetsDisjoint()...)
	return append(errs, c.checkReservations()...)
}

func (s Subnet) check(key string) []error {
	switch {
	case !s.CIDR.IsValid():
		return []error{setting.Errorf(key+"cidr", "required, e.g. \"10.20.0.0/24\"")}
	case !s.CIDR.Addr().Is4():
		return []error{setting.Errorf(key+"cidr", "%s: DHCPv4 needs an IPv4 network", s.CIDR)}
	case s.CIDR != s.CIDR.Masked():
		return []error{setting.Errorf(key+"cidr", "%s has host bits set; did you mean %s?", s.CIDR, s.CIDR.Masked())}
	case s.CIDR.Bits() > 30:
		return []error{setting.Errorf(key+"cidr", "%s leaves no room for a pool (at most /30)", s.CIDR)}
	}
	errs := s.checkPool(key + "range")
	for _, r := range s.Router {
		if !usable(s.CIDR, r) {
			errs = append(errs, setting.Errorf(key+"router", "%s is not a host address inside %s", r, s.CIDR))
		}
	}
	errs = append(errs, ipv4List(key+"dns", s.DNS)...)
	errs = append(errs, ipv4List(key+"ntp", s.NTP)...)
	errs = append(errs, ipv4List(key+"relays", s.Relays)...)
	for j, a := range s.Relays {
		if slices.Index(s.Relays, a) != j {
			errs = append(errs, setting.Errorf(key+"relays", "%s is listed twice", a))
		}
	}
	if s.Domain != "" && !ValidHostname(s.Domain) {
		errs = append(errs, setting.Errorf(key+"domain", "%q is not a domain name", s.Domain))
	}
	if s.LeaseTime < 0 {
		errs = append(errs, setting.Errorf(key+"lease_time", "must be positive (or left out for dhcp.lease_time), got %s", s.LeaseTime))
	}
	return errs
}

func (s Subnet) checkPool(key string) []error {
	r := s.Range
	switch {
	case r.IsZero():
		return []error{setting.Errorf(key, "required, e.g. \"10.20.0.100-10.20.0.250\"")}
	case !usable(s.CIDR, r.First) || !usable(s.CIDR, r.Last):
		return []error{setting.Errorf(key, "%s is not inside %s (network and broadcast addresses excluded)", r, s.CIDR)}
	case r.Last.Less(r.First):
		return []error{setting.Errorf(key, "start %s is after end %s", r.First, r.Last)}
	}
	for _, rt := range s.Router {
		if !rt.Less(r.First) && !r.Last.Less(rt) {
			return []error{setting.Errorf(key, "%s includes the router %s", r, rt)}
		}
	}
	return nil
}

// usable reports whether a is a host address of p: inside it, and neither
// its network nor its broadcast address.
func usable(p netip.Prefix, a netip.Addr) bool {
	if !p.IsValid() || !a.IsValid() || !p.Contains(a) || a == p.Addr() {
		return false
	}
	return p.Contains(a.Next()) // a is not the last (broadcast) address
}

func ipv4List(key string, as []netip.Addr) []error {
	var errs []error
	for j, a := range as {
		if !a.Is4() || a.IsUnspecified() {
			errs = append(errs, setting.Errorf(fmt.Sprintf("%s[%d]", key, j), "%s is not an IPv4 host address", a))
		}
	}
	return errs
}

func (c Config) subnetsDisjoint() []error {
	var errs []error
	ss := c.Subnets
	for i := range ss {
		for j := range i {
			if ss[i].CIDR.IsValid() && ss[j].CIDR.IsValid() && ss[i].CIDR.Overlaps(ss[j].CIDR) {
				errs = append(errs, setting.Errorf(fmt.Sprintf("dhcp.subnet[%d].cidr", i),
					"%s overlaps dhcp.subnet[%d] %s", ss[i].CIDR, j, ss[j].CIDR))
			}
		}
	}
	return errs
}

func (c Config) checkReservations() []error {
	var errs []error
	macs := map[provisioning.MAC]int{}
	ips := map[netip.Addr]int{}
	for i, r := range c.Reservations {
		key := fmt.Sprintf("dhcp.reservation[%d].", i)
		if r.MAC.IsZero() {
			errs = append(errs, setting.Errorf(key+"mac", "required"))
		} else if j, dup := macs[r.MAC]; dup {
			errs = append(errs, setting.Errorf(key+"mac", "%s is already reserved by dhcp.reservation[%d]", r.MAC, j))
		}
		macs[r.MAC] = i
		switch j, dup := ips[r.IP]; {
		case !r.IP.IsValid():
			errs = append(errs, setting.Errorf(key+"ip", "required"))
		case dup:
			errs = append(errs, setting.Errorf(key+"ip", "%s is already reserved by dhcp.reservation[%d]", r.IP, j))
		case !c.inSomeSubnet(r.IP):
			errs = append(errs, setting.Errorf(key+"ip", "%s is not a host address of any [[dhcp.subnet]]", r.IP))
		}
		ips[r.IP] = i
		if r.Hostname != "" && !ValidHostname(r.Hostname) {
			errs = append(errs, setting.Errorf(key+"hostname", "%q is not a host name", r.Hostname))
		}
	}
	return errs
}

func (c Config) inSomeSubnet(a netip.Addr) bool {
	for _, s := range c.Subnets {
		if usable(s.CIDR, a) {
			return true
		}
	}
	return false
}

// ValidHostname accepts RFC 1123 names: dot-separated labels of letters,
// digits and inner hyphens.
func ValidHostname(s string) bool {
	if len(s) > 253 {
		return false
	}
	for _, l := range strings.Split(s, ".") {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for _, r := range l {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
				return false
			}
		}
	}
	return true
}

// checkRogue checks the rogue-detection keys.
func (c Config) checkRogue() []error {
	var errs []error
	for i, name := range c.WatchInterfaces {
		key := fmt.Sprintf("dhcp.watch_interfaces[%d]", i)
		switch {
		case name == "" || len(name) > 15 || strings.ContainsAny(name, "/ \t"):
			errs = append(errs, setting.Errorf(key, "%q is not an interface name", name))
		case slices.Index(c.WatchInterfaces, name) != i || slices.Contains(c.Interfaces, name):
			errs = append(errs, setting.Errorf(key, "%q is listed twice (served interfaces are watched anyway)", name))
		}
	}
	if c.RogueProbeInterval < 0 || (c.RogueProbeInterval > 0 && c.RogueProbeInterval < time.Second) {
		errs = append(errs, setting.Errorf("dhcp.rogue_probe_interval", "want \"0s\" (off) or at least \"1s\", e.g. \"5m\"; got %s", c.RogueProbeInterval))
	}
	errs = append(errs, ipv4List("dhcp.known_servers", c.KnownServers)...)
	return errs
}
