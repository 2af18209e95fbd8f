package dhcp

import (
	"context"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/store"
)

// TestNetnsRelayAllowlist: relayed DHCP is answered only when its UDP
// source is a relay agent the subnet lists. A host next to the listed
// relay, forging the same giaddr from its own address, gets nothing.
func TestNetnsRelayAllowlist(t *testing.T) {
	requireRoot(t)
	id := uniq()
	srv, rel := addNS(t, id+"s"), addNS(t, id+"r")
	link(t, srv, id+"a", "192.0.2.1/24", rel, id+"b", "192.0.2.2/24")
	sh(t, "ip", "-n", rel, "addr", "add", "192.0.2.3/24", "dev", id+"b")  // the forger's address
	sh(t, "ip", "-n", rel, "addr", "add", "198.51.100.1/32", "dev", "lo") // giaddr, where replies go
	sh(t, "ip", "-n", srv, "route", "add", "198.51.100.0/24", "via", "192.0.2.2")
	cfg := netCfg(id + "a")
	cfg.Subnets = append(cfg.Subnets, Subnet{CIDR: pfx("198.51.100.0/24"), Range: Range{ip("198.51.100.100"), ip("198.51.100.199")}, Relays: ipList("192.0.2.2")})
	h := startHelper(t, srv, helperConfig{Dir: t.TempDir(), DHCP: cfg, Boot: netBoot})

	var relay, forger, replies *net.UDPConn
	if err := inNS(rel, func() (err error) {
		if relay, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(192, 0, 2, 2), Port: 67}); err != nil {
			return err
		}
		if forger, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(192, 0, 2, 3), Port: 67}); err != nil {
			return err
		}
		replies, err = net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(198, 51, 100, 1), Port: 67})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer relay.Close()
	defer forger.Close()
	defer replies.Close()
	server := &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 67}
	// ask sends a relayed DISCOVER from from and waits for its reply at
	// most wait: long for one that must come (a loaded machine may be
	// slow), short for one that must not.
	ask := func(from *net.UDPConn, wait time.Duration) *dhcpv4.DHCPv4 {
		m := packet(t, dhcpv4.MessageTypeDiscover, "00:0b:82:00:00:09", dhcpv4.WithGatewayIP(net.IPv4(198, 51, 100, 1)))
		if _, err := from.WriteTo(m.ToBytes(), server); err != nil {
			t.Fatal(err)
		}
		buf := make([]byte, 1500)
		replies.SetReadDeadline(time.Now().Add(wait))
		for {
			n, _, err := replies.ReadFrom(buf)
			if err != nil {
				return nil // deadline: no reply
			}
			if r, err := dhcpv4.FromBytes(buf[:n]); err == nil && r.TransactionID == m.TransactionID {
				return r
			}
		}
	}
	if r := ask(relay, 10*time.Second); r == nil || r.MessageType() != dhcpv4.MessageTypeOffer {
		t.Fatalf("listed relay: got %v, want an OFFER\n%s", r, h.logs)
	}
	if r := ask(forger, time.Second); r != nil {
		t.Fatalf("unlisted relay source answered: %s", r.Summary())
	}
	if r := ask(relay, 10*time.Second); r == nil {
		t.Fatalf("listed relay not answered after the forgery\n%s", h.logs)
	}
	if !strings.Contains(h.logs.String(), "relayed request dropped") {
		t.Errorf("no warning about the dropped relayed request:\n%s", h.logs)
	}
}

