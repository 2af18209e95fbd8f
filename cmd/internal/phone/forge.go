package phone

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"

	"golang.org/x/sys/unix"
)

// ForgeUDP sends one UDP datagram whose IPv4 source is src, whatever
// address this host has: a raw socket with IP_HDRINCL (implied by
// IPPROTO_RAW), as any host on a LAN can. The kernel fills in the IP
// header's checksum and length; the UDP checksum is left 0 (none), which
// IPv4 allows. Needs CAP_NET_RAW.
func ForgeUDP(src, dst netip.AddrPort, payload []byte) error {
	if !src.Addr().Is4() || !dst.Addr().Is4() {
		return errors.New("forging: IPv4 addresses only")
	}
	if len(payload) > 1400 {
		return fmt.Errorf("forging: %d-byte payload too large", len(payload))
	}
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_RAW, unix.IPPROTO_RAW)
	if err != nil {
		return fmt.Errorf("forging: raw socket: %w", err)
	}
	defer unix.Close(fd)
	pkt := make([]byte, 28+len(payload))
	pkt[0], pkt[8], pkt[9] = 0x45, 64, unix.IPPROTO_UDP // IPv4, 20-byte header; TTL; protocol
	binary.BigEndian.PutUint16(pkt[2:], uint16(len(pkt)))
	s, d := src.Addr().As4(), dst.Addr().As4()
	copy(pkt[12:16], s[:])
	copy(pkt[16:20], d[:])
	binary.BigEndian.PutUint16(pkt[20:], src.Port())
	binary.BigEndian.PutUint16(pkt[22:], dst.Port())
	binary.BigEndian.PutUint16(pkt[24:], uint16(8+len(payload)))
	copy(pkt[28:], payload)
	if err := unix.Sendto(fd, pkt, 0, &unix.SockaddrInet4{Addr: d}); err != nil {
		return fmt.Errorf("forging a datagram from %s to %s: %w", src, dst, err)
	}
	return nil
}

// TFTPReadRequest is an RRQ for name in octet mode (RFC 1350).
func TFTPReadRequest(name string) []byte {
	b := []byte{0, 1}
	b = append(b, name...)
	b = append(b, 0)
	b = append(b, "octet"...)
	return append(b, 0)
}
