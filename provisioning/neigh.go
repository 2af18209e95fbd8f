package provisioning

import (
	"bufio"
	"io"
	"net/netip"
	"os"
	"strings"
)

// NeighbourFunc looks up the hardware address the kernel has for an
// on-link IP; ok is false when it has none (a routed requester, or no
// entry yet), in which case the neighbour check passes.
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
	return lookupARP(f, ip)
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
