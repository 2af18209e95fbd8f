package dhcp

import (
	"bytes"
	"net"
	"strings"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// TestAppendPacketMatchesLibrary holds the server's encoder to the bytes
// of dhcpv4's ToBytes: every field, option order (82 last), empty and
// split long options, padding, and a packet longer than the minimum.
func TestAppendPacketMatchesLibrary(t *testing.T) {
	base := func() *dhcpv4.DHCPv4 {
		return &dhcpv4.DHCPv4{OpCode: dhcpv4.OpcodeBootReply, HWType: 1, HopCount: 2,
			TransactionID: dhcpv4.TransactionID{1, 2, 3, 4}, NumSeconds: 0x1234, Flags: 0x8000,
			ClientIPAddr: net.IPv4(10, 0, 0, 5), YourIPAddr: net.IPv4(10, 0, 0, 6).To4(), ServerIPAddr: nil,
			GatewayIPAddr: net.IPv4zero, ClientHWAddr: net.HardwareAddr{0x80, 0x5e, 0xc0, 1, 2, 3},
			ServerHostName: "boot", BootFileName: "y000000000000.boot", Options: dhcpv4.Options{}}
	}
	cases := map[string]func(*dhcpv4.DHCPv4){
		"bare": func(*dhcpv4.DHCPv4) {},
		"ack": func(p *dhcpv4.DHCPv4) {
			p.UpdateOption(dhcpv4.OptMessageType(dhcpv4.MessageTypeAck))
			p.UpdateOption(dhcpv4.OptServerIdentifier(net.IPv4(10, 0, 0, 1)))
			p.UpdateOption(dhcpv4.OptRouter(net.IPv4(10, 0, 0, 1), net.IPv4(10, 0, 0, 2)))
			p.UpdateOption(dhcpv4.OptTFTPServerName("http://10.0.0.1/"))
			p.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionRelayAgentInformation, []byte{1, 2, 'a', 'b'}))
			p.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(150), []byte{10, 0, 0, 1}))
			p.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(254), []byte{9}))
		},
		"empty and long options": func(p *dhcpv4.DHCPv4) {
			p.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(43), nil))
			p.UpdateOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(160), []byte(strings.Repeat("u", 600))))
		},
		"pad and end in the map": func(p *dhcpv4.DHCPv4) {
			p.Options[0] = []byte{}
			p.Options[255] = []byte{}
			p.UpdateOption(dhcpv4.OptMessage("no"))
		},
		"names at their limits": func(p *dhcpv4.DHCPv4) {
			p.ServerHostName = strings.Repeat("s", 80)
			p.BootFileName = strings.Repeat("f", 200)
			p.ClientHWAddr = bytes.Repeat([]byte{7}, 20)
		},
	}
	for name, mod := range cases {
		p := base()
		mod(p)
		want := p.ToBytes()
		if got := appendPacket([]byte("junk")[:0], p); !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %x\nwant %x", name, got, want)
		}
	}
}
