package main

import (
	"errors"

	"github.com/provbox/provbox/provisioning"
)

// dhcp checks [dhcp]: the server's own rules are dhcp.Config's, the
// bootstrap's and the classes' provisioning.BootConfig's; those here
// span sections (bootstrap against [tftp] and [http]).
func (k *checker) dhcp() {
	d := k.c.DHCP
	if d.Enabled {
		k.dhcpEnabled()
	}
	k.section(d.BootConfig.Validate())
	k.section(k.c.dhcpSection())
}

func (k *checker) dhcpEnabled() {
	d := k.c.DHCP
	if len(d.Interfaces) == 0 {
		k.failf("dhcp.interfaces", "required when dhcp.enabled = true: name the interface(s) phones are on, e.g. [\"eth1\"]")
	}
	if d.Proto == provisioning.ProtoTFTP && !k.c.TFTP.Enabled {
		k.failf("dhcp.bootstrap", "\"tftp\" needs tftp.enabled = true")
	}
	if d.Proto == provisioning.ProtoHTTP && k.c.HTTP.Addr == "" {
		k.failf("dhcp.bootstrap", "\"http\" needs http.listen (phones bootstrap over plain HTTP)")
	}
}

// dhcpSection is the server's own validation: all of it when DHCP is on,
// the values present when it is off.
func (c *fileConfig) dhcpSection() error {
	if c.DHCP.Enabled {
		return c.DHCP.Config.Validate()
	}
	return errors.Join(c.DHCP.Config.Check()...)
}
