package store_test

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// BenchmarkServingWhileImporting measures the serving paths' latency on
// the real database, idle and while an admin imports 1,000 devices at a
// time back to back: the DHCP path (the reads a DISCOVER makes: is it a
// device, its boot options, does the address hold a device) and the HTTP
// path (a phone fetching its full config at its secret URL). Each reports
// its p99; with no durable write under the core's lock the import should
// not move them much. Run with a fixed count, e.g. -benchtime=3000x.
func BenchmarkServingWhileImporting(b *testing.B) {
	for _, mode := range []string{"idle", "import"} {
		b.Run(mode, func(b *testing.B) {
			svc := benchService(b)
			ctx := context.Background()
			path := benchDevice(b, svc)
			done := make(chan struct{})
			var wg sync.WaitGroup
			if mode == "import" {
				wg.Go(func() { importUntil(b, svc, done) })
			}
			phone := provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
			ip := netip.MustParseAddr("10.9.0.10")
			var dhcpLat, httpLat []time.Duration
			// DHCP runs beside HTTP, as the servers do, so a stall of
			// one is not hidden behind the other.
			wg.Go(func() {
				for {
					select {
					case <-done:
						return
					case <-time.After(200 * time.Microsecond):
					}
					t0 := time.Now()
					svc.IsDevice(phone)
					svc.Boot(provisioning.BootRequest{MAC: phone, VendorClass: []byte("yealink"), Server: netip.MustParseAddr("10.9.0.1")})
					svc.KnownAddress(ip)
					dhcpLat = append(dhcpLat, time.Since(t0))
				}
			})
			for b.Loop() {
				t0 := time.Now()
				if r := svc.Fetch(ctx, provisioning.FetchRequest{Proto: "http", Path: path, RemoteIP: ip, UserAgent: "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"}); !r.Found {
					b.Fatal("full config refused")
				}
				httpLat = append(httpLat, time.Since(t0))
			}
			close(done)
			wg.Wait()
			b.ReportMetric(float64(p99(dhcpLat).Microseconds()), "dhcp-p99-µs")
			b.ReportMetric(float64(p99(httpLat).Microseconds()), "http-p99-µs")
		})
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

// importUntil imports batches of 1,000 new devices until done.
func importUntil(b *testing.B, svc *provisioning.Service, done chan struct{}) {
	for batch := 0; ; batch++ {
		select {
		case <-done:
			return
		default:
		}
		ds := make([]provisioning.Device, 1000)
		for i := range ds {
			n := batch*1000 + i
			ds[i] = provisioning.Device{MAC: provisioning.MAC{0x02, 0, byte(n >> 16), byte(n >> 8), byte(n), 1}, Account: "office",
				Vendor: "yealink", Lines: []provisioning.Line{{Extension: "100", Password: "pw"}}}
		}
		if _, err := svc.ImportDevices(context.Background(), ds); err != nil {
			b.Error(err)
			return
		}
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
