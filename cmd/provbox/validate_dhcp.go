package main

import (
	"errors"
	"fmt"
	"slices"
	"strings"
)

// dhcp checks [dhcp]: the server's own rules are dhcp.Config's; those
// here span sections (bootstrap against [tftp] and [http]) or concern
// the core's classes.
func (k *checker) dhcp() {
	d := k.c.DHCP
	if d.Enabled {
		k.dhcpEnabled()
	}
	if d.Bootstrap != "http" && d.Bootstrap != "tftp" {
		k.failf("dhcp.bootstrap", "%q: want \"http\" or \"tftp\"", d.Bootstrap)
	}
	k.section(k.c.dhcpSection())
	for i := range d.Classes {
		k.class(i)
	}
}

func (k *checker) dhcpEnabled() {
	d := k.c.DHCP
	if len(d.Interfaces) == 0 {
		k.failf("dhcp.interfaces", "required when dhcp.enabled = true: name the interface(s) phones are on, e.g. [\"eth1\"]")
	}
	if d.Bootstrap == "tftp" && !k.c.TFTP.Enabled {
		k.failf("dhcp.bootstrap", "\"tftp\" needs tftp.enabled = true")
	}
	if d.Bootstrap == "http" && k.c.HTTP.Addr == "" {
		k.failf("dhcp.bootstrap", "\"http\" needs http.listen (phones bootstrap over plain HTTP)")
	}
}

// dhcpSection is the server's own validation: all of it when DHCP is on,
// the values present when it is off.
func (c *fileConfig) dhcpSection() error {
	if c.DHCP.Enabled {
		return c.DHCP.Validate()
	}
	return errors.Join(c.DHCP.Check()...)
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
