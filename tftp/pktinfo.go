package tftp

import (
	"encoding/binary"
	"net"

	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// oobSize holds one IP_PKTINFO or IPV6_PKTINFO message (40 bytes on
// 64-bit Linux), the only control message the listening socket asks
// for; a constant, so the buffer stays on the stack.
const oobSize = 64

// readPktInfo reads a datagram with its packet info straight from the
// socket. x/net's ipv4/ipv6 ReadFrom, used before, allocates a control
// message per datagram and, through x/sys's recvmsg, asks the socket its
// protocol (a getsockopt syscall) for every datagram.
func readPktInfo(uc *net.UDPConn, b []byte) (n int, src *net.UDPAddr, dst net.IP, ifindex int, err error) {
	var oob [oobSize]byte
	n, oobn, _, src, err := uc.ReadMsgUDP(b, oob[:])
	if err != nil {
		return n, src, nil, 0, err
	}
	dst, ifindex = parsePktInfo(oob[:oobn])
	return n, src, dst, ifindex, nil
}

// parsePktInfo finds the destination address and arrival interface in
// oob; nil and 0 when there is no packet info. IPv4 datagrams on a
// dual-stack IPv6 socket come with IPV6_PKTINFO and an IPv4-mapped
// address, returned as such (To4 sees through it). It walks the
// messages itself: x/sys's parser keeps slices of oob, which would move
// the caller's buffer to the heap.
func parsePktInfo(oob []byte) (dst net.IP, ifindex int) {
	const hdr = unix.SizeofCmsghdr // len (a C long), level, type
	ne := binary.NativeEndian
	for len(oob) >= hdr {
		var n uint64
		if hdr == 16 {
			n = ne.Uint64(oob)
		} else {
			n = uint64(ne.Uint32(oob))
		}
		if n < hdr || n > uint64(len(oob)) {
			return nil, 0
		}
		level, typ, data := int32(ne.Uint32(oob[hdr-8:])), int32(ne.Uint32(oob[hdr-4:])), oob[hdr:n]
		switch {
		case level == unix.IPPROTO_IP && typ == unix.IP_PKTINFO && len(data) >= unix.SizeofInet4Pktinfo:
			// struct in_pktinfo: ifindex, spec_dst, addr (the header's destination)
			return net.IP(append([]byte(nil), data[8:12]...)), int(int32(ne.Uint32(data[0:4])))
		case level == unix.IPPROTO_IPV6 && typ == unix.IPV6_PKTINFO && len(data) >= unix.SizeofInet6Pktinfo:
			// struct in6_pktinfo: addr, ifindex
			return net.IP(append([]byte(nil), data[0:16]...)), int(ne.Uint32(data[16:20]))
		}
		if next := unix.CmsgSpace(int(n) - hdr); next < len(oob) {
			oob = oob[next:]
		} else {
			break
		}
	}
	return nil, 0
}

// srcInfo is the control message making a datagram leave from ip:
// IPv4 packet info for an IPv4 address, on an IPv6 socket too (a
// dual-stack listener): Linux reads it there for IPv4-mapped
// destinations, and x/net marshals no IPv4-mapped IPv6 source.
func srcInfo(ip net.IP) []byte {
	if ip4 := ip.To4(); ip4 != nil {
		return (&ipv4.ControlMessage{Src: ip4}).Marshal()
	}
	return (&ipv6.ControlMessage{Src: ip}).Marshal()
}
