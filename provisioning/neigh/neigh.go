package neigh

import "net/netip"

// entry is one usable neighbour-table entry.
type entry struct {
	ip      netip.Addr // no zone: ifindex says where
	ifindex int
	mac     []byte // the link-layer address as the kernel has it
}

// Lookup tells the Ethernet address the kernel's neighbour table holds
// for ip, read over one rtnetlink socket. ok is false when it cannot
// judge: a loopback, routed or unparsable requester, or no table
// (netlink failed). An on-link requester without a usable entry (none,
// incomplete, failed) gets ok with the zero MAC, which no device has: a
// host that talks to the box has just been resolved by it, so its entry
// exists.
//
// ip may be IPv4-mapped (a dual-stack listener's ::ffff:a.b.c.d) and may
// carry a zone (fe80::1%eth0): a link-local requester matches only the
// entry on its zone's interface.
func Lookup(ip netip.Addr) (mac [6]byte, ok bool) {
	ip = ip.Unmap()
	if !ip.IsValid() || ip.IsLoopback() || ip.IsUnspecified() || ip.IsMulticast() {
		return mac, false
	}
	c, err := open()
	if err != nil {
		return mac, false
	}
	defer c.close()
	ls, err := c.links() // to name the zone, and to tell on-link
	if err != nil {
		return mac, false
	}
	ifindex := 0
	if z := ip.Zone(); z != "" {
		if ifindex = indexOf(z, ls); ifindex == 0 {
			return mac, false
		}
	}
	entries, err := c.neighbours()
	if err != nil {
		return mac, false
	}
	return lookup(ip.WithZone(""), ifindex, entries, func(ip netip.Addr, ifindex int) bool {
		return onLinkOf(ip, ifindex, ls)
	})
}

// lookup finds ip (zone stripped) on ifindex (0: any) among entries.
// Entries on several interfaces that disagree give the zero MAC.
func lookup(ip netip.Addr, ifindex int, entries []entry, onLink func(netip.Addr, int) bool) (mac [6]byte, ok bool) {
	found := false
	for _, e := range entries {
		if e.ip != ip || (ifindex != 0 && e.ifindex != ifindex) {
			continue
		}
		var m [6]byte
		if len(e.mac) == len(m) {
			copy(m[:], e.mac)
		}
		if found && m != mac {
			return [6]byte{}, true
		}
		mac, found = m, true
	}
	if found {
		return mac, true
	}
	return [6]byte{}, onLink(ip, ifindex)
}
