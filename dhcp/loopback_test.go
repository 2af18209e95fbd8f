package dhcp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// loopConfig serves the loopback network: the server's address on lo is
// 127.0.0.1, so direct requests arriving there use this subnet.
func loopConfig() Config {
	return Config{
		Authoritative: true,
		LeaseTime:     time.Hour,
		Subnets: []Subnet{{CIDR: pfx("127.0.0.0/8"), Range: Range{ip("127.0.0.100"), ip("127.0.3.255")},
			Router: ipList("127.0.0.1"), DNS: ipList("127.0.0.1")}},
		Reservations: []Reservation{{MAC: hw(macR), IP: ip("127.0.0.50"), Hostname: "desk"}},
	}
}

// loopServer runs a Server on 127.0.0.1:0 until the test ends; packets it
// has dealt with are reported on the returned channel.
type loopServer struct {
	*Server
	addr    *net.UDPAddr
	handled chan *dhcpv4.DHCPv4
	stop    func()
}

// loopConn is a UDP socket on 127.0.0.1 with an ephemeral port. Not
// server4.NewIPv4UDPConn: its SO_REUSEPORT lets the kernel hand two
// sockets the same ephemeral port, and replies then reach the wrong one.
func loopConn() (*net.UDPConn, error) {
	return net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
}

func startLoop(t *testing.T, cfg Config, core Core, now func() time.Time, opts ...Option) *loopServer {
	t.Helper()
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(cfg, core, nil, append([]Option{WithClock(now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	ls := &loopServer{Server: s, addr: conn.LocalAddr().(*net.UDPAddr), handled: make(chan *dhcpv4.DHCPv4, 4096)}
	s.handled = func(r *dhcpv4.DHCPv4) { ls.handled <- r }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, conn) }()
	ls.stop = sync.OnceFunc(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve returned %v after cancel, want nil", err)
		}
	})
	t.Cleanup(ls.stop)
	return ls
}

// client is an nclient4 on its own 127.0.0.1 socket.
func client(t *testing.T, srv *net.UDPAddr, mac string) (*nclient4.Client, net.PacketConn) {
	t.Helper()
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	hwa, _ := net.ParseMAC(mac)
	c, err := nclient4.NewWithConn(conn, hwa, nclient4.WithServerAddr(srv), nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(3))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, conn
}

// waitHandled waits until the server has dealt with a packet of type mt.
func (ls *loopServer) waitHandled(t *testing.T, mt dhcpv4.MessageType) {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case r := <-ls.handled:
			if r.MessageType() == mt {
				return
			}
		case <-timeout:
			t.Fatalf("server did not handle a %s", mt)
		}
	}
}

func leaseOf(core Core, ipS string) (provisioning.Lease, bool) {
	for _, l := range core.Leases() {
		if l.IP == ip(ipS) {
			return l, true
		}
	}
	return provisioning.Lease{}, false
}

func TestLoopbackDORARenewReleaseReacquire(t *testing.T) {
	clk := provtest.NewClock(t0)
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, clk.Now)
	ls := startLoop(t, loopConfig(), svc, clk.Now)
	c, conn := client(t, ls.addr, "80:5e:c0:00:00:01") // a Yealink by OUI

	l, err := c.Request(t.Context(), dhcpv4.WithOption(dhcpv4.OptClassIdentifier("yealink")), withPRL(1, 3, 6, 66))
	if err != nil {
		t.Fatal(err)
	}
	ack := l.ACK
	if got := ack.YourIPAddr.String(); got != "127.0.0.100" {
		t.Errorf("leased %s, want 127.0.0.100", got)
	}
	if got := string(ack.Options.Get(dhcpv4.OptionTFTPServerName)); got != "http://127.0.0.5/" {
		t.Errorf("option 66 = %q", got)
	}
	if got := ack.ServerIdentifier().String(); got != "127.0.0.1" {
		t.Errorf("server identifier %s", got)
	}
	// The ACK was sent after the lease was durable: the core has it.
	if dl, ok := leaseOf(svc, "127.0.0.100"); !ok || dl.MAC != hw("80:5e:c0:00:00:01") || !dl.Expires.Equal(t0.Add(time.Hour)) {
		t.Fatalf("core lease = %+v, %v", dl, ok)
	}

	clk.Add(30 * time.Minute)
	l2, err := c.Renew(t.Context(), l)
	if err != nil {
		t.Fatalf("renew: %v", err)
	}
	if !l2.ACK.YourIPAddr.Equal(ack.YourIPAddr) {
		t.Errorf("renewed %s, want %s", l2.ACK.YourIPAddr, ack.YourIPAddr)
	}
	if dl, _ := leaseOf(svc, "127.0.0.100"); !dl.Expires.Equal(clk.Now().Add(time.Hour)) {
		t.Errorf("renewed lease expires %s, want %s", dl.Expires, clk.Now().Add(time.Hour))
	}

	rel, err := dhcpv4.NewReleaseFromACK(l2.ACK)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.WriteTo(rel.ToBytes(), ls.addr); err != nil {
		t.Fatal(err)
	}
	ls.waitHandled(t, dhcpv4.MessageTypeRelease)
	if dl, _ := leaseOf(svc, "127.0.0.100"); dl.Expires.After(clk.Now()) {
		t.Errorf("released lease still runs until %s", dl.Expires)
	}

	// Another client comes and goes; the released address stays for its
	// owner, who gets it back.
	if other, err := mustClient(t, ls, macB).Request(t.Context()); err != nil || other.ACK.YourIPAddr.Equal(ack.YourIPAddr) {
		t.Fatalf("other client: %v, %v", other, err)
	}
	l3, err := c.Request(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !l3.ACK.YourIPAddr.Equal(ack.YourIPAddr) {
		t.Errorf("re-acquired %s, want %s", l3.ACK.YourIPAddr, ack.YourIPAddr)
	}
}

