package dhcp

import (
	"net"
	"reflect"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// sameDecode fails t unless decode and dhcpv4.FromBytes agree on b: both
// refuse it, or both return the same packet.
func sameDecode(t *testing.T, b []byte) {
	t.Helper()
	want, werr := dhcpv4.FromBytes(b)
	got, gerr := decode(b)
	if (werr != nil) != (gerr != nil) {
		t.Fatalf("% x:\ndecode error %v, dhcpv4 error %v", b, gerr, werr)
	}
	if werr != nil {
		return
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("% x:\n got %#v\nwant %#v", b, got, want)
	}
}

func TestDecodeMatchesLibrary(t *testing.T) {
	full := packet(t, dhcpv4.MessageTypeRequest, macA, withServerID("10.0.0.1"), withRequested("10.0.0.100"),
		withClass("yealink SIP-T46U"), withPRL(1, 3, 6, 66, 150), dhcpv4.WithGatewayIP(net.IPv4(10, 1, 0, 1)),
		dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionRelayAgentInformation, []byte{1, 3, 'e', 't', '0'})),
		dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.GenericOptionCode(43), nil))).ToBytes()
	cases := map[string][]byte{"full": full}
	named := packet(t, dhcpv4.MessageTypeDiscover, macA).ToBytes()
	copy(named[44:], "server")
	copy(named[108:], "file.cfg")
	cases["sname and file"] = named
	long := append([]byte(nil), full[:240]...)
	long[2] = 20 // hardware address length above 16
	for i := 44; i < 236; i++ {
		long[i] = 'x' // names without a NUL
	}
	cases["long fields"] = append(long, 53, 1, 1, 0, 0, 66, 2, 'a', 'b', 66, 1, 'c', 66, 0, 255, 9, 9)
	cases["repeated empty first"] = append(append([]byte(nil), full[:240]...), 43, 0, 43, 2, 1, 2, 255)
	for name, n := range map[string]int{"short header": 100, "no cookie end": 238, "header only": 240, "cut option": 245} {
		cases[name] = full[:n]
	}
	noEnd := append([]byte(nil), full[:240]...)
	cases["no End"] = append(noEnd, 53, 1, 1)
	badCookie := append([]byte(nil), full...)
	badCookie[237] = 0
	cases["bad cookie"] = badCookie
	cases["length byte missing"] = append(append([]byte(nil), full[:240]...), 53)
	for name, b := range cases {
		t.Run(name, func(t *testing.T) { sameDecode(t, b) })
	}
}

// TestDecodedValuesAreCapped: appending to a decoded value (what a
// repeated option does) must not overwrite the bytes after it.
func TestDecodedValuesAreCapped(t *testing.T) {
	b := packet(t, dhcpv4.MessageTypeDiscover, macA, withClass("abc"), withPRL(1, 3)).ToBytes()
	p, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	v := p.Options[uint8(dhcpv4.OptionClassIdentifier)]
	_ = append(v, 'X', 'X', 'X', 'X')
	_ = append(p.ClientIPAddr, 9, 9, 9, 9)
	if got := p.Options[uint8(dhcpv4.OptionParameterRequestList)]; !reflect.DeepEqual(got, []byte{1, 3}) {
		t.Fatalf("option 55 overwritten by an append to option 60: %v", got)
	}
	if !p.YourIPAddr.Equal(net.IPv4zero) {
		t.Fatalf("yiaddr overwritten by an append to ciaddr: %v", p.YourIPAddr)
	}
}

// FuzzDecode holds decode to dhcpv4.FromBytes on arbitrary bytes.
func FuzzDecode(f *testing.F) {
	f.Add(packet(f, dhcpv4.MessageTypeDiscover, macA, withClass("\x00\x00\x36\x3d\x10Polycom"), withPRL(1, 66, 150, 160)).ToBytes())
	f.Add(packet(f, dhcpv4.MessageTypeRequest, macA, withServerID("10.0.0.1"), withRequested("10.0.0.100")).ToBytes())
	f.Add([]byte{1, 1, 6, 0})
	f.Fuzz(func(t *testing.T, b []byte) { sameDecode(t, b) })
}
