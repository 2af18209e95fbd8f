package metrics_test

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd"
	"github.com/provbox/provbox/httpd/metrics"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

const (
	phoneUA   = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"
	phoneFile = "805ec0112233.cfg"
	password  = "s3cret-Pa55"
)

var phoneMAC = provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}

// lab is a real core behind the real phone-facing HTTP server, observed
// by a Metrics served on its own loopback listener.
type lab struct {
	svc     *provisioning.Service
	addr    string // the phone-facing server
	base    string
	metrics string // the scrape URL
}

func newLab(t *testing.T, pools func() []metrics.Pool) *lab {
	return newLabCore(t, pools, func(svc *provisioning.Service) metrics.Core { return svc })
}

// newLabCore is newLab with the gauges reading core(svc).
func newLabCore(t *testing.T, pools func() []metrics.Pool, core func(*provisioning.Service) metrics.Core) *lab {
	t.Helper()
	ln := listenLoopback(t)
	l := &lab{addr: ln.Addr().String(), base: "http://" + ln.Addr().String()}
	// Loopback has no neighbour table: the fake one vouches for the
	// phone at 127.0.0.1, as the kernel's would on the LAN.
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) {
		return phoneMAC, ip == netip.MustParseAddr("127.0.0.1")
	}
	cfg := provisioning.Config{BaseURL: l.base, Checks: provisioning.DefaultChecks(false), Neighbours: neigh,
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	l.svc = provtest.Service(t, "", cfg)
	provtest.AddPhone(t, l.svc, provtest.Phone{MAC: phoneMAC, Vendor: "yealink", Model: "T46U", Password: password})
	var vendors []string
	for _, p := range l.svc.Registry().Profiles() {
		vendors = append(vendors, p.Name)
	}
	m := metrics.New("test", vendors, metrics.Sources{Core: core(l.svc), Pools: pools, TFTPInFlight: func() int { return 0 }})
	l.svc.SetObserver(m)
	srv, err := httpd.New(httpd.Config{}, l.svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv.SetObserver(m)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("httpd Serve: %v", err)
		}
	})
	l.metrics = serveMetrics(t, m)
	// What the DHCP server would report for the phone's DISCOVER.
	m.Received("DISCOVER")
	m.BootOffered("yealink")
	m.Replied("OFFER")
	m.Received("REQUEST")
	m.Replied("NAK")
	return l
}

// provision runs the phone's first boot: bootstrap, redirect, config.
func (l *lab) provision(t *testing.T) {
	t.Helper()
	status, body := rawGet(t, l.addr, "/"+phoneFile, phoneUA)
	secret := strings.TrimPrefix(secretURL.FindString(body), l.base)
	if status != 200 || secret == "" {
		t.Fatalf("bootstrap: status %d, no secret URL", status)
	}
	if status, body = rawGet(t, l.addr, secret+phoneFile, phoneUA); status != 200 || !strings.Contains(body, password) {
		t.Fatalf("full config at %s: status %d", provisioning.RedactPath(secret, true), status)
	}
}

