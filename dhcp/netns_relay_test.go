package dhcp

import (
	"net"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// relay is a minimal RFC 1542 relay agent: requests heard on the client
// side get giaddr and go to the server; replies go back by broadcast.
type relay struct {
	cliConn, srvConn *net.UDPConn
	giaddr           net.IP
	server           *net.UDPAddr
	wg               sync.WaitGroup
}

func (r *relay) run() {
	r.wg.Go(func() { r.pump(r.cliConn, r.toServer) })
	r.wg.Go(func() { r.pump(r.srvConn, r.toClient) })
}

func (r *relay) pump(c *net.UDPConn, fwd func(*dhcpv4.DHCPv4)) {
	buf := make([]byte, 1500)
	for {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return // closed
		}
		if m, err := dhcpv4.FromBytes(buf[:n]); err == nil {
			fwd(m)
		}
	}
}

func (r *relay) toServer(m *dhcpv4.DHCPv4) {
	if m.OpCode != dhcpv4.OpcodeBootRequest || m.HopCount > 4 {
		return
	}
	if m.GatewayIPAddr.IsUnspecified() || m.GatewayIPAddr == nil {
		m.GatewayIPAddr = r.giaddr
	}
	m.HopCount++
	r.srvConn.WriteTo(m.ToBytes(), r.server)
}

func (r *relay) toClient(m *dhcpv4.DHCPv4) {
	if m.OpCode != dhcpv4.OpcodeBootReply {
		return
	}
	r.cliConn.WriteTo(m.ToBytes(), &net.UDPAddr{IP: net.IPv4bcast, Port: dhcpv4.ClientPort})
}

func (r *relay) close() {
	r.cliConn.Close()
	r.srvConn.Close()
	r.wg.Wait()
}

// TestNetnsRelay: client — relay — server in three namespaces. The server
// picks the subnet by giaddr and answers the relay on port 67.
func TestNetnsRelay(t *testing.T) {
	requireRoot(t)
	id := uniq()
	srv, rel, cli := addNS(t, id+"s"), addNS(t, id+"r"), addNS(t, id+"c")
	link(t, srv, id+"a", "192.0.2.1/24", rel, id+"b", "192.0.2.2/24")
	link(t, rel, id+"c", "198.51.100.1/24", cli, id+"d", "")
	sh(t, "ip", "-n", srv, "route", "add", "198.51.100.0/24", "via", "192.0.2.2")

	cfg := netCfg(id + "a")
	cfg.Subnets = append(cfg.Subnets, Subnet{CIDR: pfx("198.51.100.0/24"), Range: Range{ip("198.51.100.100"), ip("198.51.100.199")}, Router: ipList("198.51.100.1"), LeaseTime: 2 * time.Hour,
		Relays: ipList("192.0.2.2")})
	h := startHelper(t, srv, helperConfig{Dir: t.TempDir(), DHCP: cfg, Boot: netBoot})

	r := &relay{giaddr: net.IPv4(198, 51, 100, 1), server: &net.UDPAddr{IP: net.IPv4(192, 0, 2, 1), Port: 67}}
	err := inNS(rel, func() (err error) {
		if r.cliConn, err = Bind(id+"c", 67); err != nil {
			return err
		}
		r.srvConn, err = Bind(id+"b", 67)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r.run()
	defer r.close()

	hwa, _ := net.ParseMAC("00:0b:82:00:00:01") // Grandstream OUI
	var c *nclient4.Client
	if err := inNS(cli, func() (err error) {
		c, err = nclient4.New(id+"d", nclient4.WithHWAddr(hwa), nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(3))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	l, err := c.Request(t.Context())
	if err != nil {
		t.Fatalf("DORA through the relay: %v\n%s", err, h.logs)
	}
	ack := l.ACK
	if got := ack.YourIPAddr.String(); got != "198.51.100.100" {
		t.Errorf("leased %s, want 198.51.100.100 (the relay's subnet)", got)
	}
	if got := ack.Router(); len(got) != 1 || !got[0].Equal(net.IPv4(198, 51, 100, 1)) {
		t.Errorf("router %v", got)
	}
	if got := ack.IPAddressLeaseTime(0); got != 2*time.Hour {
		t.Errorf("lease time %s, want the subnet's 2h", got)
	}
	if got := string(ack.Options.Get(dhcpv4.OptionTFTPServerName)); got != "192.0.2.1" {
		t.Errorf("option 66 = %q, want the Grandstream form 192.0.2.1", got)
	}
	if got := ack.GatewayIPAddr.String(); got != "198.51.100.1" {
		t.Errorf("giaddr %s", got)
	}
}

// TestNetnsTwoInterfaces: one server on two interfaces, each network gets
// addresses from its own subnet (chosen by the interface's address).
func TestNetnsTwoInterfaces(t *testing.T) {
	requireRoot(t)
	id := uniq()
	srv, cli1, cli2 := addNS(t, id+"s"), addNS(t, id+"c"), addNS(t, id+"d")
	link(t, srv, id+"a", "192.0.2.1/24", cli1, id+"b", "")
	link(t, srv, id+"e", "198.51.100.1/24", cli2, id+"f", "")
	cfg := netCfg(id+"a", id+"e")
	cfg.Subnets = append(cfg.Subnets, Subnet{CIDR: pfx("198.51.100.0/24"), Range: Range{ip("198.51.100.100"), ip("198.51.100.199")}, Router: ipList("198.51.100.1")})
	h := startHelper(t, srv, helperConfig{Dir: t.TempDir(), DHCP: cfg, Boot: netBoot})
	for _, c := range []struct{ ns, ifc, want, sid string }{
		{cli1, id + "b", "192.0.2.100", "192.0.2.1"},
		{cli2, id + "f", "198.51.100.100", "198.51.100.1"},
	} {
		var cl *nclient4.Client
		if err := inNS(c.ns, func() (err error) {
			cl, err = nclient4.New(c.ifc, nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(3))
			return err
		}); err != nil {
			t.Fatal(err)
		}
		l, err := cl.Request(t.Context())
		cl.Close()
		if err != nil {
			t.Fatalf("%s: %v\n%s", c.ifc, err, h.logs)
		}
		if got := l.ACK.YourIPAddr.String(); got != c.want {
			t.Errorf("%s: leased %s, want %s", c.ifc, got, c.want)
		}
		if got := l.ACK.ServerIdentifier().String(); got != c.sid {
			t.Errorf("%s: server identifier %s, want %s", c.ifc, got, c.sid)
		}
	}
}