func mustClient(t *testing.T, ls *loopServer, mac string) *nclient4.Client {
	c, _ := client(t, ls.addr, mac)
	return c
}

func TestLoopbackInformAndNak(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, func() time.Time { return t0 })
	ls := startLoop(t, loopConfig(), svc, func() time.Time { return t0 })
	c := mustClient(t, ls, macA)

	inf, err := c.Inform(t.Context(), net.IPv4(127, 0, 0, 77), dhcpv4.WithOption(dhcpv4.OptClassIdentifier("Polycom")))
	if err != nil {
		t.Fatal(err)
	}
	if got := string(inf.Options.Get(dhcpv4.GenericOptionCode(160))); got != "http://127.0.0.5/" {
		t.Errorf("inform option 160 = %q", got)
	}
	if inf.Options.Has(dhcpv4.OptionIPAddressLeaseTime) || !inf.YourIPAddr.IsUnspecified() {
		t.Errorf("inform reply carries a lease: %s", inf.Summary())
	}

	// INIT-REBOOT for someone's reserved address: NAK.
	req, _ := dhcpv4.NewDiscovery(c.InterfaceAddr(), dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.IPv4(127, 0, 0, 50))))
	resp, err := c.SendAndRead(t.Context(), ls.addr, req, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.MessageType() != dhcpv4.MessageTypeNak {
		t.Errorf("got %s, want NAK", resp.MessageType())
	}
}

// TestLoopbackConcurrent has many clients do DORA at once: every one gets
// its own address, every ACKed lease is in the core, none is promised twice.
func TestLoopbackConcurrent(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now)
	ls := startLoop(t, loopConfig(), svc, time.Now)
	const n = 64
	got := make([]string, n)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		c := mustClient(t, ls, fmt.Sprintf("02:00:00:00:10:%02x", i))
		wg.Go(func() {
			l, err := c.Request(t.Context())
			if err != nil {
				errs <- err
				return
			}
			got[i] = l.ACK.YourIPAddr.String()
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[string]bool{}
	for i, a := range got {
		if a == "" {
			continue // its error is reported above
		}
		if seen[a] {
			t.Errorf("address %s given twice", a)
		}
		seen[a] = true
		if l, ok := leaseOf(svc, a); !ok || l.MAC != hw(fmt.Sprintf("02:00:00:00:10:%02x", i)) {
			t.Errorf("client %d: ACKed %s but the core has %+v", i, a, l)
		}
	}
}

// TestLoopbackCommitFailureWithholdsAck: no durable lease, no ACK.
func TestLoopbackCommitFailureWithholdsAck(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now)
	core := &testCore{Service: svc, fail: true}
	ls := startLoop(t, loopConfig(), core, time.Now)
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	hwa, _ := net.ParseMAC(macA)
	c, err := nclient4.NewWithConn(conn, hwa, nclient4.WithServerAddr(ls.addr), nclient4.WithTimeout(300*time.Millisecond), nclient4.WithRetry(1))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = c.Request(t.Context())
	if err == nil || !errors.Is(err, nclient4.ErrNoResponse) {
		t.Fatalf("request with a failing store: %v, want no response", err)
	}
	if _, ok := leaseOf(svc, "127.0.0.100"); ok {
		t.Error("lease recorded although the store failed")
	}
}

// TestRestartKeepsLeases: a new core and server on the same database give
// every client its address back and never offer it to anyone else.
func TestRestartKeepsLeases(t *testing.T) {
	dir := t.TempDir()
	svc := newService(t, dir, provisioning.BootConfig{}, time.Now)
	ls := startLoop(t, loopConfig(), svc, time.Now)
	want := map[string]string{}
	for i := range 8 {
		mac := fmt.Sprintf("02:00:00:00:20:%02x", i)
		l, err := mustClient(t, ls, mac).Request(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		want[mac] = l.ACK.YourIPAddr.String()
	}
	ls.stop()
	svc.Close()

	svc2 := newService(t, dir, provisioning.BootConfig{}, time.Now)
	ls2 := startLoop(t, loopConfig(), svc2, time.Now)
	for i := range 8 {
		l, err := mustClient(t, ls2, fmt.Sprintf("02:00:00:00:30:%02x", i)).Request(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		for m, a := range want {
			if l.ACK.YourIPAddr.String() == a {
				t.Errorf("new client got %s, which belongs to %s", a, m)
			}
		}
	}
	for mac, a := range want {
		l, err := mustClient(t, ls2, mac).Request(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		if got := l.ACK.YourIPAddr.String(); got != a {
			t.Errorf("%s got %s after restart, had %s", mac, got, a)
		}
	}
}
