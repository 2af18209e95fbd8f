package store_test

import (
	"context"
	"net/netip"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// startService runs the real core on the store at dir (a directory on
// SQLite, a DSN on PostgreSQL: see store.NewTestLocation).
func startService(t testing.TB, dir string) (*provisioning.Service, func()) {
	t.Helper()
	ctx := context.Background()
	st, err := store.OpenTestLocation(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := profile.New("")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := provisioning.New(ctx, provisioning.Config{}, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	return svc, func() {
		svc.Close()
		if err := st.Close(); err != nil {
			t.Error(err)
		}
	}
}

// TestServiceStateSurvivesRestart drives the core's writers (including
// the lease group commit) against the real database, then restarts.
func TestServiceStateSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	dir := store.NewTestLocation(t)
	svc, stop := startService(t, dir)
	if _, err := svc.AddAccount(ctx, provisioning.Account{Name: "acme", SIPServer: "pbx.example.com"}); err != nil {
		t.Fatal(err)
	}
	acme, err := svc.RekeyAccount(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	const n = 200
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := g; i < n; i += 8 {
				l := provisioning.Lease{IP: netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)}),
					MAC: provisioning.MAC{2, 0, 0, 0, byte(i >> 8), byte(i)}, Expires: time.Now().Add(time.Hour)}
				if err := svc.CommitLease(ctx, l); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	stop()

	svc, stop = startService(t, dir)
	defer stop()
	as := svc.Accounts()
	if len(as) != 1 || as[0].Hash != acme.Hash || as[0].SIPServer != "pbx.example.com" {
		t.Errorf("after restart: accounts %v, want acme with its rekeyed hash", as)
	}
	if got := len(svc.Leases()); got != n {
		t.Errorf("after restart: %d leases, want %d", got, n)
	}
}

// BenchmarkServiceCommitLease measures the DHCP server's real path: many
// concurrent CommitLease calls, batched by the core's group commit into
// PutLeases transactions on this store.
func BenchmarkServiceCommitLease(b *testing.B) {
	svc, stop := startService(b, store.NewTestLocation(b))
	defer stop()
	var next atomic.Uint32
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		ctx := context.Background()
		for pb.Next() {
			i := next.Add(1)
			l := provisioning.Lease{IP: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
				MAC: provisioning.MAC{2, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)}, Expires: time.Now()}
			if err := svc.CommitLease(ctx, l); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "leases/s")
}

// BenchmarkServiceCommitLeaseAsync is BenchmarkServiceCommitLease on the
// path the DHCP server takes for an ACK: CommitLeaseAsync with up to 512
// leases in flight (the server's admission slots), no goroutine per lease.
func BenchmarkServiceCommitLeaseAsync(b *testing.B) {
	svc, stop := startService(b, store.NewTestLocation(b))
	defer stop()
	slots := make(chan struct{}, 512)
	var wg sync.WaitGroup
	var failed atomic.Int64
	cpu0 := store.ProcessCPU(b)
	i := uint32(0)
	for b.Loop() {
		i++
		slots <- struct{}{}
		wg.Add(1)
		l := provisioning.Lease{IP: netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)}),
			MAC: provisioning.MAC{2, 0, 0, byte(i >> 16), byte(i >> 8), byte(i)}, Expires: time.Now()}
		svc.CommitLeaseAsync(l, func(err error) {
			if err != nil {
				failed.Add(1)
			}
			<-slots
			wg.Done()
		})
	}
	wg.Wait()
	if n := failed.Load(); n > 0 {
		b.Fatalf("%d commits failed", n)
	}
	b.ReportMetric(float64(i)/b.Elapsed().Seconds(), "leases/s")
	store.ReportCPUPer(b, cpu0, int(i), "lease")
}
