package dhcp

import (
	"fmt"
	"sort"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// batchCounter records the core's group commits.
type batchCounter struct {
	provisioning.NopObserver
	batches, leases atomic.Int64
}

func (c *batchCounter) LeaseBatch(n int, _ time.Duration) { c.batches.Add(1); c.leases.Add(int64(n)) }

// BenchmarkServeDORAPaced is BenchmarkServeDORA with an open-loop load:
// DORAs start at a fixed rate (as perfdhcp offers them), not as fast as
// the server answers. At a low rate each group commit holds few leases,
// so the fixed cost of a durable commit weighs most per lease there; the
// benchmark reports CPU per lease (server and clients, which only build
// and parse packets), leases per commit, and the exchange's p99.
func BenchmarkServeDORAPaced(b *testing.B) {
	for _, rate := range []int{500, 1000, 2000, 4000} {
		b.Run(fmt.Sprintf("rate=%d", rate), func(b *testing.B) { benchPaced(b, rate) })
	}
}

func benchPaced(b *testing.B, rate int) {
	svc := newService(b, b.TempDir(), provisioning.BootConfig{Host: "127.0.0.5", Classes: testClasses}, time.Now)
	obs := &batchCounter{}
	svc.SetObserver(obs)
	srv := serveBench(b, svc)

	var next atomic.Uint32
	var mu sync.Mutex
	var lat []time.Duration
	work := make(chan time.Time, 4096)
	var wg sync.WaitGroup
	for range 64 {
		wg.Go(func() {
			c, err := loopConn()
			if err != nil {
				b.Error(err)
				return
			}
			defer c.Close()
			for due := range work {
				if err := dora(c, srv, next.Add(1)); err != nil {
					b.Error(err)
					return
				}
				d := time.Since(due)
				mu.Lock()
				lat = append(lat, d)
				mu.Unlock()
			}
		})
	}
	b0, l0 := obs.batches.Load(), obs.leases.Load()
	cpu0 := processCPU(b)
	start := time.Now()
	i := 0
	for b.Loop() {
		// Open loop: the i-th exchange is due at start + i/rate.
		due := start.Add(time.Duration(i) * time.Second / time.Duration(rate))
		if w := time.Until(due); w > 0 {
			time.Sleep(w)
		}
		work <- due
		i++
	}
	close(work)
	wg.Wait()
	b.StopTimer()
	n := len(lat)
	if n == 0 {
		return
	}
	b.ReportMetric(float64((processCPU(b)-cpu0).Microseconds())/float64(n), "cpu-µs/lease")
	if nb := obs.batches.Load() - b0; nb > 0 {
		b.ReportMetric(float64(obs.leases.Load()-l0)/float64(nb), "leases/commit")
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	b.ReportMetric(float64(lat[n*99/100].Microseconds())/1000, "p99-ms")
}
