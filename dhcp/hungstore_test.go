package dhcp

import (
	"context"
	"errors"
	"net"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
	"github.com/provbox/provbox/provisioning/store/pgtest"
)

// withCommitTTL shortens the commit deadline, so a test of a hung store
// need not wait 5 s.
func withCommitTTL(d time.Duration) Option { return func(s *Server) { s.commitTTL = d } }

// frozenPGService is a core on a real PostgreSQL store in a throw-away
// cluster, which the test can freeze (SIGSTOP: every write hangs) and
// thaw; skipped without the PostgreSQL binaries.
func frozenPGService(t *testing.T) (*provisioning.Service, *pgtest.Cluster) {
	t.Helper()
	pg, err := pgtest.Start()
	if errors.Is(err, pgtest.ErrNoPostgres) {
		t.Skipf("PostgreSQL: %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(pg.Stop)
	dsn, err := pg.NewDatabase()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	st, err := store.OpenPostgres(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := provisioning.New(ctx, provisioning.Config{Boot: provisioning.BootConfig{Host: "127.0.0.5"}, Now: time.Now}, st, reg, nil)
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { svc.Close(); st.Close() })
	return svc, pg
}

// requestCount counts the REQUESTs the server admitted (it parses a
// packet only once it holds a slot for it).
func (o *countingObserver) requestCount() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	n := 0
	for _, m := range o.received {
		if m == "REQUEST" {
			n++
		}
	}
	return n
}

// TestLoopbackHungStoreReleasesSlots: the database freezes (SIGSTOP)
// while every admission slot holds a REQUEST whose lease commit is stuck
// in it. Once the commit deadline has passed, the slots are released: a
// new REQUEST is admitted while the database is still frozen and, once it
// is thawed, ACKed; DISCOVERs are answered throughout; and none of the
// REQUESTs whose commits were abandoned is ever ACKed, though their
// leases become durable late.
func TestLoopbackHungStoreReleasesSlots(t *testing.T) {
	svc, pg := frozenPGService(t)
	const ttl = 1500 * time.Millisecond
	obs := &countingObserver{}
	abandoned := &abandonedCommits{}
	ls := startLoop(t, loopConfig(), svc, time.Now, WithObserver(obs), withCommitTTL(ttl), withAbandonedCommits(abandoned))
	t.Cleanup(func() { pg.Thaw() }) // before the server stops: it waits for every callback
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadBuffer(4 << 20)
	awaitServing(t, conn, ls.addr)

	const n, window = maxInFlight + 1, 64
	reqs := requestsFromOffers(t, conn, ls.addr, 1, n, window)
	stuck, late := reqs[:maxInFlight], reqs[maxInFlight]
	if err := pg.Freeze(); err != nil {
		t.Fatal(err)
	}
	base := obs.requestCount()
	for i := 0; i < maxInFlight; i += window {
		sendPackets(t, conn, ls.addr, stuck[i:i+window])
		waitFor(t, "the stuck REQUESTs admitted", func() bool { return obs.requestCount() >= base+i+window })
	}
	// Every slot holds a stuck commit. Until the deadline frees them, a
	// new REQUEST is shed; after it, one of its retransmissions gets in.
	waitFor(t, "a REQUEST admitted while the database is frozen", func() bool {
		sendPackets(t, conn, ls.addr, []*dhcpv4.DHCPv4{late})
		time.Sleep(100 * time.Millisecond)
		return obs.requestCount() > base+maxInFlight
	})
	mac, _ := net.ParseMAC("02:00:00:02:00:01")
	if o := discoverAll(t, conn, ls.addr, []*dhcpv4.DHCPv4{mustPacket(dhcpv4.NewDiscovery(mac))}); o[0].MessageType() != dhcpv4.MessageTypeOffer {
		t.Errorf("DISCOVER with the database frozen: %s, want OFFER", o[0].MessageType())
	}
	// Thaw only once every stuck commit is past its deadline: the windows
	// of the burst may be admitted a second apart on a loaded machine, and
	// a commit the thaw lets back within its deadline is rightly ACKed.
	var stuckMACs []string
	for _, r := range stuck {
		stuckMACs = append(stuckMACs, r.ClientHWAddr.String())
	}
	waitFor(t, "every stuck commit abandoned at its deadline", func() bool { return abandoned.has(stuckMACs) })
	if err := pg.Thaw(); err != nil {
		t.Fatal(err)
	}
	acked := false
	stuckXIDs := map[dhcpv4.TransactionID]bool{}
	for _, r := range stuck {
		stuckXIDs[r.TransactionID] = true
	}
	buf := make([]byte, 4096)
	// The one admitted while frozen is past its deadline: retransmit, as
	// a client does, until one is ACKed (a retransmission queued behind
	// the abandoned commits the thawed database still writes may miss
	// its deadline too on a loaded machine).
	end := time.Now().Add(20 * time.Second)
	for resend := true; !acked; {
		if resend {
			sendPackets(t, conn, ls.addr, []*dhcpv4.DHCPv4{late})
			conn.SetReadDeadline(time.Now().Add(ttl))
		}
		k, _, err := conn.ReadFromUDP(buf)
		var ne net.Error
		if resend = errors.As(err, &ne) && ne.Timeout() && time.Now().Before(end); resend {
			continue
		}
		if err != nil {
			t.Fatalf("no ACK for the REQUEST admitted after the deadline: %v", err)
		}
		r, err := dhcpv4.FromBytes(buf[:k])
		if err != nil {
			continue
		}
		if stuckXIDs[r.TransactionID] {
			t.Fatalf("%s: %s for a REQUEST whose commit was abandoned", r.ClientHWAddr, r.MessageType())
		}
		acked = r.TransactionID == late.TransactionID && r.MessageType() == dhcpv4.MessageTypeAck
	}
	// The abandoned commits come back (the database is thawed) and are
	// dealt with without a reply.
	ls.stop()
	conn.SetReadDeadline(time.Now().Add(200 * time.Millisecond))
	for {
		k, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			break
		}
		if r, err := dhcpv4.FromBytes(buf[:k]); err == nil && stuckXIDs[r.TransactionID] {
			t.Errorf("%s: %s for a REQUEST whose commit was abandoned", r.ClientHWAddr, r.MessageType())
		}
	}
	leases := svc.Leases()
	if !slices.ContainsFunc(leases, func(l provisioning.Lease) bool { return l.MAC.String() == stuck[0].ClientHWAddr.String() }) {
		t.Errorf("the abandoned commits' leases were not stored once the database came back (%d leases)", len(leases))
	}
}

