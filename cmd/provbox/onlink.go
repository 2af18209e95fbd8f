package main

import (
	"net"
	"net/netip"
)

// onLinkV6 are the IPv6 networks of the box's own interfaces, read at
// start and at every reload. A LAN's /64 holds all of its hosts, so the
// ban engine strikes sources inside them per address (ban.Config.OnLink).
func onLinkV6() []netip.Prefix {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&net.FlagLoopback != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			ipn, ok := a.(*net.IPNet)
			if !ok || ipn.IP.To4() != nil {
				continue
			}
			ip, _ := netip.AddrFromSlice(ipn.IP)
			if ones, _ := ipn.Mask.Size(); !ip.IsLinkLocalUnicast() {
				out = append(out, netip.PrefixFrom(ip, ones).Masked())
			}
		}
	}
	return out
}
