package store_test

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// BenchmarkServingWhileImporting measures the serving paths' latency on
// the real database, idle and while an admin imports 1,000 devices: the
// DHCP path (the reads a DISCOVER makes: is it a device, its boot options,
// does the address hold a device) and the HTTP path (a phone fetching its
// full config at its secret URL). Each iteration is an idle phase then an
// import of 1,000 new devices; the phases alternate in one process, so a
// neighbour's load on a shared machine falls on both alike, and every
// sample counts toward the phase it started in. It reports each path's
// p99 in both phases and their ratio (issue 13: at most 2). Run with a
// fixed count, e.g. -benchtime=20x.
func BenchmarkServingWhileImporting(b *testing.B) {
	svc := benchService(b)
	path := benchDevice(b, svc)
	var importing atomic.Bool
	var lat [2][2][]time.Duration // [dhcp, http][idle, import]
	var mu sync.Mutex
	record := func(path int, phase bool, d time.Duration) {
		i := 0
		if phase {
			i = 1
		}
		mu.Lock()
		lat[path][i] = append(lat[path][i], d)
		mu.Unlock()
	}
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		serveDHCPUntil(svc, done, importing.Load, func(phase bool, d time.Duration) { record(0, phase, d) })
	})
	wg.Go(func() {
		serveHTTPUntil(b, svc, path, done, importing.Load, func(phase bool, d time.Duration) { record(1, phase, d) })
	})
	batch := 0
	for b.Loop() {
		time.Sleep(200 * time.Millisecond)
		importing.Store(true)
		importBatch(b, svc, batch)
		importing.Store(false)
		batch++
	}
	close(done)
	wg.Wait()
	for i, name := range []string{"dhcp", "http"} {
		idle, imp := p99(lat[i][0]), p99(lat[i][1])
		b.ReportMetric(float64(idle.Microseconds()), name+"-idle-p99-µs")
		b.ReportMetric(float64(imp.Microseconds()), name+"-import-p99-µs")
		if idle > 0 {
			b.ReportMetric(float64(imp)/float64(idle), name+"-p99-ratio")
		}
	}
}

// serveDHCPUntil makes the reads a DISCOVER makes every 200 µs until done,
// reporting each one's latency and the phase it started in.
func serveDHCPUntil(svc *provisioning.Service, done chan struct{}, phase func() bool, report func(bool, time.Duration)) {
	phone := provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	ip := netip.MustParseAddr("10.9.0.10")
	for {
		select {
		case <-done:
			return
		case <-time.After(200 * time.Microsecond):
		}
		p, t0 := phase(), time.Now()
		svc.IsDevice(phone)
		svc.Boot(provisioning.BootRequest{MAC: phone, VendorClass: []byte("yealink"), Server: netip.MustParseAddr("10.9.0.1")})
		svc.KnownAddress(ip)
		report(p, time.Since(t0))
	}
}

// serveHTTPUntil fetches the phone's full config back to back until done.
func serveHTTPUntil(b *testing.B, svc *provisioning.Service, path string, done chan struct{}, phase func() bool, report func(bool, time.Duration)) {
	ctx := context.Background()
	ip := netip.MustParseAddr("10.9.0.10")
	for {
		select {
		case <-done:
			return
		default:
		}
		p, t0 := phase(), time.Now()
		if r := svc.Fetch(ctx, provisioning.FetchRequest{Proto: "http", Path: path, RemoteIP: ip, UserAgent: "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"}); !r.Found {
			b.Error("full config refused")
			return
		}
		report(p, time.Since(t0))
	}
}

// benchService runs the core on a real database with the checks a
// provbox running DHCP has.
func benchService(b *testing.B) *provisioning.Service {
	ctx := context.Background()
	st, err := store.OpenTestLocation(ctx, store.NewTestLocation(b))
	if err != nil {
		b.Fatal(err)
	}
	reg, err := profile.New("")
	if err != nil {
		b.Fatal(err)
	}
	cfg := provisioning.Config{BaseURL: "http://10.9.0.1", Checks: provisioning.DefaultChecks(true)}
	svc, err := provisioning.New(ctx, cfg, st, reg, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { svc.Close(); st.Close() })
	return svc
}

// benchDevice adds the phone and its lease and returns its full-config
// path.
func benchDevice(b *testing.B, svc *provisioning.Service) string {
	ctx := context.Background()
	if _, err := svc.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		b.Fatal(err)
	}
	m := provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	d, err := svc.AddDevice(ctx, provisioning.Device{MAC: m, Account: "office", Vendor: "yealink", Model: "T46U",
		Lines: []provisioning.Line{{Extension: "201", Password: "pw"}}})
	if err != nil {
		b.Fatal(err)
	}
	l := provisioning.Lease{IP: netip.MustParseAddr("10.9.0.10"), MAC: m, Expires: time.Now().Add(time.Hour)}
	if err := svc.CommitLease(ctx, l); err != nil {
		b.Fatal(err)
	}
	return svc.View(d).TFTPPath + "805ec0112233.cfg"
}

// importBatch imports 1,000 new devices, the batch-th such import.
func importBatch(b *testing.B, svc *provisioning.Service, batch int) {
	ds := make([]provisioning.Device, 1000)
	for i := range ds {
		n := batch*1000 + i
		ds[i] = provisioning.Device{MAC: provisioning.MAC{0x02, 0, byte(n >> 16), byte(n >> 8), byte(n), 1}, Account: "office",
			Vendor: "yealink", Lines: []provisioning.Line{{Extension: "100", Password: "pw"}}}
	}
	if _, err := svc.ImportDevices(context.Background(), ds); err != nil {
		b.Fatal(err)
	}
}

func p99(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)*99/100]
}

// BenchmarkImportDevices measures what an import of 1,000 devices costs
// the machine (the CPU BenchmarkServingWhileImporting's serving paths
// compete with): validation, secret generation, the store transaction and
// publishing to the core.
func BenchmarkImportDevices(b *testing.B) {
	svc := benchService(b)
	benchDevice(b, svc)
	batch := 0
	b.ReportAllocs()
	cpu0 := store.ProcessCPU(b)
	for b.Loop() {
		importBatch(b, svc, batch)
		batch++
	}
	store.ReportCPUPer(b, cpu0, batch*1000, "device")
}
