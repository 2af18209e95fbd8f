package dhcp

import (
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// TestAsyncCommitDeadlineRace races the commit deadline against the
// callback, which comes back at about the deadline (before, at or just
// after it, on another goroutine), many times: each time the slot is
// released exactly once and the packet dealt with once, whichever wins
// (run with -race: the two touch the same inFlight). Bounded: 300 rounds
// of a millisecond or two.
func TestAsyncCommitDeadlineRace(t *testing.T) {
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Host: "127.0.0.5"}, time.Now)
	const ttl = time.Millisecond
	s, err := New(loopConfig(), svc, nil, withCommitTTL(ttl))
	if err != nil {
		t.Fatal(err)
	}
	hw, _ := net.ParseMAC("02:00:00:05:00:01")
	l := provisioning.Lease{IP: ip("127.0.0.121"), MAC: provisioning.MAC(hw), Expires: time.Now().Add(time.Hour)}
	r := rand.New(rand.NewPCG(5, 6))
	var dealt atomic.Int64
	s.handled = func(*dhcpv4.DHCPv4) { dealt.Add(1) }
	for i := range 300 {
		var releases atomic.Int64
		c := heldCommitter{done: make(chan func(error), 1)}
		var wg sync.WaitGroup
		p := &inFlight{req: mustPacket(dhcpv4.NewDiscovery(hw)), d: decision{commit: []provisioning.Lease{l}}}
		s.commitAsync(c, p, func() { releases.Add(1) }, &wg)
		done := <-c.done
		wait := time.Duration(r.IntN(int(2 * ttl)))
		go func() { time.Sleep(wait); done(nil) }()
		wg.Wait()
		for deadline := time.Now().Add(10 * time.Second); releases.Load() == 0 && time.Now().Before(deadline); {
			time.Sleep(100 * time.Microsecond) // the timer may still be on its way to release
		}
		time.Sleep(2 * ttl) // a second release, if any, has had its chance
		if n := releases.Load(); n != 1 {
			t.Fatalf("round %d (callback after %s): slot released %d times, want 1", i, wait, n)
		}
		if n := dealt.Load(); n != int64(i+1) {
			t.Fatalf("round %d: %d packets dealt with, want %d", i, n, i+1)
		}
	}
}
