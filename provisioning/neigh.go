package provisioning

import "net/netip"

// NeighbourFunc tells the hardware address the kernel's neighbour table
// (ARP for IPv4, NDP for IPv6) has for ip. ok is false when it cannot
// judge (a routed or loopback requester, no table): that is no verdict,
// never a pass. An on-link requester without a usable entry gets ok with
// the zero MAC, which no device has. ip may carry a zone (a link-local
// requester) and may be IPv4-mapped.
type NeighbourFunc func(ip netip.Addr) (m MAC, ok bool)

// NoNeighbours judges nobody: the default when no table is injected.
func NoNeighbours(netip.Addr) (MAC, bool) { return MAC{}, false }

// inNetworks reports whether ip is inside one of the prefixes, whatever
// its zone or IPv4 mapping (netip.Prefix.Contains matches neither).
func inNetworks(ip netip.Addr, prefixes []netip.Prefix) bool {
	ip = ip.Unmap().WithZone("")
	for _, p := range prefixes {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}
