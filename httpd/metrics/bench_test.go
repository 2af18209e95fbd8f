package metrics_test

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd/metrics"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// BenchmarkFetch measures the core's fetch path for a provisioned phone's
// full config (the checks, the render, the audit line), without and with
// the metrics observing it: the two should differ by a few map lookups
// under a read lock and atomic adds, with no allocation of their own.
func BenchmarkFetch(b *testing.B) {
	for _, on := range []bool{false, true} {
		name := "metrics-off"
		if on {
			name = "metrics-on"
		}
		b.Run(name, func(b *testing.B) {
			svc, req := benchCore(b)
			if on {
				svc.SetObserver(metrics.New("bench", []string{"yealink"}, metrics.Sources{Core: svc}))
			}
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if !svc.Fetch(ctx, req).Found {
					b.Fatal("config not served")
				}
			}
		})
	}
}

// BenchmarkObserve is the metrics' own cost per fetch: one funnel
// increment and one served-file increment, as a served config costs.
func BenchmarkObserve(b *testing.B) {
	m := metrics.New("bench", []string{"yealink"}, metrics.Sources{})
	b.ReportAllocs()
	for b.Loop() {
		m.Served(provisioning.ProtoHTTP, "yealink", "config")
	}
}

func benchCore(b *testing.B) (*provisioning.Service, provisioning.FetchRequest) {
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) { return phoneMAC, true }
	// Flat mode serves the full config without locking, so every
	// iteration takes the same path.
	cfg := provisioning.Config{BaseURL: "http://127.0.0.1", Checks: provisioning.DefaultChecks(false), Neighbours: neigh,
		FlatMode: true, Bans: provisioning.BanConfig{MaxRetry: 1 << 20, ScanMACs: -1}}
	svc := provtest.Service(b, "", cfg)
	v := provtest.AddPhone(b, svc, provtest.Phone{MAC: phoneMAC, Vendor: "yealink", Model: "T46U", Password: password})
	path := strings.TrimPrefix(v.SecretURL, cfg.BaseURL) + phoneFile
	return svc, provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: path,
		RemoteIP: netip.MustParseAddr("127.0.0.1"), UserAgent: phoneUA}
}
