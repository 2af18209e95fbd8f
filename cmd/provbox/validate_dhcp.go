package main

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/provbox/provbox/provisioning"
)

func (k *checker) dhcp() {
	d := k.c.DHCP
	if d.Enabled {
		k.dhcpEnabled()
	}
	if d.Bootstrap != "http" && d.Bootstrap != "tftp" {
		k.failf("dhcp.bootstrap", "%q: want \"http\" or \"tftp\"", d.Bootstrap)
	}
	k.positive("dhcp.lease_time", d.LeaseTime)
	for i := range d.Subnets {
		k.subnet(i)
	}
	k.subnetsDisjoint()
	k.reservations()
	for i := range d.Classes {
		k.class(i)
	}
}

func (k *checker) dhcpEnabled() {
	d := k.c.DHCP
	if len(d.Interfaces) == 0 {
		k.failf("dhcp.interfaces", "required when dhcp.enabled = true: name the interface(s) phones are on, e.g. [\"eth1\"]")
	}
	for i, name := range d.Interfaces {
		if name == "" || len(name) > 15 || strings.ContainsAny(name, "/ \t") {
			k.failf(fmt.Sprintf("dhcp.interfaces[%d]", i), "%q is not an interface name", name)
		} else if slices.Index(d.Interfaces, name) != i {
			k.failf(fmt.Sprintf("dhcp.interfaces[%d]", i), "%q is listed twice", name)
		}
	}
	if len(d.Subnets) == 0 {
		k.failf("dhcp.subnet", "at least one [[dhcp.subnet]] is required when dhcp.enabled = true")
	}
	if d.Bootstrap == "tftp" && !k.c.TFTP.Enabled {
		k.failf("dhcp.bootstrap", "\"tftp\" needs tftp.enabled = true")
	}
	if d.Bootstrap == "http" && k.c.HTTP.Listen == "" {
		k.failf("dhcp.bootstrap", "\"http\" needs http.listen (phones bootstrap over plain HTTP)")
	}
}

func (k *checker) subnet(i int) {
	s := k.c.DHCP.Subnets[i]
	key := func(name string) string { return fmt.Sprintf("dhcp.subnet[%d].%s", i, name) }
	switch {
	case !s.CIDR.IsValid():
		k.failf(key("cidr"), "required, e.g. \"10.20.0.0/24\"")
		return
	case !s.CIDR.Addr().Is4():
		k.failf(key("cidr"), "%s: DHCPv4 needs an IPv4 network", s.CIDR)
		return
	case s.CIDR != s.CIDR.Masked():
		k.failf(key("cidr"), "%s has host bits set; did you mean %s?", s.CIDR, s.CIDR.Masked())
		return
	case s.CIDR.Bits() > 30:
		k.failf(key("cidr"), "%s leaves no room for a pool (at most /30)", s.CIDR)
		return
	}
	k.pool(key("range"), s)
	if s.Router.IsValid() && !usable(s.CIDR, s.Router) {
		k.failf(key("router"), "%s is not a host address inside %s", s.Router, s.CIDR)
	}
	k.ipv4List(key("dns"), s.DNS)
	k.ipv4List(key("ntp"), s.NTP)
	k.ipv4List(key("relays"), s.Relays)
	for j, a := range s.Relays {
		if slices.Index(s.Relays, a) != j {
			k.failf(key("relays"), "%s is listed twice", a)
		}
	}
	if s.Domain != "" && !validHostname(s.Domain) {
		k.failf(key("domain"), "%q is not a domain name", s.Domain)
	}
	if s.LeaseTime < 0 {
		k.failf(key("lease_time"), "must be positive (or left out for dhcp.lease_time), got %s", s.LeaseTime)
	}
}

func (k *checker) pool(key string, s subnetConfig) {
	r := s.Range
	switch {
	case r.IsZero():
		k.failf(key, "required, e.g. \"10.20.0.100-10.20.0.250\"")
	case !usable(s.CIDR, r.First) || !usable(s.CIDR, r.Last):
		k.failf(key, "%s is not inside %s (network and broadcast addresses excluded)", r, s.CIDR)
	case s.Router.IsValid() && !s.Router.Less(r.First) && !r.Last.Less(s.Router):
		k.failf(key, "%s includes the router %s", r, s.Router)
	}
}

// usable reports whether a is a host address of p: inside it, and neither
// its network nor its broadcast address.
func usable(p netip.Prefix, a netip.Addr) bool {
	if !inPrefix(p, a) || a == p.Addr() {
		return false
	}
	return p.Contains(a.Next()) // a is not the last (broadcast) address
}

func (k *checker) ipv4List(key string, as []netip.Addr) {
	for j, a := range as {
		if !a.Is4() || a.IsUnspecified() {
			k.failf(fmt.Sprintf("%s[%d]", key, j), "%s is not an IPv4 host address", a)
		}
	}
}

