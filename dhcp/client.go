package dhcp

import (
	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// client is who sent a request. The client identifier (option 61), when
// present, identifies the client for its lease: binding, RELEASE, DECLINE
// and NAK decisions (RFC 2131 sections 2 and 4.2). chaddr identifies it
// only when option 61 is absent. The device a phone is to the core
// (reservations, vendor, boot options) is always its chaddr, so a phone
// that sends option 61 is still recognised by the MAC on its label.
type ident struct {
	mac provisioning.MAC
	id  string // option 61 as sent (type byte included); "" when absent
}

// identify reads the client's identity from req; false when nothing
// identifies it (a malformed chaddr, or an all-zero one without option 61).
func identify(req *dhcpv4.DHCPv4) (ident, bool) {
	mac, err := provisioning.MACFromHardwareAddr(req.ClientHWAddr)
	if err != nil {
		return ident{}, false
	}
	c := ident{mac: mac}
	// RFC 2132 section 9.14: a type byte and at least one byte of identifier.
	if id := req.Options.Get(dhcpv4.OptionClientIdentifier); len(id) >= 2 {
		c.id = string(id)
	}
	return c, c.id != "" || !mac.IsZero()
}
