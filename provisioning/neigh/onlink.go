package neigh

import (
	"net/netip"

	"golang.org/x/sys/unix"
)

// link is one interface as rtnetlink describes it.
type link struct {
	index    int
	name     string
	flags    uint32 // IFF_*
	prefixes []netip.Prefix
}

// resolves reports whether l finds neighbours by ARP or NDP: up, not
// loopback, not point-to-point.
func (l link) resolves() bool {
	return l.flags&unix.IFF_UP != 0 && l.flags&(unix.IFF_LOOPBACK|unix.IFF_POINTOPOINT) == 0
}

// onLinkOf reports whether ip (no zone) is a neighbour of the box on
// ifindex (0: any interface): IPv6 link-local on a resolving interface,
// or inside the network of one of its addresses (and not that address).
func onLinkOf(ip netip.Addr, ifindex int, ls []link) bool {
	for _, l := range ls {
		if (ifindex != 0 && l.index != ifindex) || !l.resolves() {
			continue
		}
		if ip.Is6() && ip.IsLinkLocalUnicast() {
			return true
		}
		for _, p := range l.prefixes {
			if p.Contains(ip) && p.Addr() != ip {
				return true
			}
		}
	}
	return false
}

// indexOf is the index of the interface a zone names ("eth0", or its
// index as digits); 0 if none.
func indexOf(zone string, ls []link) int {
	for _, l := range ls {
		if l.name == zone {
			return l.index
		}
	}
	n := 0
	for _, ch := range zone {
		if ch < '0' || ch > '9' || n > 1<<24 {
			return 0
		}
		n = n*10 + int(ch-'0')
	}
	return n
}
