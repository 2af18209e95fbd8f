package lab

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// The lab's LAN speaks IPv6 too, with no address configuration: every
// host has its link-local address, and the server a ULA, ::1 of
// ula(0)/64, so the ipv6-thief can also try TFTP from a routable-looking
// address (pin/tftp answers link-local TFTP only in single-port mode).

// ula is the LAN's IPv6 address for host.
func (s subnet) ula(host int) string { return fmt.Sprintf("fd00:%d:%d::%x", s.a, s.b, host) }

// addULA gives the server its ULA, without duplicate detection (the lab
// hands out unique addresses).
func (l *run) addULA() error {
	return ip("-n", l.srv.NS, "addr", "add", l.sn.ula(1)+"/64", "dev", l.srv.Iface, "nodad")
}

// ipv6Args are the ipv6-thief's flags: the server's link-local bases as
// seen from the thief's eth0, and the ULA it sets itself.
func (l *run) ipv6Args() ([]string, error) {
	var ll netip.Addr
	err := l.srv.Do(func() error {
		ifc, err := net.InterfaceByName(l.srv.Iface)
		if err != nil {
			return err
		}
		addrs, err := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok && ipn.IP.To4() == nil && ipn.IP.IsLinkLocalUnicast() {
				ll, _ = netip.AddrFromSlice(ipn.IP)
			}
		}
		return err
	})
	if err != nil || !ll.IsValid() {
		return nil, fmt.Errorf("the server has no IPv6 link-local address (%v): is IPv6 disabled?", err)
	}
	return []string{"-http", phone.LinkLocalBase("http", ll, "eth0"), "-tftp", phone.LinkLocalBase("tftp", ll, "eth0"),
		"-static", l.sn.ula(staticHost) + "/64"}, nil
}
