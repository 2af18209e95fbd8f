package provisioning

import (
	"errors"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCommitLeaseAsyncFailsFastWhenBacklogged: while the store hangs in a
// transaction, submissions queue up to the writer's queue and the next
// one fails at once (its caller is the DHCP server's reading goroutine,
// which must not block); once the store comes back every queued lease is
// stored and called back without error.
func TestCommitLeaseAsyncFailsFastWhenBacklogged(t *testing.T) {
	st := newMemStore()
	hung, resume := make(chan int, 1), make(chan struct{})
	st.beforePut = func(n int) { hung <- n; <-resume }
	s := newTestService(t, st, Config{})
	exp := time.Now().Add(time.Hour)
	lease := func(i int) Lease {
		return Lease{IP: netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)}), MAC: MAC{2, 0, 0, 0, byte(i >> 8), byte(i)}, Expires: exp}
	}
	var wg sync.WaitGroup
	var stored, backlogged, other atomic.Int32
	submit := func(i int) {
		wg.Add(1)
		s.CommitLeaseAsync(lease(i), func(err error) {
			defer wg.Done()
			switch {
			case err == nil:
				stored.Add(1)
			case errors.Is(err, ErrLeaseBacklog):
				backlogged.Add(1)
			default:
				other.Add(1)
				t.Errorf("lease %d: %v", i, err)
			}
		})
	}
	submit(0)
	select {
	case <-hung: // the writer is in the store with lease 0
	case <-time.After(10 * time.Second):
		t.Fatal("the writer never wrote")
	}
	submitted := make(chan struct{})
	go func() {
		defer close(submitted)
		for i := 1; i <= leaseBatchMax+1; i++ {
			submit(i)
		}
	}()
	select {
	case <-submitted:
	case <-time.After(10 * time.Second):
		close(resume)
		t.Fatal("a submission blocked while the store hung")
	}
	if n := backlogged.Load(); n != 1 {
		t.Errorf("%d submissions failed as backlogged, want the one past the queue (%d)", n, leaseBatchMax)
	}
	close(resume)
	waitGroup(t, &wg)
	if stored.Load() != leaseBatchMax+1 || other.Load() != 0 {
		t.Errorf("%d leases stored, %d failed otherwise; want %d stored", stored.Load(), other.Load(), leaseBatchMax+1)
	}
}
