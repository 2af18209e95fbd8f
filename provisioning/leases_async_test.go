package provisioning

import (
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"
)

// TestCommitLeaseAsyncCallsBackOnceDurable: done runs only after the
// batch holding the lease is in the store (and the lease check knows it),
// for every lease of a burst; concurrent submissions share transactions.
func TestCommitLeaseAsyncCallsBackOnceDurable(t *testing.T) {
	st := newMemStore()
	s := newTestService(t, st, Config{})
	const n = 200
	exp := time.Now().Add(time.Hour)
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Add(1)
		ip := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		s.CommitLeaseAsync(Lease{IP: ip, MAC: MAC{0, 1, 2, 3, byte(i >> 8), byte(i)}, Expires: exp}, func(err error) {
			defer wg.Done()
			st.mu.Lock()
			_, stored := st.leases[ip]
			st.mu.Unlock()
			if err == nil && !stored {
				err = errors.New("called back before the lease was stored")
			}
			s.mu.RLock() // the writer may be applying the next batch
			_, held := s.leases.holder(ip, time.Now())
			s.mu.RUnlock()
			if err == nil && !held {
				err = errors.New("called back before the lease check knew the lease")
			}
			errs <- err
		})
	}
	waitGroup(t, &wg)
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	st.mu.Lock()
	txns := st.leaseTxns
	st.mu.Unlock()
	if txns >= n {
		t.Fatalf("%d transactions for %d leases submitted together: no group commit", txns, n)
	}
}

// TestCommitLeaseAsyncReportsFailure: a lease the store refused is
// reported to done, and a core that is closed answers at once.
func TestCommitLeaseAsyncReportsFailure(t *testing.T) {
	st := newMemStore()
	st.failPuts = errors.New("disk full")
	s := newTestService(t, st, Config{})
	l := Lease{IP: netip.MustParseAddr("10.0.0.9"), MAC: MAC{0, 1, 2, 3, 4, 5}, Expires: time.Now().Add(time.Hour)}
	got := make(chan error, 1)
	s.CommitLeaseAsync(l, func(err error) { got <- err })
	if err := waitErr(t, got); err == nil {
		t.Fatal("done reported success although the store failed")
	}
	if len(s.Leases()) != 0 {
		t.Fatal("a lease that was not durable is used by the lease check")
	}
	s.Close()
	s.CommitLeaseAsync(l, func(err error) { got <- err })
	if err := waitErr(t, got); err == nil {
		t.Fatal("done reported success from a closed core")
	}
}

// TestLeaseWriterCloseFailsQueuedSubmissions: operations still queued when
// the writer stops are answered (a DHCP server waits for every callback
// before it returns).
func TestLeaseWriterCloseFailsQueuedSubmissions(t *testing.T) {
	w := &leaseWriter{ops: make(chan leaseOp, leaseBatchMax), quit: make(chan struct{}), done: make(chan struct{})}
	close(w.done) // no run loop: everything stays queued
	got := make(chan error, 3)
	for range 3 {
		w.submit(leaseOp{del: netip.MustParseAddr("10.0.0.1"), then: func(err error) { got <- err }})
	}
	w.close()
	for range 3 {
		if err := waitErr(t, got); !errors.Is(err, errWriterStopped) {
			t.Fatalf("queued operation answered %v, want %v", err, errWriterStopped)
		}
	}
}

func waitErr(t *testing.T, c <-chan error) error {
	t.Helper()
	select {
	case err := <-c:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("no callback within 10s")
		return nil
	}
}

func waitGroup(t *testing.T, wg *sync.WaitGroup) {
	t.Helper()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("callbacks missing after 20s")
	}
}
