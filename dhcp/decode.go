package dhcp

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/iana"
)

// bootpLen is the fixed part of a DHCP packet before the magic cookie
// (RFC 2131 section 2).
const bootpLen = 236

var errShortPacket = errors.New("malformed DHCP packet: shorter than the 240 bytes of BOOTP header and magic cookie")

// decode parses a packet into the dhcpv4.DHCPv4 that dhcpv4.FromBytes
// makes (the same fields and options, repeated options concatenated per
// RFC 3396, the same packets refused), in three allocations instead of
// one per address and option: the packet is copied once and the
// addresses, hardware address and option values are slices of the copy,
// capped so that appending to one copies it. Every packet is decoded on
// the hot path; TestDecodeMatchesLibrary and FuzzDecode hold the two to
// the same result.
func decode(q []byte) (*dhcpv4.DHCPv4, error) {
	if len(q) < bootpLen+4 {
		return nil, errShortPacket
	}
	if cookie := [4]byte(q[bootpLen:]); cookie != [4]byte{99, 130, 83, 99} {
		return nil, fmt.Errorf("malformed DHCP packet: got magic cookie %v, want [99 130 83 99]", cookie[:])
	}
	n, err := countOptions(q[bootpLen+4:])
	if err != nil {
		return nil, err
	}
	c := make([]byte, len(q))
	copy(c, q)
	hw := min(int(c[2]), 16)
	p := &dhcpv4.DHCPv4{
		OpCode:         dhcpv4.OpcodeType(c[0]),
		HWType:         iana.HWType(c[1]),
		HopCount:       c[3],
		TransactionID:  dhcpv4.TransactionID(c[4:8]),
		NumSeconds:     binary.BigEndian.Uint16(c[8:]),
		Flags:          binary.BigEndian.Uint16(c[10:]),
		ClientIPAddr:   net.IP(c[12:16:16]),
		YourIPAddr:     net.IP(c[16:20:20]),
		ServerIPAddr:   net.IP(c[20:24:24]),
		GatewayIPAddr:  net.IP(c[24:28:28]),
		ClientHWAddr:   net.HardwareAddr(c[28 : 28+hw : 44]),
		ServerHostName: cString(c[44:108]),
		BootFileName:   cString(c[108:bootpLen]),
		Options:        make(dhcpv4.Options, n),
	}
	readOptions(p.Options, c[bootpLen+4:])
	return p, nil
}

// cString is b up to its first NUL.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// countOptions checks the options area as dhcpv4 does (every option
// whole, an End option present unless there are no options at all) and
// counts the options, to size the map.
func countOptions(b []byte) (int, error) {
	if len(b) == 0 {
		return 0, nil
	}
	n := 0
	for i := 0; i < len(b); {
		switch b[i] {
		case 0: // Pad
			i++
			continue
		case 255: // End
			return n, nil
		}
		if i+1 >= len(b) || i+2+int(b[i+1]) > len(b) {
			return 0, fmt.Errorf("malformed DHCP packet: option %d at offset %d runs past the end", b[i], bootpLen+4+i)
		}
		n++
		i += 2 + int(b[i+1])
	}
	return 0, io.ErrUnexpectedEOF // no End option
}

// readOptions fills o from b, which countOptions accepted.
func readOptions(o dhcpv4.Options, b []byte) {
	for i := 0; i < len(b) && b[i] != 255; {
		code := b[i]
		if code == 0 {
			i++
			continue
		}
		l := int(b[i+1])
		v := b[i+2 : i+2+l : i+2+l]
		i += 2 + l
		if old, ok := o[code]; ok {
			o[code] = append(old, v...) // RFC 3396: concatenated; old's cap is its length, so this copies
			continue
		}
		if l == 0 {
			v = nil // as dhcpv4: an empty option is present, with a nil value
		}
		o[code] = v
	}
}
