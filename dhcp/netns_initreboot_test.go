package dhcp

import (
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// TestNetnsInitRebootLostDatabase: an authoritative server with no record
// of a client (its database was lost) ACKs the client's INIT-REBOOT for a
// free pool address only when no other host answers ARP for it: the
// address squatted by another host is NAKed, the same address asked for
// by the host that holds it (its own ARP answer) and a silent address are
// ACKed. The ARP probe is the server's real one, on the veth.
func TestNetnsInitRebootLostDatabase(t *testing.T) {
	requireRoot(t)
	p := newPair(t, "192.0.2.150/24") // the client end answers ARP for .150
	p.start(t)
	var own net.HardwareAddr
	if err := inNS(p.cli, func() error {
		ifc, err := net.InterfaceByName(p.cliIf)
		if err == nil {
			own = ifc.HardwareAddr
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	stranger, _ := net.ParseMAC("02:00:5e:10:00:01")
	cases := []struct {
		name string
		mac  net.HardwareAddr
		ip   string
		want dhcpv4.MessageType
		msg  string
	}{
		{"address another host answers ARP for", stranger, "192.0.2.150", dhcpv4.MessageTypeNak, "address in use on the network"},
		{"address only its own holder answers for", own, "192.0.2.150", dhcpv4.MessageTypeAck, ""},
		{"address no host answers for", stranger, "192.0.2.151", dhcpv4.MessageTypeAck, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := dhcpv4.New(dhcpv4.WithHwAddr(tc.mac), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
				dhcpv4.WithBroadcast(true), dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.ParseIP(tc.ip))))
			if err != nil {
				t.Fatal(err)
			}
			c := p.rawClient(t, tc.mac.String()) // nclient4 keeps replies to its own chaddr only
			r, err := c.SendAndRead(t.Context(), nclient4.DefaultServers, req,
				nclient4.IsMessageType(dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak))
			if err != nil {
				t.Fatalf("no reply: %v\n%s", err, p.h.logs)
			}
			if r.MessageType() != tc.want || string(r.Options.Get(dhcpv4.OptionMessage)) != tc.msg {
				t.Fatalf("got %s %q, want %s %q", r.MessageType(), r.Options.Get(dhcpv4.OptionMessage), tc.want, tc.msg)
			}
			if tc.want == dhcpv4.MessageTypeAck && !r.YourIPAddr.Equal(net.ParseIP(tc.ip)) {
				t.Errorf("yiaddr %s, want %s", r.YourIPAddr, tc.ip)
			}
		})
	}
}
