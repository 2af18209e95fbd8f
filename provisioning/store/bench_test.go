package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// BenchmarkPutLeases measures durable lease commits: one transaction (one
// fsync) per call, batch leases per call. Addresses cycle through 64k, so
// the steady state is a mix of inserts and replacements.
func BenchmarkPutLeases(b *testing.B) {
	for _, batch := range []int{1, 16, 32, 128} { // 32: the DHCP writer's fill target (commitFill)
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := openTest(b)
			ctx := context.Background()
			ls := make([]provisioning.Lease, batch)
			n := 0
			b.ResetTimer()
			cpu0 := ProcessCPU(b)
			for b.Loop() {
				for j := range ls {
					ls[j] = provisioning.Lease{IP: ipN(n % 65536), MAC: macN(n), Expires: t0, Hostname: "SIP-T54W"}
					n++
				}
				if err := s.PutLeases(ctx, ls); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "leases/s")
			ReportCPUPer(b, cpu0, n, "lease")
		})
	}
}

// BenchmarkAddEvents measures the audit writer's batches.
func BenchmarkAddEvents(b *testing.B) {
	s := openTest(b)
	ctx := context.Background()
	es := make([]provisioning.Event, 256)
	n := 0
	for b.Loop() {
		for j := range es {
			es[j] = provisioning.Event{Time: t0.Add(time.Duration(n)), Proto: "http", MAC: macN(n % 100),
				UA: "Yealink SIP-T54W 96.86.0.100", File: "y000000000000.cfg", Outcome: "redirect"}
			n++
		}
		if err := s.AddEvents(ctx, es); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkReadWhileWriting measures reads (one device's audit trail)
// while a writer commits single leases back to back. "pool=separate" is
// the Store's design; "pool=writer" sends the reads through the writer's
// single connection, as a one-connection store would, for comparison.
func BenchmarkReadWhileWriting(b *testing.B) {
	for _, mode := range []string{"separate", "writer"} {
		b.Run("pool="+mode, func(b *testing.B) {
			s := openTest(b)
			ctx := context.Background()
			seedEvents(b, s)
			if mode == "writer" {
				r := s.r
				s.r = s.w
				b.Cleanup(func() { s.r = r })
			}
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Go(func() { writeLeasesUntil(b, s, stop) })
			b.ResetTimer()
			for b.Loop() {
				if _, err := s.Events(ctx, provisioning.EventFilter{MAC: macN(7), Limit: 50}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			close(stop)
			wg.Wait()
		})
	}
}

func seedEvents(b *testing.B, s *Store) {
	es := make([]provisioning.Event, 10000)
	for i := range es {
		es[i] = provisioning.Event{Time: t0.Add(time.Duration(i) * time.Second), Proto: "http", MAC: macN(i % 100)}
	}
	if err := s.AddEvents(context.Background(), es); err != nil {
		b.Fatal(err)
	}
}

func writeLeasesUntil(b *testing.B, s *Store, stop chan struct{}) {
	for n := 0; ; n++ {
		select {
		case <-stop:
			return
		default:
		}
		l := provisioning.Lease{IP: ipN(n % 1000), MAC: macN(n), Expires: t0}
		if err := s.PutLeases(context.Background(), []provisioning.Lease{l}); err != nil {
			b.Error(err)
			return
		}
	}
}