// TestScrapeAfterProvisioning drives a phone and an attacker through the
// real HTTP server, scrapes the metrics listener and checks every count
// against what happened, and that no label names a MAC, address or hash.
func TestScrapeAfterProvisioning(t *testing.T) {
	pools := func() []metrics.Pool {
		return []metrics.Pool{{Subnet: "192.0.2.0/24", Size: 100, Bound: 3, Offered: 1}}
	}
	l := newLab(t, pools)
	l.provision(t)
	// Once locked, the bootstrap is refused; a scanner guesses a MAC and
	// a path outside the tree.
	if s, _ := rawGet(t, l.addr, "/"+phoneFile, phoneUA); s != 404 {
		t.Fatalf("bootstrap after lock: status %d, want 404", s)
	}
	if s, _ := rawGet(t, l.addr, "/001565aabbcc.cfg", "curl/8"); s != 404 {
		t.Fatalf("guessed MAC: status %d", s)
	}
	_, fams := scrape(t, l.metrics)
	checkLabels(t, fams)

	want := []struct {
		name   string
		labels map[string]string
		v      float64
	}{
		{"provbox_funnel_total", map[string]string{"vendor": "yealink", "stage": "dhcp_offer"}, 1},
		{"provbox_funnel_total", map[string]string{"vendor": "yealink", "stage": "bootstrap"}, 2},
		{"provbox_funnel_total", map[string]string{"vendor": "yealink", "stage": "redirect"}, 1},
		{"provbox_funnel_total", map[string]string{"vendor": "yealink", "stage": "config"}, 1},
		{"provbox_funnel_total", map[string]string{"vendor": "yealink", "stage": "locked"}, 1},
		{"provbox_funnel_total", map[string]string{"vendor": "snom", "stage": "config"}, 0},
		{"provbox_files_served_total", map[string]string{"proto": "http", "vendor": "yealink", "outcome": "redirect"}, 1},
		{"provbox_refusals_total", map[string]string{"proto": "http", "reason": "locked"}, 1},
		{"provbox_refusals_total", map[string]string{"proto": "http", "reason": "unknown-mac"}, 1},
		{"provbox_strikes_total", map[string]string{"reason": "locked"}, 1},
		{"provbox_devices", map[string]string{"state": "locked"}, 1},
		{"provbox_devices", map[string]string{"state": "open"}, 0},
		{"provbox_bans_active", nil, 0},
		{"provbox_dhcp_packets_total", map[string]string{"direction": "received", "type": "DISCOVER"}, 1},
		{"provbox_dhcp_packets_total", map[string]string{"direction": "sent", "type": "NAK"}, 1},
		{"provbox_dhcp_naks_total", nil, 1},
		{"provbox_dhcp_shed_total", nil, 0},
		{"provbox_dhcp_pool_addresses", map[string]string{"subnet": "192.0.2.0/24"}, 100},
		{"provbox_dhcp_pool_leases", map[string]string{"subnet": "192.0.2.0/24", "state": "bound"}, 3},
		{"provbox_http_request_duration_seconds", map[string]string{"outcome": "ok"}, 2},
		{"provbox_http_request_duration_seconds", map[string]string{"outcome": "not-found"}, 2},
		{"provbox_tftp_transfers_in_flight", nil, 0},
		{"provbox_build_info", map[string]string{"version": "test"}, 1},
	}
	for _, w := range want {
		if got := value(fams, w.name, w.labels); got != w.v {
			t.Errorf("%s%v = %v, want %v", w.name, w.labels, got, w.v)
		}
	}
	for _, name := range []string{"process_cpu_seconds_total", "go_goroutines"} {
		if fams[name] == nil {
			t.Errorf("%s missing: the process and Go collectors are not registered", name)
		}
	}
}

// TestPromtoolChecksExposition lints a scrape with promtool.
func TestPromtoolChecksExposition(t *testing.T) {
	l := newLab(t, nil)
	l.provision(t)
	body, _ := scrape(t, l.metrics)
	promtool(t, body)
}

// TestLabelCheckCatches makes sure the label check fails on what it
// must catch, so a green TestScrapeAfterProvisioning means something.
func TestLabelCheckCatches(t *testing.T) {
	for _, v := range []string{"80:5e:c0:11:22:33", "805ec0112233", "192.0.2.7", "fe80::1:2", "2001:db8::7",
		"Xy3_kq9LmN0pQrStUvWx12Ab"} {
		hit := looksLikeHash(v)
		for _, re := range forbidden {
			hit = hit || re.MatchString(v)
		}
		if !hit {
			t.Errorf("%q passes the label check", v)
		}
	}
	for _, v := range []string{"yealink", "too-many-transfers", "transfer-timeout", "unknown-mac", "go1.26.8", "DISCOVER"} {
		hit := looksLikeHash(v)
		for _, re := range forbidden {
			hit = hit || re.MatchString(v)
		}
		if hit {
			t.Errorf("%q wrongly caught by the label check", v)
		}
	}
}

var secretURL = regexp.MustCompile(`http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/`)
