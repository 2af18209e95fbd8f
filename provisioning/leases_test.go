package provisioning

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning/profile"
)

func newTestService(t testing.TB, st Store, cfg Config) *Service {
	t.Helper()
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(t.Context(), cfg, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestCommitLeaseGroupsConcurrentWrites(t *testing.T) {
	st := newMemStore()
	const n = 400
	var s *Service
	// The first write waits until every other commit is queued behind
	// it, so the test does not depend on how the scheduler interleaves
	// the goroutines: the rest must then go in one transaction.
	st.beforePut = func(first int) {
		for deadline := time.Now().Add(10 * time.Second); first+len(s.leaseW.ops) < n && time.Now().Before(deadline); {
			time.Sleep(time.Millisecond)
		}
	}
	s = newTestService(t, st, Config{})
	var wg sync.WaitGroup
	exp := time.Now().Add(time.Hour)
	for i := range n {
		wg.Go(func() {
			ip := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
			if err := s.CommitLease(context.Background(), Lease{IP: ip, MAC: MAC{0, 1, 2, 3, byte(i >> 8), byte(i)}, Expires: exp}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := len(s.Leases()); got != n {
		t.Fatalf("core knows %d leases, want %d", got, n)
	}
	st.mu.Lock()
	txns, stored := st.leaseTxns, len(st.leases)
	st.mu.Unlock()
	if stored != n {
		t.Fatalf("store holds %d leases, want %d", stored, n)
	}
	if txns > 2 {
		t.Fatalf("%d transactions for %d concurrent leases, want 2 (the first, then those queued behind it): no group commit", txns, n)
	}
	t.Logf("%d leases in %d transactions", n, txns)
}

func TestCommitLeaseFailureIsNotAcknowledged(t *testing.T) {
	st := newMemStore()
	st.failPuts = errors.New("disk full")
	s := newTestService(t, st, Config{})
	ip := netip.MustParseAddr("10.0.0.9")
	err := s.CommitLease(t.Context(), Lease{IP: ip, MAC: MAC{0, 1, 2, 3, 4, 5}, Expires: time.Now().Add(time.Hour)})
	if err == nil {
		t.Fatal("CommitLease succeeded although the store failed")
	}
	if len(s.Leases()) != 0 {
		t.Fatal("a lease that was not durable is used by the lease check")
	}
}

func TestLeaseHolderExpires(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tab := newLeaseTable()
	ip := netip.MustParseAddr("10.0.0.5")
	tab.put(Lease{IP: ip, MAC: MAC{0, 1, 2, 3, 4, 5}, Expires: now.Add(time.Minute)})
	if m, ok := tab.holder(ip, now); !ok || m != (MAC{0, 1, 2, 3, 4, 5}) {
		t.Fatal("live lease not found")
	}
	if _, ok := tab.holder(ip, now.Add(time.Minute)); ok {
		t.Fatal("expired lease still counts")
	}
}

func TestLeaseWriterLastOperationWins(t *testing.T) {
	st := newMemStore()
	var applied []leaseOp
	w := &leaseWriter{st: st, apply: func(b []leaseOp) { applied = append(applied, b...) }}
	ip := netip.MustParseAddr("10.0.0.7")
	mk := func(op leaseOp) leaseOp { op.done = make(chan error, 1); return op }
	l := Lease{IP: ip, MAC: MAC{0, 1, 2, 3, 4, 5}, Expires: time.Now().Add(time.Hour)}
	w.write([]leaseOp{mk(leaseOp{put: l}), mk(leaseOp{del: ip}), mk(leaseOp{put: l})})
	if _, ok := st.leases[ip]; !ok {
		t.Fatal("a lease given after a release in the same batch was deleted")
	}
	if len(applied) != 3 || !applied[1].del.IsValid() || applied[2].del.IsValid() {
		t.Fatalf("memory saw %d operations out of order: %+v", len(applied), applied)
	}
	w.write([]leaseOp{mk(leaseOp{put: l}), mk(leaseOp{del: ip})})
	if _, ok := st.leases[ip]; ok {
		t.Fatal("a release after a lease in the same batch was lost")
	}
}

// TestLeaseWriterHoldsBatchOpenWhenBusy drives the writer's batching: when
// leases arrive close together it keeps a batch open for more (here until
// it is full: with an hour's delay, waiting for the delay would hang the
// test), and a lone lease is written at once.
func TestLeaseWriterHoldsBatchOpenWhenBusy(t *testing.T) {
	w := &leaseWriter{ops: make(chan leaseOp, leaseBatchMax), filled: make(chan struct{}, 1), quit: make(chan struct{}), delay: time.Hour}
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	first := []leaseOp{{del: netip.MustParseAddr("10.0.0.1")}}

	if got := w.fill(slices.Clone(first), false, linger); len(got) != 1 {
		t.Fatalf("idle: batch of %d, want the lone lease", len(got))
	}
	go func() {
		for i := 1; i < leaseBatchMax; i++ {
			time.Sleep(10 * time.Microsecond)
			w.ops <- leaseOp{del: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})}
			w.nudge()
		}
	}()
	if got := w.fill(slices.Clone(first), true, linger); len(got) != leaseBatchMax {
		t.Fatalf("busy: batch of %d, want %d (leases arriving while it was open)", len(got), leaseBatchMax)
	}
}

// TestLeaseWriterStopsWaitingWhenFilled: a busy writer closes its batch as
// soon as it holds fillTo leases (adding what is already queued), without
// waiting out the delay (an hour here: waiting for it would hang the test).
func TestLeaseWriterStopsWaitingWhenFilled(t *testing.T) {
	w := &leaseWriter{ops: make(chan leaseOp, leaseBatchMax), filled: make(chan struct{}, 1), quit: make(chan struct{}), delay: time.Hour, fillTo: 8}
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for i := range 11 {
		w.ops <- leaseOp{del: netip.AddrFrom4([4]byte{10, 0, 1, byte(i)})}
	}
	got := w.fill([]leaseOp{{del: netip.MustParseAddr("10.0.0.1")}}, true, linger)
	if len(got) != 12 {
		t.Fatalf("busy, filled: batch of %d, want 12 (the first, 7 to fill it, 4 already queued)", len(got))
	}
	w.fillTo = 4
	go func() {
		for i := range 3 {
			time.Sleep(time.Millisecond)
			w.ops <- leaseOp{del: netip.AddrFrom4([4]byte{10, 0, 2, byte(i)})}
			w.nudge()
		}
	}()
	if got := w.fill([]leaseOp{{del: netip.MustParseAddr("10.0.0.1")}}, true, linger); len(got) != 4 {
		t.Fatalf("busy, filling: batch of %d, want 4", len(got))
	}
}

// TestLeaseWriterStretchesSmallBatch: a busy writer whose delay has passed
// with fewer than minFill leases keeps the batch open once more (an hour
// here, so only the fill ends it), and one that holds minFill by then
// writes at once (waiting for the stretch would hang the test).
func TestLeaseWriterStretchesSmallBatch(t *testing.T) {
	w := &leaseWriter{ops: make(chan leaseOp, leaseBatchMax), filled: make(chan struct{}, 1), quit: make(chan struct{}), delay: time.Millisecond, fillTo: 3, stretch: time.Hour, minFill: 3}
	linger := time.NewTimer(time.Hour)
	linger.Stop()
	for i := range 2 {
		w.ops <- leaseOp{del: netip.AddrFrom4([4]byte{10, 0, 1, byte(i)})}
	}
	if got := w.fill([]leaseOp{{del: netip.MustParseAddr("10.0.0.1")}}, true, linger); len(got) != 3 {
		t.Fatalf("busy, minFill reached: batch of %d, want 3", len(got))
	}
	w.fillTo = 4 // above minFill: only the fill (nudge) ends the stretch
	go func() {
		time.Sleep(20 * time.Millisecond) // after the delay
		for i := range 3 {
			w.ops <- leaseOp{del: netip.AddrFrom4([4]byte{10, 0, 2, byte(i)})}
			w.nudge()
		}
	}()
	if got := w.fill([]leaseOp{{del: netip.MustParseAddr("10.0.0.1")}}, true, linger); len(got) != 4 {
		t.Fatalf("busy, below minFill after the delay: batch of %d, want 4 (kept open until filled)", len(got))
	}
}
