package phone_test

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/provbox/provbox/cmd/internal/lab"
	"github.com/provbox/provbox/cmd/internal/phone"
)

// A Poly phone's DORA between two namespaces: the server sees the binary
// option 60 and the PRL, and the phone reads option 160 from the ACK and
// puts the address on its interface. The server here is a minimal test
// responder on insomniacslk's server4, not provbox: this tests the client.
func TestDORAInNamespaces(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (Debian package iproute2)")
	}
	n, err := lab.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	p, _ := phone.Lookup("poly")
	srvHost, err := n.AddHost("srv", nil)
	if err != nil {
		t.Fatal(err)
	}
	ph, err := n.AddHost("phone", p.MAC(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	if err := srvHost.AddAddr("10.214.0.1/24"); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []*dhcpv4.DHCPv4
	var srv *server4.Server
	err = srvHost.Do(func() (err error) {
		srv, err = server4.NewServer("eth0", &net.UDPAddr{Port: 67}, func(conn net.PacketConn, peer net.Addr, m *dhcpv4.DHCPv4) {
			mu.Lock()
			seen = append(seen, m)
			mu.Unlock()
			typ := dhcpv4.MessageTypeOffer
			if m.MessageType() == dhcpv4.MessageTypeRequest {
				typ = dhcpv4.MessageTypeAck
			}
			reply, _ := dhcpv4.NewReplyFromRequest(m,
				dhcpv4.WithMessageType(typ),
				dhcpv4.WithYourIP(net.IPv4(10, 214, 0, 50)),
				dhcpv4.WithServerIP(net.IPv4(10, 214, 0, 1)),
				dhcpv4.WithNetmask(net.CIDRMask(24, 32)),
				dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(10, 214, 0, 1))),
				dhcpv4.WithGeneric(dhcpv4.GenericOptionCode(160), []byte("http://10.214.0.1/")),
			)
			conn.WriteTo(reply.ToBytes(), &net.UDPAddr{IP: net.IPv4bcast, Port: 68})
		})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve()
	t.Cleanup(func() { srv.Close() })

	var lease *phone.Lease
	err = ph.Do(func() (err error) {
		lease, err = phone.DORA(context.Background(), "eth0", polyClassOf(p), p.PRL, 8*time.Second)
		if err == nil {
			err = phone.Configure("eth0", lease)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if !lease.IP.Equal(net.IPv4(10, 214, 0, 50)) {
		t.Errorf("leased %s", lease.IP)
	}
	loc, err := p.Locate(lease, ph.MAC)
	if err != nil || loc.Option != 160 || loc.Target.Base != "http://10.214.0.1/" {
		t.Errorf("location %+v %v", loc, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(seen) < 2 {
		t.Fatalf("server saw %d messages", len(seen))
	}
	d := seen[0]
	if d.MessageType() != dhcpv4.MessageTypeDiscover || !bytes.Equal(d.ClientHWAddr, ph.MAC) {
		t.Errorf("first message %s from %s", d.MessageType(), d.ClientHWAddr)
	}
	if c := d.Options.Get(dhcpv4.OptionClassIdentifier); !bytes.HasPrefix(c, []byte{0, 0, 0x36, 0x3d}) || !bytes.Contains(c, []byte("Polycom")) {
		t.Errorf("option 60 % x", c)
	}
	if prl := d.Options.Get(dhcpv4.OptionParameterRequestList); !bytes.Equal(prl, p.PRL) {
		t.Errorf("PRL %v, want %v", prl, p.PRL)
	}
	out, err := ph.Command(context.Background(), "ip", "-4", "-o", "addr", "show", "dev", "eth0").Output()
	if err != nil || !bytes.Contains(out, []byte("10.214.0.50/24")) {
		t.Errorf("address not configured: %s %v", out, err)
	}
}

func polyClassOf(p *phone.Profile) []byte { return p.Class() }
