package dhcp

import (
	"bytes"
	"context"
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"golang.org/x/net/ipv4"

	"github.com/provbox/provbox/provisioning"
)

// benchConfig serves most of 127.0.0.0/8, so no benchmark runs out of
// addresses.
func benchConfig() Config {
	return Config{
		Authoritative: true,
		LeaseTime:     time.Hour,
		Subnets: []Subnet{{CIDR: pfx("127.0.0.0/8"), Range: Range{ip("127.1.0.0"), ip("127.250.255.255")},
			Router: ipList("127.0.0.1"), DNS: ipList("127.0.0.1")}},
	}
}

// benchMAC is the n-th client of a benchmark, with a Yealink OUI so the
// boot options are computed as for a phone.
func benchMAC(n uint32) net.HardwareAddr {
	return net.HardwareAddr{0x80, 0x5e, 0xc0, byte(n >> 16), byte(n >> 8), byte(n)}
}

// processCPU is the CPU time this process has used (user+system).
func processCPU(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkDecide measures the packet path without I/O: parse a DISCOVER
// and a REQUEST, decide, and encode the OFFER and the ACK (a DORA's worth
// of work in the server, the durable commit excepted). The clients'
// packets are built once and only their MAC, transaction ID and requested
// address change, so the figures are the server's.
func BenchmarkDecide(b *testing.B) {
	svc := newService(b, b.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, time.Now)
	s, err := New(benchConfig(), svc, nil)
	if err != nil {
		b.Fatal(err)
	}
	in := ingress{pool: s.pools[0], serverID: ip("127.0.0.1")}
	prl := withPRL(1, 3, 6, 15, 42, 66, 150)
	disc := packet(b, dhcpv4.MessageTypeDiscover, benchMAC(0).String(), withClass("yealink SIP-T46U"), prl).ToBytes()
	rq := packet(b, dhcpv4.MessageTypeRequest, benchMAC(0).String(), withClass("yealink SIP-T46U"), prl,
		withServerID("127.0.0.1"), withRequested("127.1.0.0")).ToBytes()
	at := bytes.Index(rq, []byte{50, 4, 127, 1, 0, 0}) + 2 // option 50's value
	var n uint32
	wire := make([]byte, 0, 576)
	b.ReportAllocs()
	for b.Loop() {
		n++
		copy(disc[28:], benchMAC(n))
		binary.BigEndian.PutUint32(disc[4:], n)
		req, err := decode(disc)
		if err != nil {
			b.Fatal(err)
		}
		d := s.decide(req, in, time.Now())
		if d.reply == nil {
			b.Fatalf("no OFFER: %s", d.reason)
		}
		offer := appendPacket(wire[:0], d.reply)
		putReply(d.reply) // as handle does once a reply is sent
		copy(rq[28:], benchMAC(n))
		binary.BigEndian.PutUint32(rq[4:], n)
		copy(rq[at:at+4], offer[16:20]) // yiaddr
		if req, err = decode(rq); err != nil {
			b.Fatal(err)
		}
		if d = s.decide(req, in, time.Now()); d.reply == nil || len(d.commit) != 1 {
			b.Fatalf("no ACK: %s", d.reason)
		}
		wire = appendPacket(wire[:0], d.reply)
		putReply(d.reply)
	}
}

// BenchmarkServeDORA drives the whole server over loopback sockets, with
// every lease durable before its ACK on the real SQLite store: 64
// concurrent clients each complete DISCOVER-OFFER-REQUEST-ACK. It reports
// the process's CPU per lease (the server's work plus the clients', which
// only build and parse packets), the figure issue 17 compares with Kea.
func BenchmarkServeDORA(b *testing.B) {
	svc := newService(b, b.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, time.Now)
	srv := serveBench(b, svc)

	var next atomic.Uint32
	var leases atomic.Int64
	cpu0 := processCPU(b)
	b.ResetTimer()
	var wg sync.WaitGroup
	work := make(chan struct{}, 64)
	for range 64 {
		wg.Go(func() {
			c, err := loopConn()
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			for range work {
				if err := dora(c, srv, next.Add(1)); err != nil {
					b.Error(err)
					return
				}
				leases.Add(1)
			}
		})
	}
	for b.Loop() {
		work <- struct{}{}
	}
	close(work)
	wg.Wait()
	b.StopTimer()
	if n := leases.Load(); n > 0 {
		b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(n), "cpu-µs/lease")
		b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "leases/s")
	}
}

// dora completes one exchange for client n on c.
func dora(c *net.UDPConn, srv *net.UDPAddr, n uint32) error {
	mods := []dhcpv4.Modifier{dhcpv4.WithHwAddr(benchMAC(n)), dhcpv4.WithOption(dhcpv4.OptClassIdentifier("yealink SIP-T46U")),
		dhcpv4.WithRequestedOptions(dhcpv4.OptionSubnetMask, dhcpv4.OptionRouter, dhcpv4.OptionDomainNameServer, dhcpv4.OptionTFTPServerName)}
	disc, err := dhcpv4.New(append(mods, dhcpv4.WithMessageType(dhcpv4.MessageTypeDiscover))...)
	if err != nil {
		return err
	}
	offer, err := exchange(c, srv, disc, dhcpv4.MessageTypeOffer)
	if err != nil {
		return err
	}
	req, err := dhcpv4.New(append(mods, dhcpv4.WithMessageType(dhcpv4.MessageTypeRequest), dhcpv4.WithTransactionID(disc.TransactionID),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(offer.ServerIdentifier())),
		dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(offer.YourIPAddr)))...)
	if err != nil {
		return err
	}
	_, err = exchange(c, srv, req, dhcpv4.MessageTypeAck)
	return err
}

// exchange sends p and waits (bounded) for the reply of type want with p's
// transaction ID.
func exchange(c *net.UDPConn, srv *net.UDPAddr, p *dhcpv4.DHCPv4, want dhcpv4.MessageType) (*dhcpv4.DHCPv4, error) {
	if _, err := c.WriteTo(p.ToBytes(), srv); err != nil {
		return nil, err
	}
	buf := make([]byte, 1500)
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return nil, err
		}
		r, err := dhcpv4.FromBytes(buf[:n])
		if err == nil && r.TransactionID == p.TransactionID && r.MessageType() == want {
			return r, nil
		}
	}
}

// serveBench serves DHCP over svc on a loopback socket until the
// benchmark ends and returns the server's address.
func serveBench(b *testing.B, svc *provisioning.Service) *net.UDPAddr {
	conn, err := loopConn()
	if err != nil {
		b.Fatal(err)
	}
	// IP_PKTINFO before any datagram is queued, as Bind does.
	if err := ipv4.NewPacketConn(conn).SetControlMessage(ipv4.FlagInterface|ipv4.FlagDst, true); err != nil {
		b.Fatal(err)
	}
	s, err := New(benchConfig(), svc, nil)
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, conn) }()
	b.Cleanup(func() { cancel(); <-served })
	return conn.LocalAddr().(*net.UDPAddr)
}
