package dhcp

import (
	"net"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/net/ipv4"
)

// appendPacket appends d's wire form to dst: the bytes dhcpv4's ToBytes
// makes (options in code order, 82 last, long ones split per RFC 3396,
// padded to BOOTP's 300 bytes), without its buffer growth, sorted key
// slice and per-option copies. Every reply is encoded once on the hot
// path; TestAppendPacketMatchesLibrary holds the two to the same bytes.
func appendPacket(dst []byte, d *dhcpv4.DHCPv4) []byte {
	dst = append(dst, byte(d.OpCode), byte(d.HWType), uint8(len(d.ClientHWAddr)), d.HopCount)
	dst = append(dst, d.TransactionID[:]...)
	dst = append(dst, byte(d.NumSeconds>>8), byte(d.NumSeconds), byte(d.Flags>>8), byte(d.Flags))
	for _, ip := range []net.IP{d.ClientIPAddr, d.YourIPAddr, d.ServerIPAddr, d.GatewayIPAddr} {
		dst = appendIP4(dst, ip)
	}
	var chaddr [16]byte
	copy(chaddr[:], d.ClientHWAddr)
	dst = append(dst, chaddr[:]...)
	var sname [64]byte
	copy(sname[:63], d.ServerHostName)
	dst = append(dst, sname[:]...)
	var file [128]byte
	copy(file[:127], d.BootFileName)
	dst = append(dst, file[:]...)
	dst = append(dst, 99, 130, 83, 99) // the magic cookie
	dst = appendOptions(dst, d.Options)
	dst = append(dst, 255)
	for len(dst) < 300 {
		dst = append(dst, 0)
	}
	return dst
}

func appendIP4(dst []byte, ip net.IP) []byte {
	if v := ip.To4(); v != nil {
		return append(dst, v...)
	}
	return append(dst, 0, 0, 0, 0)
}

// appendOptions writes o in code order with option 82 last (RFC 3046
// section 2.1); Pad and End are not written (End closes the packet).
func appendOptions(dst []byte, o dhcpv4.Options) []byte {
	var codes [256]bool
	for c := range o {
		codes[c] = true
	}
	for c := 1; c < 255; c++ {
		if codes[c] && c != 82 {
			dst = appendOption(dst, uint8(c), o[uint8(c)])
		}
	}
	if codes[82] {
		dst = appendOption(dst, 82, o[82])
	}
	return dst
}

func appendOption(dst []byte, code uint8, data []byte) []byte {
	if len(data) == 0 {
		return append(dst, code, 0)
	}
	for len(data) > 0 { // RFC 3396: a long option is listed several times
		n := min(len(data), 255)
		dst = append(dst, code, uint8(n))
		dst = append(dst, data[:n]...)
		data = data[n:]
	}
	return dst
}

// wirePool holds reply buffers between packets.
var wirePool = sync.Pool{New: func() any { b := make([]byte, 0, 576); return &b }}

// send encodes r into a pooled buffer and writes it to to.
func send(pc *conn, r *dhcpv4.DHCPv4, cm *ipv4.ControlMessage, to net.Addr) error {
	buf := wirePool.Get().(*[]byte)
	defer wirePool.Put(buf)
	*buf = appendPacket((*buf)[:0], r)
	return pc.writeTo(*buf, cm, to)
}
