package phone

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"strings"
	"time"
)

// StaticAddr puts cidr ("10.0.0.50/24") on iface, as a host that sets its
// own address and holds no lease would. The Lease it returns carries no
// options.
func StaticAddr(iface, cidr string) (*Lease, error) {
	pfx, err := netip.ParsePrefix(cidr)
	if err != nil || !pfx.Addr().Is4() {
		return nil, fmt.Errorf("static address %q: want an IPv4 address with its prefix length, like 10.0.0.50/24", cidr)
	}
	if err := ipCmd("addr", "replace", pfx.String(), "dev", iface); err != nil {
		return nil, err
	}
	return &Lease{IP: net.IP(pfx.Addr().AsSlice()), Mask: net.CIDRMask(pfx.Bits(), 32), Options: map[uint8][]byte{}}, nil
}

// setMAC gives iface mac while it stays up (veth allows that), so the
// switch port keeps forwarding: a bounced link's port drops frames until
// the bridge sees the carrier again, up to a second later, which would
// lose the gratuitous ARP. With arp_notify set, the kernel sends one for
// each of the interface's addresses on the change. A driver that refuses
// a live change gets the bounce (the link's coming up announces too).
func setMAC(iface string, mac net.HardwareAddr) error {
	if ipCmd("link", "set", "dev", iface, "address", mac.String()) == nil {
		return nil
	}
	for _, args := range [][]string{
		{"link", "set", "dev", iface, "down"},
		{"link", "set", "dev", iface, "address", mac.String()},
		{"link", "set", "dev", iface, "up"},
	} {
		if err := ipCmd(args...); err != nil {
			return err
		}
	}
	return nil
}

// arpNotify makes the kernel of this namespace send a gratuitous ARP
// whenever iface comes up or changes its MAC.
func arpNotify(iface string) error {
	return os.WriteFile("/proc/sys/net/ipv4/conf/"+iface+"/arp_notify", []byte("1\n"), 0o644)
}

// waitNeighbour makes the kernel resolve ip (a datagram to its discard
// port starts the ARP exchange) and polls this namespace's ARP table until
// the entry is complete, resending every half second, for at most
// timeout. A complete entry means ip answered an ARP request that carried
// this host's current MAC; a Linux neighbour records that MAC for us
// before it answers.
func waitNeighbour(ctx context.Context, ip net.IP, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	c, err := net.DialUDP("udp4", nil, &net.UDPAddr{IP: ip, Port: 9})
	if err != nil {
		return fmt.Errorf("resolving %s: %w", ip, err)
	}
	defer c.Close()
	poll := time.NewTicker(20 * time.Millisecond)
	defer poll.Stop()
	var sent time.Time
	for {
		if time.Since(sent) >= 500*time.Millisecond {
			c.Write([]byte("provbox lab: who is there?")) // an ICMP unreachable is no matter
			sent = time.Now()
		}
		if _, ok := arpEntry(ip); ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%s did not answer ARP within %s", ip, timeout)
		case <-poll.C:
		}
	}
}

// arpEntry is ip's complete entry in this namespace's ARP table.
func arpEntry(ip net.IP) (net.HardwareAddr, bool) {
	f, err := os.Open("/proc/net/arp")
	if err != nil {
		return nil, false
	}
	defer f.Close()
	return parseARP(f, ip)
}

// parseARP finds ip's complete entry in /proc/net/arp text:
// "IP address  HW type  Flags  HW address  Mask  Device".
func parseARP(r io.Reader, ip net.IP) (net.HardwareAddr, bool) {
	sc := bufio.NewScanner(r)
	sc.Scan() // header
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !ip.Equal(net.ParseIP(f[0])) || f[2] == "0x0" { // 0x0: incomplete
			continue
		}
		if m, err := net.ParseMAC(f[3]); err == nil && len(m) == 6 {
			return m, true
		}
	}
	return nil, false
}
