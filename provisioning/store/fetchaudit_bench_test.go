package store_test

import (
	"context"
	"fmt"
	"net/netip"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/store"
)

// BenchmarkFetchAudited is the core's answer to phones polling their full
// config at the secret URL on this store: every check that needs no
// network on (User-Agent, MAC in it, lease), and the audit trail written
// to the database by the event writer, whose cost the in-memory store of
// provisioning's BenchmarkFetch leaves out. lines/fetch is the audit rows
// written per answer (repeats fold into one line per batch).
func BenchmarkFetchAudited(b *testing.B) {
	ctx := context.Background()
	st, err := store.OpenTestLocation(ctx, store.NewTestLocation(b))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	reg, err := profile.New("")
	if err != nil {
		b.Fatal(err)
	}
	cfg := provisioning.Config{BaseURL: "http://192.0.2.1", Checks: provisioning.Checks{UserAgent: true, UAMAC: true, Lease: true}}
	svc, err := provisioning.New(ctx, cfg, st, reg, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer svc.Close()
	reqs := seedPhones(b, svc, 50)
	before := auditLines(b, svc)
	var next atomic.Uint32
	b.SetParallelism(8)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if r := svc.Fetch(ctx, reqs[int(next.Add(1))%len(reqs)]); !r.Found {
				b.Error("a phone's config was refused")
				return
			}
		}
	})
	lines := auditLines(b, svc) - before // flushes the queue, inside the timing
	b.StopTimer()
	b.ReportMetric(float64(lines)/float64(b.N), "lines/fetch")
}

// seedPhones adds n Yealink phones with their leases and returns each
// one's request for its full config at its secret URL.
func seedPhones(b *testing.B, svc *provisioning.Service, n int) []provisioning.FetchRequest {
	ctx := context.Background()
	if _, err := svc.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "sip.example.net"}); err != nil {
		b.Fatal(err)
	}
	var reqs []provisioning.FetchRequest
	for i := range n {
		m := provisioning.MAC{0x80, 0x5e, 0xc0, 0, byte(i >> 8), byte(i)}
		ip := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(10 + i)})
		d, err := svc.AddDevice(ctx, provisioning.Device{MAC: m, Account: "office", Vendor: "yealink", Model: "T46S",
			Lines: []provisioning.Line{{Extension: fmt.Sprint(200 + i), Password: "s3cret-Pa55"}}})
		if err != nil {
			b.Fatal(err)
		}
		if err := svc.CommitLease(ctx, provisioning.Lease{IP: ip, MAC: m, Expires: time.Now().Add(12 * time.Hour)}); err != nil {
			b.Fatal(err)
		}
		reqs = append(reqs, provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, RemoteIP: ip,
			Path:      svc.View(d).TFTPPath + m.Hex() + ".cfg",
			UserAgent: "Yealink SIP-T46S 66.86.0.15 " + m.String()})
	}
	return reqs
}

// auditLines is the number of lines in the audit trail, queue flushed.
func auditLines(b *testing.B, svc *provisioning.Service) int {
	es, err := svc.Events(context.Background(), provisioning.EventFilter{Limit: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	return len(es)
}
