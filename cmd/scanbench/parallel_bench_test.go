package main

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fetchConns is the concurrent keep-alive connections of
// BenchmarkPhoneFetchParallel, all from the genuine phone's address so
// that every check (hashes, UA, lease binding) passes; under
// httpd.DefaultMaxConnsPerSource (32). At 32 some fetches failed with EOF
// or a reset: the server refused a 33rd connection from the address, as
// it must. Two client causes: the provisioning client's idle keep-alive
// connections still open (now closed first), and net/http's Transport
// dialing a spare connection whenever none is idle at that instant (now
// capped by MaxConnsPerHost). A connection the client closes still counts
// until the server reads its FIN, so a replacement dialed at once can
// still meet the limit; hence the margin. cmd/provbench loads with one
// connection per phone, each phone on its own address.
const fetchConns = 16

// BenchmarkPhoneFetchParallel: full-config fetches at the secret URL over
// fetchConns kept-alive connections at once: throughput and p99.
func BenchmarkPhoneFetchParallel(b *testing.B) {
	l := newLab(b)
	if err := l.phone.provision(b.Context()); err != nil {
		b.Fatal(err)
	}
	p := l.phone
	p.http.CloseIdleConnections() // they count against the per-source limit too
	p.http = httpClient(phoneIP, fetchConns)
	var (
		next atomic.Int64
		mu   sync.Mutex
		ds   = make([]time.Duration, 0, b.N)
		errs atomic.Int64
		errv atomic.Value
		wg   sync.WaitGroup
	)
	b.ResetTimer()
	start := time.Now()
	for range fetchConns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mine := make([]time.Duration, 0, b.N/fetchConns+1)
			for next.Add(1) <= int64(b.N) {
				d, err := p.fetch(b.Context())
				if err != nil {
					errv.CompareAndSwap(nil, err.Error())
					errs.Add(1)
					continue
				}
				mine = append(mine, d)
			}
			mu.Lock()
			ds = append(ds, mine...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	if n := errs.Load(); n > 0 {
		b.Fatalf("%d of %d fetches failed; first: %v", n, b.N, errv.Load())
	}
	s := summarise(ds)
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "fetches/s")
	b.ReportMetric(float64(s.P50.Microseconds()), "p50-µs")
	b.ReportMetric(float64(s.P99.Microseconds()), "p99-µs")
}
