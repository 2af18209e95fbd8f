package phone

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestReadersFollowRekeyRedirect: every vendor's reader, against the real
// core and HTTP server on loopback, provisions, is rekeyed, reads the
// redirect served at its old secret URL and gets its lines at the new one.
func TestReadersFollowRekeyRedirect(t *testing.T) {
	for _, name := range Names() {
		t.Run(name, func(t *testing.T) {
			p, _ := Lookup(name)
			mac := p.MAC(1, 0x10)
			svc, base := rekeyServer(t, mac, p.ProvboxVendor())
			ph := &Phone{Profile: p, MAC: mac, Timeout: 3 * time.Second}
			ctx := t.Context()
			boot, err := p.walk(ctx, ph.client(), mac, Target{Base: base + "/"})
			if err != nil {
				t.Fatal(err)
			}
			first, ok, err := p.dialect.redirect(boot.Settings, mac)
			if err != nil || !ok {
				t.Fatalf("bootstrap redirect: ok=%v %v", ok, err)
			}
			if full, err := p.walk(ctx, ph.client(), mac, first.Target); err != nil || !hasPassword(p.dialect.lines(full.Settings)) {
				t.Fatalf("first full config: %v", err)
			}
			if _, err := svc.RekeyDevice(ctx, provisioning.MAC(mac)); err != nil {
				t.Fatal(err)
			}
			var r Repoll
			if err := ph.pollOld(ctx, first.Target, &r); err != nil {
				t.Fatalf("re-poll of %s: %v\n%+v", redact(first.Target.String()), err, r.Fetches)
			}
			d, _ := svc.Device(provisioning.MAC(mac))
			if now := svc.View(d).SecretURL; !strings.HasPrefix(r.New, now) {
				t.Fatalf("redirected to %s, want under %s", redact(r.New), redact(now))
			}
			if r.Lines[0].Password != "pw-"+p.ProvboxVendor() {
				t.Fatalf("lines at the new URL: %+v", r.Lines)
			}
		})
	}
}

// rekeyServer is the real core (one device of vendor, its lease held by
// 127.0.0.1) behind the real HTTP server on loopback.
func rekeyServer(t *testing.T, mac net.HardwareAddr, vendor string) (*provisioning.Service, string) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	cfg := provisioning.Config{BaseURL: base, Checks: provisioning.DefaultChecks(true), RotationGrace: time.Hour,
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	svc := provtest.Service(t, "", cfg)
	m := provisioning.MAC(mac)
	ctx := t.Context()
	if _, err := svc.AddAccount(ctx, provisioning.Account{Name: "lab", SIPServer: "pbx.lab.example"}); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.AddDevice(ctx, provisioning.Device{MAC: m, Account: "lab", Vendor: vendor,
		Lines: []provisioning.Line{{Extension: "201", Password: "pw-" + vendor}}}); err != nil {
		t.Fatal(err)
	}
	l := provisioning.Lease{IP: netip.MustParseAddr("127.0.0.1"), MAC: m, Expires: time.Now().Add(time.Hour)}
	if err := svc.CommitLease(ctx, l); err != nil {
		t.Fatal(err)
	}
	srv, err := httpd.New(httpd.Config{}, svc, nil)
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	t.Cleanup(func() { cancel(); <-done })
	return svc, base
}
