package dhcp

import (
	"context"
	"fmt"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// A reader whose slots are all taken waits for one to free; a wait that
// runs out sheds, and so does every packet after it, at once, until a
// slot frees again.
func TestAdmissionWaitsThenSheds(t *testing.T) {
	a := &admission{sem: make(chan struct{}, 1), wait: time.Minute}
	if !a.acquire(t.Context()) {
		t.Fatal("free slot refused")
	}
	go func() { time.Sleep(10 * time.Millisecond); <-a.sem }()
	if !a.acquire(t.Context()) {
		t.Fatal("a slot freed during the wait, yet the packet was shed")
	}
	a.wait = time.Millisecond
	if a.acquire(t.Context()) {
		t.Fatal("no slot freed, yet the packet was admitted")
	}
	a.wait = time.Hour // a stalled reader must not wait again
	got := make(chan bool, 1)
	go func() { got <- a.acquire(context.Background()) }()
	select {
	case ok := <-got:
		if ok {
			t.Fatal("admitted with every slot taken")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a stalled reader waited again instead of shedding")
	}
	<-a.sem
	if !a.acquire(t.Context()) || a.stalled {
		t.Fatal("a freed slot did not end the stall")
	}
}

// gatedCore holds every lease commit until open is closed, counting the
// commits waiting.
type gatedCore struct {
	*provisioning.Service
	open    chan struct{}
	mu      sync.Mutex
	waiting int
}

// CommitLeaseAsync waits at the gate too.
func (c *gatedCore) CommitLeaseAsync(l provisioning.Lease, done func(error)) {
	go func() { done(c.CommitLease(context.Background(), l)) }()
}

func (c *gatedCore) CommitLease(ctx context.Context, l provisioning.Lease) error {
	c.mu.Lock()
	c.waiting++
	c.mu.Unlock()
	<-c.open
	return c.Service.CommitLease(ctx, l)
}

func (c *gatedCore) held() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.waiting
}

// TestLoopbackBurstBeyondSlots: more REQUESTs than maxInFlight arrive
// while every slot waits on a commit (a boot storm's burst). The ones
// beyond wait in the socket buffer and are ACKed once commits complete;
// none is shed (a shed REQUEST costs its client a 4 s retransmission).
func TestLoopbackBurstBeyondSlots(t *testing.T) {
	core := &gatedCore{Service: newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now), open: make(chan struct{})}
	ls := startLoop(t, loopConfig(), core, time.Now)
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadBuffer(4 << 20) // every ACK of the burst
	awaitServing(t, conn, ls.addr)
	// Sent in windows the server's (default) socket buffer holds.
	const n, window = maxInFlight + 16, 64
	reqs := requestsFromOffers(t, conn, ls.addr, 0, n, window)
	for i := 0; i < maxInFlight; i += window {
		sendPackets(t, conn, ls.addr, reqs[i:i+window])
		waitHeld(t, core, i+window)
	}
	// Every slot waits on a commit: the rest of the burst arrives now. A
	// reader that sheds drops it at once; open the commits a moment later.
	sendPackets(t, conn, ls.addr, reqs[maxInFlight:])
	time.Sleep(100 * time.Millisecond)
	close(core.open)
	for _, a := range collect(t, conn, reqs) {
		if a.MessageType() != dhcpv4.MessageTypeAck {
			t.Errorf("%s: %s, want ACK", a.ClientHWAddr, a.MessageType())
		}
	}
	ls.Server.mu.Lock()
	dropped := ls.Server.dropped
	ls.Server.mu.Unlock()
	if dropped != 0 {
		t.Errorf("%d packets shed, want none", dropped)
	}
}

// awaitServing retries a DISCOVER until it is answered: a datagram
// queued before Serve enables IP_PKTINFO has no interface, so no subnet,
// and is never answered.
func awaitServing(t *testing.T, conn *net.UDPConn, srv *net.UDPAddr) {
	t.Helper()
	mac, _ := net.ParseMAC("02:00:00:00:ff:ff")
	d := mustPacket(dhcpv4.NewDiscovery(mac))
	buf := make([]byte, 4096)
	for try := 0; try < 50; try++ {
		sendPackets(t, conn, srv, []*dhcpv4.DHCPv4{d})
		conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
		if _, _, err := conn.ReadFromUDP(buf); err == nil {
			return
		}
	}
	t.Fatal("the server answered no DISCOVER in 10 s")
}

func waitHeld(t *testing.T, core *gatedCore, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); core.held() < n; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d commits waiting, want %d", core.held(), n)
		}
	}
}

func mustPacket(p *dhcpv4.DHCPv4, err error) *dhcpv4.DHCPv4 {
	if err != nil {
		panic(err)
	}
	return p
}

func sendPackets(t *testing.T, conn *net.UDPConn, srv *net.UDPAddr, pkts []*dhcpv4.DHCPv4) {
	t.Helper()
	for _, p := range pkts {
		if _, err := conn.WriteToUDP(p.ToBytes(), srv); err != nil {
			t.Fatal(err)
		}
	}
}

func discoverAll(t *testing.T, conn *net.UDPConn, srv *net.UDPAddr, pkts []*dhcpv4.DHCPv4) []*dhcpv4.DHCPv4 {
	t.Helper()
	sendPackets(t, conn, srv, pkts)
	return collect(t, conn, pkts)
}

// collect reads a reply to each of sent (by xid), failing the test if
// any is missing after 30 s.
func collect(t *testing.T, conn *net.UDPConn, sent []*dhcpv4.DHCPv4) []*dhcpv4.DHCPv4 {
	t.Helper()
	want := map[dhcpv4.TransactionID]bool{}
	for _, p := range sent {
		want[p.TransactionID] = true
	}
	var out []*dhcpv4.DHCPv4
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	for len(want) > 0 {
		k, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			t.Fatalf("%d of %d replies: %v", len(out), len(sent), err)
		}
		r, err := dhcpv4.FromBytes(buf[:k])
		if err != nil || !want[r.TransactionID] {
			continue
		}
		delete(want, r.TransactionID)
		out = append(out, r)
	}
	return out
}

type shedCounter struct {
	nopObserver
	n int
}

func (o *shedCounter) Shed() { o.n++ }

// Every shed packet reaches an observer that counts them, though the log
// says so once a minute.
func TestShedObserved(t *testing.T) {
	o := &shedCounter{}
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now)
	s, err := New(loopConfig(), svc, nil, WithObserver(o))
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		s.shed("test")
	}
	if o.n != 3 || s.dropped != 3 {
		t.Fatalf("observer counted %d sheds, server %d, want 3", o.n, s.dropped)
	}
}

// requestsFromOffers makes n clients (MACs 02:00:00:<group>:..) DISCOVER
// in windows of window packets, which the server's socket buffer holds,
// and returns the REQUEST each would send for its OFFER.
func requestsFromOffers(t *testing.T, conn *net.UDPConn, srv *net.UDPAddr, group, n, window int) []*dhcpv4.DHCPv4 {
	t.Helper()
	var reqs []*dhcpv4.DHCPv4
	for i := 0; i < n; i += window {
		var disc []*dhcpv4.DHCPv4
		for k := i; k < min(i+window, n); k++ {
			mac, _ := net.ParseMAC(fmt.Sprintf("02:00:00:%02x:%02x:%02x", group, k>>8, k&0xff))
			disc = append(disc, mustPacket(dhcpv4.NewDiscovery(mac)))
		}
		for _, o := range discoverAll(t, conn, srv, disc) {
			reqs = append(reqs, mustPacket(dhcpv4.NewRequestFromOffer(o)))
		}
	}
	return reqs
}
