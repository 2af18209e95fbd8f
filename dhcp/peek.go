package dhcp

import "github.com/insomniacslk/dhcp/dhcpv4"

// inline reports whether a packet of message type t is answered on the
// reading goroutine. DISCOVER and INFORM are decided in memory and
// answered at once (no durable write, no ARP probe), so handing them to a
// goroutine of their own only cost a goroutine start and a thread wake-up
// per packet, a large part of the CPU at moderate rates. Everything else
// (REQUEST, DECLINE, RELEASE, and anything unrecognised) may wait for a
// group commit or an ARP answer: it takes an admission slot first
// (admit.go) and is finished off the reading goroutine (async.go).
func inline(t uint8) bool {
	return t == uint8(dhcpv4.MessageTypeDiscover) || t == uint8(dhcpv4.MessageTypeInform)
}

// peekMessageType finds option 53 (DHCP message type) in the options
// field of a raw packet without parsing it; 0 when it is absent or the
// packet is malformed (the full parse decides what to do with it then).
func peekMessageType(b []byte) uint8 {
	const optionsAt = 240 // fixed header (236) and the magic cookie
	if len(b) < optionsAt || b[236] != 99 || b[237] != 130 || b[238] != 83 || b[239] != 99 {
		return 0
	}
	for i := optionsAt; i < len(b); {
		switch code := b[i]; code {
		case 0: // pad
			i++
		case 255: // end
			return 0
		default:
			if i+1 >= len(b) {
				return 0
			}
			n := int(b[i+1])
			if code == 53 && n == 1 && i+2 < len(b) {
				return b[i+2]
			}
			i += 2 + n
		}
	}
	return 0
}
