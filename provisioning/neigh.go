package provisioning

import (
	"bufio"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
)

// NeighbourFunc tells the hardware address the kernel has for ip. ok is
// false when it cannot judge (a routed requester, loopback, IPv6): the
// neighbour check passes. An on-link requester without a complete entry
// gets ok with the zero MAC, which no device has: a phone that talks to
// the box has just resolved it by ARP, and that request gave the kernel
// the phone's entry; a sender with a hand-set ARP entry gave it none.
type NeighbourFunc func(ip netip.Addr) (m MAC, ok bool)

// procARP is the kernel's IPv4 neighbour table.
const procARP = "/proc/net/arp"

// KernelNeighbours reads the kernel's IPv4 neighbour table on each call:
// it is read only for requests already attributed to a device, so its
// cost does not grow with a scan.
func KernelNeighbours(ip netip.Addr) (MAC, bool) {
	f, err := os.Open(procARP)
	if err != nil {
		return MAC{}, false
	}
	defer f.Close()
	if m, ok := lookupARP(f, ip); ok {
		return m, true
	}
	return MAC{}, onLink(ip, arpPrefixes())
}

// onLink reports whether ip is inside one of the prefixes.
func onLink(ip netip.Addr, prefixes []netip.Prefix) bool {
	ip = ip.Unmap()
	for _, p := range prefixes {
		if p.Contains(ip) && p.Addr() != ip {
			return true
		}
	}
	return false
}

// arpPrefixes are the IPv4 networks of the interfaces that resolve
// neighbours by ARP: up, not loopback, not point-to-point.
func arpPrefixes() []netip.Prefix {
	ifs, err := net.Interfaces()
	if err != nil {
		return nil
	}
	var out []netip.Prefix
	for _, ifc := range ifs {
		if ifc.Flags&net.FlagUp == 0 || ifc.Flags&(net.FlagLoopback|net.FlagPointToPoint) != 0 {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() != nil {
				ones, _ := ipn.Mask.Size()
				ip, _ := netip.AddrFromSlice(ipn.IP.To4())
				out = append(out, netip.PrefixFrom(ip, ones))
			}
		}
	}
	return out
}

// lookupARP finds ip's complete entry in /proc/net/arp text:
// "IP address  HW type  Flags  HW address  Mask  Device".
func lookupARP(r io.Reader, ip netip.Addr) (MAC, bool) {
	ip = ip.Unmap()
	if !ip.Is4() {
		return MAC{}, false
	}
	sc := bufio.NewScanner(r)
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || f[0] != ip.String() || f[2] == "0x0" { // 0x0: incomplete
			continue
		}
		if m, err := ParseMAC(f[3]); err == nil {
			return m, true
		}
	}
	return MAC{}, false
}