func (k *checker) subnetsDisjoint() {
	ss := k.c.DHCP.Subnets
	for i := range ss {
		for j := range i {
			if ss[i].CIDR.IsValid() && ss[j].CIDR.IsValid() && ss[i].CIDR.Overlaps(ss[j].CIDR) {
				k.failf(fmt.Sprintf("dhcp.subnet[%d].cidr", i), "%s overlaps dhcp.subnet[%d] %s", ss[i].CIDR, j, ss[j].CIDR)
			}
		}
	}
}

func (k *checker) reservations() {
	rs := k.c.DHCP.Reservations
	macs := map[provisioning.MAC]int{}
	ips := map[netip.Addr]int{}
	for i, r := range rs {
		key := func(name string) string { return fmt.Sprintf("dhcp.reservation[%d].%s", i, name) }
		if r.MAC.IsZero() {
			k.failf(key("mac"), "required")
		} else if j, dup := macs[r.MAC]; dup {
			k.failf(key("mac"), "%s is already reserved by dhcp.reservation[%d]", r.MAC, j)
		}
		macs[r.MAC] = i
		switch j, dup := ips[r.IP]; {
		case !r.IP.IsValid():
			k.failf(key("ip"), "required")
		case dup:
			k.failf(key("ip"), "%s is already reserved by dhcp.reservation[%d]", r.IP, j)
		case !k.inSomeSubnet(r.IP):
			k.failf(key("ip"), "%s is not a host address of any [[dhcp.subnet]]", r.IP)
		}
		ips[r.IP] = i
		if r.Hostname != "" && !validHostname(r.Hostname) {
			k.failf(key("hostname"), "%q is not a host name", r.Hostname)
		}
	}
}

func (k *checker) inSomeSubnet(a netip.Addr) bool {
	for _, s := range k.c.DHCP.Subnets {
		if usable(s.CIDR, a) {
			return true
		}
	}
	return false
}

// validHostname accepts RFC 1123 names: dot-separated labels of letters,
// digits and inner hyphens.
func validHostname(s string) bool {
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

// optionForms are the encodings a [[dhcp.class.option]] may ask for.
var optionForms = []string{"url", "host", "ip-list", "bootfile", "vendor-sub"}

// managedOptions are set by the DHCP server from other keys (or by the
// protocol itself); a class may not override them.
var managedOptions = map[int]string{0: "pad", 1: "dhcp.subnet.cidr", 3: "dhcp.subnet.router",
	6: "dhcp.subnet.dns", 15: "dhcp.subnet.domain", 42: "dhcp.subnet.ntp", 50: "the protocol",
	51: "dhcp.lease_time", 52: "the protocol", 53: "the protocol", 54: "the protocol", 55: "the protocol",
	56: "the protocol", 57: "the protocol", 58: "dhcp.lease_time", 59: "dhcp.lease_time",
	61: "the protocol", 82: "the relay agent", 255: "end"}

func (k *checker) class(i int) {
	c := k.c.DHCP.Classes[i]
	key := fmt.Sprintf("dhcp.class[%d]", i)
	if c.Vendor == "" {
		k.failf(key+".vendor", "required: the vendor profile this class selects")
	}
	for j, s := range append(slices.Clone(c.Option60Prefix), c.Option60Contains...) {
		if s == "" {
			k.failf(key, "empty string in option60_prefix/option60_contains (entry %d) would match every client", j+1)
		}
	}
	for j := range c.Options {
		k.classOption(fmt.Sprintf("%s.option[%d]", key, j), c.Options[j])
	}
}

func (k *checker) classOption(key string, o optionConfig) {
	if o.Code < 1 || o.Code > 254 {
		k.failf(key+".code", "must be 1-254, got %d", o.Code)
	} else if by, ok := managedOptions[o.Code]; ok {
		k.failf(key+".code", "option %d is set by %s, not by a class", o.Code, by)
	}
	if !slices.Contains(optionForms, o.Form) {
		k.failf(key+".form", "%q: want one of %s", o.Form, strings.Join(optionForms, ", "))
	}
	switch {
	case o.Form == "vendor-sub" && (o.SubCode < 1 || o.SubCode > 254):
		k.failf(key+".sub_code", "must be 1-254 with form = \"vendor-sub\", got %d", o.SubCode)
	case o.Form != "vendor-sub" && o.SubCode != 0:
		k.failf(key+".sub_code", "only means something with form = \"vendor-sub\"")
	case o.Form == "bootfile" && o.Value == "":
		k.failf(key+".value", "required with form = \"bootfile\": the file name")
	case o.Form != "bootfile" && o.Form != "url" && o.Value != "":
		k.failf(key+".value", "only means something with form = \"bootfile\" (the file) or \"url\" (a path after the bootstrap URL)")
	}
}
