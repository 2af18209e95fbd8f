package dhcp

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"time"

	"golang.org/x/sys/unix"

	"github.com/provbox/provbox/provisioning"
)

// ARPProbe reports whether some host other than self answers ARP for ip
// on the interface with index ifIndex; from is the sender address to use
// (invalid: 0.0.0.0, an RFC 5227 probe). An error means it could not tell.
type ARPProbe func(ifIndex int, ip, from netip.Addr, self provisioning.MAC) (inUse bool, err error)

// WithARPProbe replaces the ARP check (tests).
func WithARPProbe(p ARPProbe) Option { return func(s *Server) { s.arp = p } }

// arpWait is how long each of the two ARP requests waits for an answer.
const arpWait = 250 * time.Millisecond

// probeARP asks for ip twice on the link and watches for an answer from
// any MAC but self's (the client itself may still hold its old address).
// It needs CAP_NET_RAW, which the daemon's unit grants.
func probeARP(ifIndex int, ip, from netip.Addr, self provisioning.MAC) (bool, error) {
	ifc, err := net.InterfaceByIndex(ifIndex)
	if err != nil {
		return false, fmt.Errorf("arp probe: interface %d: %w", ifIndex, err)
	}
	if len(ifc.HardwareAddr) != 6 {
		return false, fmt.Errorf("arp probe: %s has no Ethernet address", ifc.Name)
	}
	proto := htons(unix.ETH_P_ARP)
	fd, err := unix.Socket(unix.AF_PACKET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, int(proto))
	if err != nil {
		return false, fmt.Errorf("arp probe: %w", err)
	}
	defer unix.Close(fd)
	if err := unix.Bind(fd, &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifIndex}); err != nil {
		return false, fmt.Errorf("arp probe: binding %s: %w", ifc.Name, err)
	}
	if !from.Is4() {
		from = netip.IPv4Unspecified()
	}
	req := arpPacket(1, ifc.HardwareAddr, from, ip)
	bcast := &unix.SockaddrLinklayer{Protocol: proto, Ifindex: ifIndex, Halen: 6, Addr: [8]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}}
	for range 2 {
		if err := unix.Sendto(fd, req, 0, bcast); err != nil {
			return false, fmt.Errorf("arp probe: sending on %s: %w", ifc.Name, err)
		}
		if busy, err := awaitARP(fd, ip, self, time.Now().Add(arpWait)); busy || err != nil {
			return busy, err
		}
	}
	return false, nil
}

// awaitARP reads ARP packets until deadline; true when one comes from ip
// (a reply, or a request or announcement of its own) with a MAC not self's.
func awaitARP(fd int, ip netip.Addr, self provisioning.MAC, deadline time.Time) (bool, error) {
	buf := make([]byte, 128)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return false, nil
		}
		tv := unix.NsecToTimeval(left.Nanoseconds())
		if err := unix.SetsockoptTimeval(fd, unix.SOL_SOCKET, unix.SO_RCVTIMEO, &tv); err != nil {
			return false, fmt.Errorf("arp probe: %w", err)
		}
		n, _, err := unix.Recvfrom(fd, buf, 0)
		if err == unix.EAGAIN || err == unix.EINTR {
			continue
		}
		if err != nil {
			return false, fmt.Errorf("arp probe: %w", err)
		}
		p := buf[:n]
		if n < 28 || binary.BigEndian.Uint16(p[2:4]) != 0x0800 || p[4] != 6 || p[5] != 4 {
			continue
		}
		sender := netip.AddrFrom4([4]byte(p[14:18]))
		if sender == ip && !bytes.Equal(p[8:14], self[:]) {
			return true, nil
		}
	}
}

// arpPacket is an Ethernet/IPv4 ARP packet (RFC 826) without the link
// header, which the SOCK_DGRAM packet socket adds.
func arpPacket(op uint16, sha net.HardwareAddr, spa, tpa netip.Addr) []byte {
	b := make([]byte, 28)
	binary.BigEndian.PutUint16(b[0:], 1)      // Ethernet
	binary.BigEndian.PutUint16(b[2:], 0x0800) // IPv4
	b[4], b[5] = 6, 4
	binary.BigEndian.PutUint16(b[6:], op)
	copy(b[8:14], sha)
	s, t := spa.As4(), tpa.As4()
	copy(b[14:18], s[:])
	copy(b[24:28], t[:])
	return b
}

func htons(v uint16) uint16 { return v<<8 | v>>8 }
