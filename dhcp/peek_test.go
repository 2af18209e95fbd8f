package dhcp

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

func TestPeekMessageType(t *testing.T) {
	for _, mt := range []dhcpv4.MessageType{dhcpv4.MessageTypeDiscover, dhcpv4.MessageTypeRequest,
		dhcpv4.MessageTypeInform, dhcpv4.MessageTypeRelease, dhcpv4.MessageTypeDecline} {
		b := packet(t, mt, "80:5e:c0:00:00:01", withClass("yealink"), withPRL(1, 3, 66)).ToBytes()
		if got := peekMessageType(b); got != uint8(mt) {
			t.Errorf("%s: peeked %d, want %d", mt, got, uint8(mt))
		}
		// Every truncation is either still the right type or "unknown",
		// never a panic or another type.
		for n := range len(b) {
			if got := peekMessageType(b[:n]); got != 0 && got != uint8(mt) {
				t.Errorf("%s cut at %d: peeked %d", mt, n, got)
			}
		}
	}
	bad := packet(t, dhcpv4.MessageTypeDiscover, "80:5e:c0:00:00:01").ToBytes()
	bad[236] = 0 // no magic cookie
	if got := peekMessageType(bad); got != 0 {
		t.Errorf("without the magic cookie: peeked %d, want 0", got)
	}
	if inline(uint8(dhcpv4.MessageTypeRequest)) || inline(0) || !inline(uint8(dhcpv4.MessageTypeDiscover)) {
		t.Error("only DISCOVER and INFORM are answered inline")
	}
}