// waitFor polls cond until it holds, failing the test after 20 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 20 s", what)
		}
	}
}

// heldCommitter keeps each commit's callback for the test to call.
type heldCommitter struct{ done chan func(error) }

func (c heldCommitter) CommitLeaseAsync(_ provisioning.Lease, done func(error)) { c.done <- done }

// TestAsyncCommitReleasesSlotOnce: whichever comes first, the commit's
// callback or its deadline, the slot is released exactly once (a second
// release would free another packet's slot). That a late callback sends
// nothing, TestLoopbackHungStoreReleasesSlots shows over a socket.
func TestAsyncCommitReleasesSlotOnce(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now)
	s, err := New(loopConfig(), svc, nil, withCommitTTL(50*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	hw, _ := net.ParseMAC("02:00:00:03:00:01")
	l := provisioning.Lease{IP: ip("127.0.0.120"), MAC: provisioning.MAC(hw), Expires: time.Now().Add(time.Hour)}
	for _, late := range []bool{false, true} {
		var releases, dealt int
		var mu sync.Mutex
		count := func(n *int) func() { return func() { mu.Lock(); *n++; mu.Unlock() } }
		s.handled = func(*dhcpv4.DHCPv4) { count(&dealt)() }
		c := heldCommitter{done: make(chan func(error), 1)}
		var wg sync.WaitGroup
		p := &inFlight{req: mustPacket(dhcpv4.NewDiscovery(hw)), d: decision{commit: []provisioning.Lease{l}}}
		s.commitAsync(c, p, count(&releases), &wg)
		done := <-c.done
		if late {
			time.Sleep(150 * time.Millisecond) // past the deadline
		}
		done(nil)
		wg.Wait()
		time.Sleep(150 * time.Millisecond) // and past it for the early one
		mu.Lock()
		if releases != 1 || dealt != 1 {
			t.Errorf("late=%v: slot released %d times, dealt with %d times; want 1 and 1", late, releases, dealt)
		}
		mu.Unlock()
	}
}

// TestHeldCommitWithheldPastTerm: a REQUEST's lease commit is held; the
// node's term ends meanwhile; the commit then comes back within its
// deadline, and still no ACK leaves (the callback's reply passes the
// liveness check).
func TestHeldCommitWithheldPastTerm(t *testing.T) {
	var live atomic.Bool
	live.Store(true)
	core := &gatedCore{Service: newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now), open: make(chan struct{})}
	ls := startLoop(t, loopConfig(), core, time.Now, WithLiveness(live.Load))
	conn, err := loopConn()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	awaitServing(t, conn, ls.addr)
	mac, _ := net.ParseMAC("02:00:00:04:00:01")
	offer := discoverAll(t, conn, ls.addr, []*dhcpv4.DHCPv4{mustPacket(dhcpv4.NewDiscovery(mac))})[0]
	req := mustPacket(dhcpv4.NewRequestFromOffer(offer))
	sendPackets(t, conn, ls.addr, []*dhcpv4.DHCPv4{req})
	waitHeld(t, core, 1)
	live.Store(false)
	close(core.open)
	for r := range ls.handled {
		if r.TransactionID == req.TransactionID {
			break
		}
	}
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	for {
		k, _, err := conn.ReadFromUDP(buf)
		if err != nil {
			break
		}
		if r, err := dhcpv4.FromBytes(buf[:k]); err == nil && r.TransactionID == req.TransactionID {
			t.Fatalf("%s sent after the term ended", r.MessageType())
		}
	}
}
