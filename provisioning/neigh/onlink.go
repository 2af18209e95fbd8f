package neigh

import (
	"net"
	"net/netip"
)

// link is an interface that resolves neighbours (ARP or NDP): up, not
// loopback, not point-to-point.
type link struct {
	index    int
	prefixes []netip.Prefix
}

// onLink reports whether ip (no zone) is a neighbour of the box on
// ifindex (0: any interface): IPv6 link-local on a resolving interface,
// or inside the network of one of its addresses (and not that address).
func onLink(ip netip.Addr, ifindex int) bool {
	return onLinkOf(ip, ifindex, links())
}

func onLinkOf(ip netip.Addr, ifindex int, ls []link) bool {
	for _, l := range ls {
		if ifindex != 0 && l.index != ifindex {
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

func links() []link {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []link
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&(net.FlagLoopback|net.FlagPointToPoint) != 0 {
			continue
		}
		l := link{index: ifc.Index}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok {
				continue
			}
			ip, ok := netip.AddrFromSlice(ipn.IP)
			if !ok {
				continue
			}
			ip = ip.Unmap()
			ones, _ := ipn.Mask.Size()
			if ip.Is4() && len(ipn.Mask) == net.IPv6len {
				ones -= 96
			}
			l.prefixes = append(l.prefixes, netip.PrefixFrom(ip, ones))
		}
		out = append(out, l)
	}
	return out
}
