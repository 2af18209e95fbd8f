package ops

// RoguesDropper is a DHCPService that bounds its table of foreign DHCP
// servers (forged OFFERs can report any number) and counts those it
// dropped from it.
type RoguesDropper interface{ RoguesDropped() int }

// RoguesDropped is how many foreign DHCP servers the DHCP side dropped
// from its full table: 0 when DHCP is not served or it does not count.
func (o *Ops) RoguesDropped() int {
	d, err := o.dhcpService()
	if err != nil {
		return 0
	}
	if rd, ok := d.(RoguesDropper); ok {
		return rd.RoguesDropped()
	}
	return 0
}
