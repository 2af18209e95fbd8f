package dhcp

import (
	"net"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// Option values on the wire for testConfig's first subnet.
var net0Opts = map[uint8]string{
	1: "\xff\xff\xff\x00", 3: "\x0a\x00\x00\x01", 6: "\x0a\x00\x00\x01", 15: "office.lan",
	42: "\x0a\x00\x00\x02", 51: "\x00\x00\x0e\x10", 54: "\x0a\x00\x00\x01",
	58: "\x00\x00\x07\x08", 59: "\x00\x00\x0c\x4e", 66: "http://10.0.0.5/",
}

func with(base map[uint8]string, kv ...any) map[uint8]string {
	out := map[uint8]string{}
	for k, v := range base {
		out[k] = v
	}
	for i := 0; i < len(kv); i += 2 {
		out[uint8(kv[i].(int))] = kv[i+1].(string)
	}
	return out
}

func replyCases(t *testing.T) []replyCase {
	D, R := dhcpv4.MessageTypeDiscover, dhcpv4.MessageTypeRequest
	OFFER, ACK, NAK := dhcpv4.MessageTypeOffer, dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak
	hour, past := t0.Add(time.Hour), t0.Add(-time.Minute)
	busy := []provisioning.Lease{lease("10.0.0.100", macB, hour), lease("10.0.0.101", macB, hour),
		lease("10.0.0.102", macB, hour), lease("10.0.0.103", macB, hour)}
	sid := withServerID("10.0.0.1")
	ciaddr := func(a string) dhcpv4.Modifier { return dhcpv4.WithClientIP(net.ParseIP(a)) }
	giaddr := func(a string) dhcpv4.Modifier { return dhcpv4.WithGatewayIP(net.ParseIP(a)) }
	return []replyCase{
		{name: "discover new client", req: packet(t, D, macA), wantType: OFFER, wantIP: "10.0.0.100", wantOpts: net0Opts},
		{name: "discover returning client after expiry", leases: []provisioning.Lease{lease("10.0.0.102", macA, past)},
			req: packet(t, D, macA), wantType: OFFER, wantIP: "10.0.0.102"},
		{name: "discover client with active lease", leases: []provisioning.Lease{lease("10.0.0.101", macA, hour)},
			req: packet(t, D, macA), wantType: OFFER, wantIP: "10.0.0.101"},
		{name: "discover requested free address", req: packet(t, D, macA, withRequested("10.0.0.103")), wantType: OFFER, wantIP: "10.0.0.103"},
		{name: "discover requested address in use", leases: []provisioning.Lease{lease("10.0.0.103", macB, hour)},
			req: packet(t, D, macA, withRequested("10.0.0.103")), wantType: OFFER, wantIP: "10.0.0.100"},
		{name: "discover expired address of another is handed out last", leases: []provisioning.Lease{lease("10.0.0.100", macB, past)},
			req: packet(t, D, macA), wantType: OFFER, wantIP: "10.0.0.101"},
		{name: "discover TOML reservation", req: packet(t, D, macR), wantType: OFFER, wantIP: "10.0.0.50",
			wantOpts: map[uint8]string{12: "desk"}},
		{name: "discover database reservation", req: packet(t, D, macDev), wantType: OFFER, wantIP: "10.0.0.60", absent: []uint8{12}},
		{name: "discover yealink by OUI", req: packet(t, D, "80:5e:c0:00:00:01", withPRL(1, 3, 66)), wantType: OFFER,
			wantIP: "10.0.0.100", wantOpts: map[uint8]string{66: "http://10.0.0.5/"}},
		{name: "discover poly binary class: forced 160, unrequested 66 left out",
			req:      packet(t, D, macA, withClass("\x00\x00\x36\x3d\x10\x01\x07Polycom"), withPRL(1, 3)),
			wantType: OFFER, wantIP: "10.0.0.100", wantOpts: map[uint8]string{160: "http://10.0.0.5/"}, absent: []uint8{66}},
		{name: "discover cisco: host 66, address list 150, URL 160", req: packet(t, D, macA, withClass("Cisco SPA504G"), withPRL(66)),
			wantType: OFFER, wantIP: "10.0.0.100",
			wantOpts: map[uint8]string{66: "10.0.0.5", 150: "\x0a\x00\x00\x05", 160: "http://10.0.0.5/$PSN.xml"}},
		{name: "discover grandstream: bare host", req: packet(t, D, macA, withClass("Grandstream GXP1405 dslforum.org")),
			wantType: OFFER, wantIP: "10.0.0.100", wantOpts: map[uint8]string{66: "10.0.0.5"}},
		{name: "discover unknown client that asked for no 66", req: packet(t, D, macA, withPRL(1, 3, 6)),
			wantType: OFFER, wantIP: "10.0.0.100", absent: []uint8{66, 150, 160, 43}},
		{name: "discover relayed: subnet by giaddr", req: packet(t, D, macA, giaddr("10.1.0.1")), relayDst: "10.0.0.1",
			wantType: OFFER, wantIP: "10.1.0.100",
			wantOpts: map[uint8]string{3: "\x0a\x01\x00\x01", 51: "\x00\x00\x1c\x20", 54: "\x0a\x00\x00\x01"}},
		{name: "discover relayed from a network we do not serve", req: packet(t, D, macA, giaddr("192.168.9.1")), relayDst: "10.0.0.1"},
		{name: "discover pool exhausted", leases: busy, req: packet(t, D, macA)},
		{name: "discover pool exhausted still serves the reserved phone", leases: busy, req: packet(t, D, macR),
			wantType: OFFER, wantIP: "10.0.0.50"},

		{name: "request selecting", req: packet(t, R, macA, sid, withRequested("10.0.0.100")),
			wantType: ACK, wantIP: "10.0.0.100", wantOpts: net0Opts,
			wantLease: []provisioning.Lease{lease("10.0.0.100", macA, hour)}},
		{name: "request selecting another server", req: packet(t, R, macA, withServerID("10.0.0.9"), withRequested("10.0.0.100"))},
		{name: "request selecting an address in use", leases: []provisioning.Lease{lease("10.0.0.100", macB, hour)},
			req: packet(t, R, macA, sid, withRequested("10.0.0.100")), wantType: NAK,
			wantOpts: map[uint8]string{54: "\x0a\x00\x00\x01", 56: "address in use"}, absent: []uint8{51, 1, 66}},
		{name: "request selecting a new address ends the old lease",
			leases: []provisioning.Lease{lease("10.0.0.101", macA, hour)},
			req:    packet(t, R, macA, sid, withRequested("10.0.0.102")), wantType: ACK, wantIP: "10.0.0.102",
			wantLease: []provisioning.Lease{lease("10.0.0.102", macA, hour), lease("10.0.0.101", macA, t0)}},
		{name: "request init-reboot own address", leases: []provisioning.Lease{lease("10.0.0.101", macA, t0.Add(time.Minute))},
			req: packet(t, R, macA, withRequested("10.0.0.101")), wantType: ACK, wantIP: "10.0.0.101",
			wantLease: []provisioning.Lease{lease("10.0.0.101", macA, hour)}},
		{name: "request init-reboot free address without record", req: packet(t, R, macA, withRequested("10.0.0.103")),
			wantType: ACK, wantIP: "10.0.0.103", wantLease: []provisioning.Lease{lease("10.0.0.103", macA, hour)}},
		{name: "request init-reboot address without record that another host answers ARP for", arpBusy: true,
			req: packet(t, R, macA, withRequested("10.0.0.103")), wantType: NAK, wantOpts: map[uint8]string{56: "address in use on the network"}},
		{name: "request init-reboot without record, not authoritative", nonAuth: true, req: packet(t, R, macA, withRequested("10.0.0.103"))},
		{name: "request init-reboot with a record of another address, not authoritative", nonAuth: true,
			leases: []provisioning.Lease{lease("10.0.0.101", macA, hour)},
			req:    packet(t, R, macA, withRequested("10.0.0.102")), wantType: NAK, wantOpts: map[uint8]string{56: "not the client's address"}},
		{name: "request init-reboot own address, not authoritative", nonAuth: true,
			leases: []provisioning.Lease{lease("10.0.0.101", macA, t0.Add(time.Minute))},
			req:    packet(t, R, macA, withRequested("10.0.0.101")), wantType: ACK, wantIP: "10.0.0.101",
			wantLease: []provisioning.Lease{lease("10.0.0.101", macA, hour)}},
		{name: "request init-reboot wrong network", req: packet(t, R, macA, withRequested("10.9.9.9")), wantType: NAK,
			wantOpts: map[uint8]string{56: "address not on this network"}},
		{name: "request init-reboot wrong network, not authoritative", nonAuth: true, req: packet(t, R, macA, withRequested("10.9.9.9"))},
		{name: "request init-reboot address of another client", leases: []provisioning.Lease{lease("10.0.0.101", macB, hour)},
			req: packet(t, R, macA, withRequested("10.0.0.101")), wantType: NAK},
		{name: "request init-reboot reserved client asks for a pool address", req: packet(t, R, macR, withRequested("10.0.0.101")),
			wantType: NAK, wantOpts: map[uint8]string{56: "client has a reserved address"}},
		{name: "request init-reboot someone's reserved address", req: packet(t, R, macA, withRequested("10.0.0.50")),
			wantType: NAK, wantOpts: map[uint8]string{56: "address reserved for another client"}},
		{name: "request renewing", leases: []provisioning.Lease{lease("10.0.0.101", macA, t0.Add(time.Minute))},
			req: packet(t, R, macA, ciaddr("10.0.0.101")), wantType: ACK, wantIP: "10.0.0.101",
			wantLease: []provisioning.Lease{lease("10.0.0.101", macA, hour)}},
		{name: "request renewing another client's address", leases: []provisioning.Lease{lease("10.0.0.101", macB, hour)},
			req: packet(t, R, macA, ciaddr("10.0.0.101")), wantType: NAK},
		{name: "request rebinding", leases: []provisioning.Lease{lease("10.1.0.150", macA, t0.Add(time.Minute))},
			req: packet(t, R, macA, ciaddr("10.1.0.150"), dhcpv4.WithBroadcast(true)), wantType: ACK, wantIP: "10.1.0.150",
			wantOpts:  map[uint8]string{51: "\x00\x00\x1c\x20"},
			wantLease: []provisioning.Lease{lease("10.1.0.150", macA, t0.Add(2*time.Hour))}},
		{name: "request rebinding from an unknown network, not authoritative", nonAuth: true,
			req: packet(t, R, macA, ciaddr("172.16.0.5"), dhcpv4.WithBroadcast(true))},

		{name: "decline", leases: []provisioning.Lease{lease("10.0.0.101", macA, hour)},
			req:       packet(t, dhcpv4.MessageTypeDecline, macA, sid, withRequested("10.0.0.101")),
			wantLease: []provisioning.Lease{{IP: ip("10.0.0.101"), Expires: t0.Add(10 * time.Minute)}}},
		{name: "decline of another client's address is ignored", leases: []provisioning.Lease{lease("10.0.0.101", macB, hour)},
			req: packet(t, dhcpv4.MessageTypeDecline, macA, sid, withRequested("10.0.0.101"))},
		{name: "release", leases: []provisioning.Lease{lease("10.0.0.101", macA, hour)},
			req:       packet(t, dhcpv4.MessageTypeRelease, macA, sid, ciaddr("10.0.0.101")),
			wantLease: []provisioning.Lease{lease("10.0.0.101", macA, t0)}},
		{name: "release of another client's address is ignored", leases: []provisioning.Lease{lease("10.0.0.101", macB, hour)},
			req: packet(t, dhcpv4.MessageTypeRelease, macA, sid, ciaddr("10.0.0.101"))},
		{name: "inform", req: packet(t, dhcpv4.MessageTypeInform, macA, ciaddr("10.0.0.77")), wantType: ACK,
			wantOpts: map[uint8]string{1: "\xff\xff\xff\x00", 3: "\x0a\x00\x00\x01", 54: "\x0a\x00\x00\x01", 66: "http://10.0.0.5/"},
			absent:   []uint8{51, 58, 59}},
		{name: "a BOOTREPLY is ignored", req: packet(t, D, macA, dhcpv4.WithReply(packet(t, D, macA)))},
		{name: "a zero MAC is ignored", req: packet(t, D, "00:00:00:00:00:00")},
		{name: "a zero MAC with a client identifier is served", req: packet(t, D, "00:00:00:00:00:00", cid("\x00zero")),
			wantType: OFFER, wantIP: "10.0.0.100", wantOpts: map[uint8]string{61: "\x00zero"}},
		{name: "inform relayed without ciaddr is answered", req: packet(t, dhcpv4.MessageTypeInform, macA, giaddr("10.1.0.1")),
			relayDst: "10.0.0.1", wantType: ACK, wantOpts: map[uint8]string{3: "\x0a\x01\x00\x01"}, absent: []uint8{51}},
		{name: "inform direct without ciaddr is not answered", req: packet(t, dhcpv4.MessageTypeInform, macA)},
	}
}

// clientIDCases: option 61, when present, identifies the client's lease
// (RFC 2131 section 4.2); chaddr only when it is absent.
func clientIDCases(t *testing.T) []replyCase {
	D, R := dhcpv4.MessageTypeDiscover, dhcpv4.MessageTypeRequest
	OFFER, ACK, NAK := dhcpv4.MessageTypeOffer, dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak
	hour := t0.Add(time.Hour)
	sid := withServerID("10.0.0.1")
	ciaddr := func(a string) dhcpv4.Modifier { return dhcpv4.WithClientIP(net.ParseIP(a)) }
	idX, idY := cid("\x01X"), cid("\x01Y")
	return []replyCase{
		{name: "client-id: another identifier on the holder's MAC is not offered the held address",
			setup: []*dhcpv4.DHCPv4{packet(t, R, macA, idX, sid, withRequested("10.0.0.100"))},
			req:   packet(t, D, macA, idY), wantType: OFFER, wantIP: "10.0.0.101"},
		{name: "client-id: the holder's identifier from another MAC renews",
			setup: []*dhcpv4.DHCPv4{packet(t, R, macA, idX, sid, withRequested("10.0.0.100"))},
			req:   packet(t, R, macB, idX, ciaddr("10.0.0.100")), wantType: ACK, wantIP: "10.0.0.100",
			wantOpts: map[uint8]string{61: "\x01X"}, wantLease: []provisioning.Lease{lease("10.0.0.100", macB, hour)}},
		{name: "client-id: a RELEASE with another identifier is ignored",
			setup: []*dhcpv4.DHCPv4{packet(t, R, macA, idX, sid, withRequested("10.0.0.100"))},
			req:   packet(t, dhcpv4.MessageTypeRelease, macA, idY, sid, ciaddr("10.0.0.100"))},
		{name: "client-id: a RELEASE with the identifier from another MAC frees the lease",
			setup:     []*dhcpv4.DHCPv4{packet(t, R, macA, idX, sid, withRequested("10.0.0.100"))},
			req:       packet(t, dhcpv4.MessageTypeRelease, macB, idX, sid, ciaddr("10.0.0.100")),
			wantLease: []provisioning.Lease{lease("10.0.0.100", macA, t0)}},
		{name: "client-id: a DECLINE with another identifier is ignored",
			setup: []*dhcpv4.DHCPv4{packet(t, R, macA, idX, sid, withRequested("10.0.0.100"))},
			req:   packet(t, dhcpv4.MessageTypeDecline, macA, idY, sid, withRequested("10.0.0.100"))},
		{name: "client-id: INIT-REBOOT for the address held under another identifier is NAKed",
			setup: []*dhcpv4.DHCPv4{packet(t, R, macA, idX, sid, withRequested("10.0.0.100"))},
			req:   packet(t, R, macA, idY, withRequested("10.0.0.100")), wantType: NAK,
			wantOpts: map[uint8]string{56: "address in use", 61: "\x01Y"}},
		{name: "client-id: a restored lease (no identifier stored) still belongs to its MAC",
			leases: []provisioning.Lease{lease("10.0.0.101", macA, hour)},
			req:    packet(t, R, macA, idX, ciaddr("10.0.0.101")), wantType: ACK, wantIP: "10.0.0.101",
			wantLease: []provisioning.Lease{lease("10.0.0.101", macA, hour)}},
	}
}

func cid(v string) dhcpv4.Modifier {
	return dhcpv4.WithOption(dhcpv4.OptGeneric(dhcpv4.OptionClientIdentifier, []byte(v)))
}