// TestNetnsForgedMoveRefused: a provisioned phone holds a lease; a forged
// REQUEST with the phone's chaddr for another address, while the phone is
// online, is NAKed "lease-move refused", audited, and the phone's lease
// stays where it was, in memory and in the database.
func TestNetnsForgedMoveRefused(t *testing.T) {
	requireRoot(t)
	const phoneMAC = "80:5e:c0:42:00:01"
	p := newPair(t, "")
	addDevice(t, p.dir, phoneMAC)
	p.start(t)
	lease, err := p.rawClient(t, phoneMAC).Request(t.Context())
	if err != nil {
		t.Fatalf("phone DORA: %v\n%s", err, p.h.logs)
	}
	held := lease.ACK.YourIPAddr
	other := net.ParseIP("192.0.2.180")
	forged, err := dhcpv4.New(dhcpv4.WithHwAddr(lease.ACK.ClientHWAddr), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
		dhcpv4.WithBroadcast(true), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.ParseIP("192.0.2.1"))),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(other)))
	if err != nil {
		t.Fatal(err)
	}
	r, err := p.rawClient(t, phoneMAC).SendAndRead(t.Context(), nclient4.DefaultServers, forged,
		nclient4.IsMessageType(dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak))
	if err != nil {
		t.Fatalf("forged REQUEST: %v\n%s", err, p.h.logs)
	}
	if r.MessageType() != dhcpv4.MessageTypeNak || string(r.Options.Get(dhcpv4.OptionMessage)) != "lease-move refused" {
		t.Fatalf("forged REQUEST got %s %q, want NAK \"lease-move refused\"", r.MessageType(), r.Options.Get(dhcpv4.OptionMessage))
	}
	p.h.kill(syscall.SIGTERM)
	ls := storedLeases(t, p.dir)
	if l := ls[held.String()]; l.MAC != hw(phoneMAC) || !l.Expires.After(time.Now()) {
		t.Errorf("phone's lease of %s after the forgery: %+v", held, l)
	}
	if l, ok := ls[other.String()]; ok {
		t.Errorf("forged address %s leased: %+v", other, l)
	}
	svc := provtest.Service(t, p.dir, provisioning.Config{BaseURL: "http://192.0.2.1"})
	evs, err := svc.Events(context.Background(), provisioning.EventFilter{MAC: hw(phoneMAC)})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Proto == "dhcp" && e.Reason == "lease-move refused" && e.IP.String() == other.String() {
			return
		}
	}
	t.Errorf("no audit line with reason lease-move refused: %+v", evs)
}

// addDevice provisions phoneMAC in the state database at dir, as an admin
// would, before the server starts.
func addDevice(t *testing.T, dir, mac string) {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg, _ := profile.New("")
	svc, err := provisioning.New(context.Background(), provisioning.Config{BaseURL: "http://192.0.2.1"}, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	provtest.AddPhone(t, svc, provtest.Phone{MAC: hw(mac), Vendor: "yealink", Model: "T46U", Password: "s3cret-line"})
}

// TestNetnsMoveGuardAsksARP: a phone that has not renewed for over half
// its lease but whose lease still runs is online if its address answers
// ARP: a forged move is then NAKed. Once the address is silent (the phone
// is gone), the same request is served. The lease is 10 s so that "over
// half its lease" comes in a test's time.
func TestNetnsMoveGuardAsksARP(t *testing.T) {
	requireRoot(t)
	const phoneMAC = "80:5e:c0:42:00:02"
	p := newPair(t, "")
	addDevice(t, p.dir, phoneMAC)
	cfg := netCfg(p.srvIf)
	cfg.LeaseTime = 10 * time.Second
	p.h = startHelper(t, p.srv, helperConfig{Dir: p.dir, DHCP: cfg, Boot: netBoot})
	lease, err := p.rawClient(t, phoneMAC).Request(t.Context())
	if err != nil {
		t.Fatalf("phone DORA: %v\n%s", err, p.h.logs)
	}
	held := lease.ACK.YourIPAddr.String()
	sh(t, "ip", "-n", p.cli, "addr", "add", held+"/24", "dev", p.cliIf) // the phone uses its address
	time.Sleep(5500 * time.Millisecond)                                 // past T1, lease still running
	forge := func(to string) *dhcpv4.DHCPv4 {
		t.Helper()
		m, err := dhcpv4.New(dhcpv4.WithHwAddr(lease.ACK.ClientHWAddr), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
			dhcpv4.WithBroadcast(true), dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.ParseIP("192.0.2.1"))),
			dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.ParseIP(to))))
		if err != nil {
			t.Fatal(err)
		}
		r, err := p.rawClient(t, phoneMAC).SendAndRead(t.Context(), nclient4.DefaultServers, m,
			nclient4.IsMessageType(dhcpv4.MessageTypeAck, dhcpv4.MessageTypeNak))
		if err != nil {
			t.Fatalf("forged REQUEST: %v\n%s", err, p.h.logs)
		}
		return r
	}
	if r := forge("192.0.2.181"); r.MessageType() != dhcpv4.MessageTypeNak || string(r.Options.Get(dhcpv4.OptionMessage)) != "lease-move refused" {
		t.Fatalf("phone answering ARP: got %s %q, want NAK \"lease-move refused\"", r.MessageType(), r.Options.Get(dhcpv4.OptionMessage))
	}
	sh(t, "ip", "-n", p.cli, "addr", "del", held+"/24", "dev", p.cliIf) // the phone is gone
	if r := forge("192.0.2.182"); r.MessageType() != dhcpv4.MessageTypeAck {
		t.Fatalf("phone gone: got %s %q, want ACK", r.MessageType(), r.Options.Get(dhcpv4.OptionMessage))
	}
}
