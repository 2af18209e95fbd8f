package conformance

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// peer is a test client: its chaddr and, optionally, its client
// identifier (option 61).
type peer struct {
	mac net.HardwareAddr
	id  []byte
}

func newPeer(mac, id string) peer {
	hw, err := net.ParseMAC(mac)
	if err != nil {
		panic(err)
	}
	p := peer{mac: hw}
	if id != "" {
		p.id = append([]byte{0}, id...) // type 0: not a hardware address (RFC 2132 section 9.14)
	}
	return p
}

// msg builds a BOOTREQUEST of type mt from p, asking for the options
// the assertions read.
func (p peer) msg(t *testing.T, mt dhcpv4.MessageType, mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
	t.Helper()
	base := []dhcpv4.Modifier{dhcpv4.WithHwAddr(p.mac), dhcpv4.WithMessageType(mt),
		dhcpv4.WithRequestedOptions(dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter,
			dhcpv4.OptionIPAddressLeaseTime, dhcpv4.OptionRenewTimeValue, dhcpv4.OptionRebindingTimeValue)}
	if p.id != nil {
		base = append(base, dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionClientIdentifier, p.id)))
	}
	m, err := dhcpv4.New(append(base, mods...)...)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func requested(ip net.IP) dhcpv4.Modifier {
	return dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(ip))
}

func serverID(ip net.IP) dhcpv4.Modifier {
	return dhcpv4.WithOption(dhcpv4.OptServerIdentifier(ip))
}

func ciaddr(ip net.IP) dhcpv4.Modifier { return dhcpv4.WithClientIP(ip) }

func relayedBy(ip net.IP) dhcpv4.Modifier {
	return func(d *dhcpv4.DHCPv4) { d.GatewayIPAddr, d.HopCount = ip, 1 }
}

func ip(s string) net.IP { return net.ParseIP(s).To4() }

// bind takes p through DISCOVER, OFFER, REQUEST, ACK (RFC 2131 section
// 3.1) and returns the address it was given.
func (e *env) bind(t *testing.T, p peer) net.IP {
	t.Helper()
	offer := e.exchange(t, p.msg(t, dhcpv4.MessageTypeDiscover))
	expectType(t, offer, dhcpv4.MessageTypeOffer)
	ack := e.exchange(t, p.msg(t, dhcpv4.MessageTypeRequest, requested(offer.YourIPAddr), serverID(serverIP)))
	expectType(t, ack, dhcpv4.MessageTypeAck)
	if !ack.YourIPAddr.Equal(offer.YourIPAddr) {
		t.Fatalf("ACK yiaddr %s, OFFER was %s", ack.YourIPAddr, offer.YourIPAddr)
	}
	return ack.YourIPAddr.To4()
}

func summary(m *dhcpv4.DHCPv4) string {
	return m.MessageType().String() + " xid " + m.TransactionID.String() + " yiaddr " + m.YourIPAddr.String() +
		" msg " + string(m.Options.Get(dhcpv4.OptionMessage))
}

func expectType(t *testing.T, r *reply, mt dhcpv4.MessageType) {
	t.Helper()
	if r.OpCode != dhcpv4.OpcodeBootReply || r.MessageType() != mt {
		t.Fatalf("got %s (op %s), want %s", summary(r.DHCPv4), r.OpCode, mt)
	}
}

// expectFields checks the header fields of RFC 2131 table 3.
func expectFields(t *testing.T, r *reply, req *dhcpv4.DHCPv4, yiaddr, ciaddr net.IP) {
	t.Helper()
	if !r.YourIPAddr.Equal(orZero(yiaddr)) {
		t.Errorf("yiaddr %s, want %s", r.YourIPAddr, orZero(yiaddr))
	}
	if !r.ClientIPAddr.Equal(orZero(ciaddr)) {
		t.Errorf("ciaddr %s, want %s", r.ClientIPAddr, orZero(ciaddr))
	}
	if !r.ServerIPAddr.Equal(net.IPv4zero) {
		t.Errorf("siaddr %s, want 0.0.0.0 (no next server configured)", r.ServerIPAddr)
	}
	if !r.GatewayIPAddr.Equal(orZero(req.GatewayIPAddr)) {
		t.Errorf("giaddr %s, want the request's %s", r.GatewayIPAddr, orZero(req.GatewayIPAddr))
	}
	if !bytes.Equal(r.ClientHWAddr, req.ClientHWAddr) || r.TransactionID != req.TransactionID {
		t.Errorf("chaddr %s xid %s, want the request's %s %s", r.ClientHWAddr, r.TransactionID, req.ClientHWAddr, req.TransactionID)
	}
}

func orZero(ip net.IP) net.IP {
	if ip == nil {
		return net.IPv4zero
	}
	return ip
}

// expectServerID checks option 54 (RFC 2131 table 3: MUST in OFFER,
// ACK and NAK).
func expectServerID(t *testing.T, r *reply, want net.IP) {
	t.Helper()
	if got := net.IP(r.Options.Get(dhcpv4.OptionServerIdentifier)); !got.Equal(want) {
		t.Errorf("option 54 = %v, want %s", got, want)
	}
}

// expectTimes checks options 51, 58 and 59 (RFC 2131 table 3, RFC 2132
// sections 9.2, 9.11, 9.12).
func expectTimes(t *testing.T, r *reply) {
	t.Helper()
	for code, want := range map[dhcpv4.OptionCode]uint32{dhcpv4.OptionIPAddressLeaseTime: leaseSecs,
		dhcpv4.OptionRenewTimeValue: t1Secs, dhcpv4.OptionRebindingTimeValue: t2Secs} {
		v := r.Options.Get(code)
		if len(v) != 4 || binary.BigEndian.Uint32(v) != want {
			t.Errorf("option %d = %x, want %d seconds", code.Code(), v, want)
		}
	}
}

// expectNoLease checks that a reply carries no lease times (NAK, and the
// ACK to an INFORM: RFC 2131 table 3, option 51 MUST NOT).
func expectNoLease(t *testing.T, r *reply) {
	t.Helper()
	if r.Options.Has(dhcpv4.OptionIPAddressLeaseTime) {
		t.Errorf("option 51 present, want absent")
	}
}

// expectEcho61 checks that option 61 is echoed when the request carried
// it (RFC 6842 section 3: MUST, in every reply), and absent otherwise.
func expectEcho61(t *testing.T, r *reply, req *dhcpv4.DHCPv4) {
	t.Helper()
	want, got := req.Options.Get(dhcpv4.OptionClientIdentifier), r.Options.Get(dhcpv4.OptionClientIdentifier)
	if !bytes.Equal(want, got) {
		t.Errorf("option 61 = %x, want %x", got, want)
	}
}

// expectNak checks a DHCPNAK against RFC 2131 table 3 (and RFC 6842).
func expectNak(t *testing.T, r *reply, req *dhcpv4.DHCPv4, sid net.IP) {
	t.Helper()
	expectType(t, r, dhcpv4.MessageTypeNak)
	expectFields(t, r, req, nil, nil)
	expectServerID(t, r, sid)
	expectNoLease(t, r)
	expectEcho61(t, r, req)
	for _, c := range []dhcpv4.OptionCode{dhcpv4.OptionRenewTimeValue, dhcpv4.OptionRebindingTimeValue, dhcpv4.OptionSubnetMask} {
		if r.Options.Has(c) {
			t.Errorf("NAK carries option %d", c.Code())
		}
	}
}
