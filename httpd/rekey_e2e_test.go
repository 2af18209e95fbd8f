package httpd

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

const rekeyGrace = 7 * 24 * time.Hour

// rekeyRig is a provisioned Yealink behind the real server on loopback,
// on a test clock, holding its lease (the positive network check).
type rekeyRig struct {
	svc  *provisioning.Service
	clk  *provtest.Clock
	addr string
	base string
}

func newRekeyRig(t *testing.T) *rekeyRig {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &rekeyRig{clk: provtest.NewClock(time.Now()), addr: ln.Addr().String(), base: "http://" + ln.Addr().String()}
	cfg := provisioning.Config{BaseURL: r.base, Checks: provisioning.DefaultChecks(true), RotationGrace: rekeyGrace,
		Now: r.clk.Now, Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	r.svc = provtest.Service(t, "", cfg)
	provtest.AddPhone(t, r.svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	r.renew(t)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newServer(t, Config{}, r.svc).Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return r
}

// renew is the phone renewing its DHCP lease, as it does all along.
func (r *rekeyRig) renew(t *testing.T) {
	t.Helper()
	l := provisioning.Lease{IP: netip.MustParseAddr("127.0.0.1"), MAC: e2eMAC, Expires: r.clk.Now().Add(12 * time.Hour)}
	if err := r.svc.CommitLease(t.Context(), l); err != nil {
		t.Fatal(err)
	}
}

func (r *rekeyRig) get(t *testing.T, path string) (int, string) {
	t.Helper()
	raw := rawExchangeUA(t, r.addr, "GET", path, e2eUA)
	resp, body := readResponse(t, bufio.NewReader(bytes.NewReader(raw)), "GET")
	return resp.StatusCode, body
}

// follow fetches path, which must answer the redirect config, and
// returns the secret path it points at.
func (r *rekeyRig) follow(t *testing.T, path string) string {
	t.Helper()
	status, body := r.get(t, path)
	secret := secretURLRe.FindString(body)
	if status != 200 || secret == "" || strings.Contains(body, e2ePassword) {
		t.Fatalf("GET %s: status %d, want a redirect config without credentials:\n%s", provisioning.RedactPath(path, true), status, body)
	}
	return strings.TrimPrefix(secret, r.base)
}

func (r *rekeyRig) wantConfig(t *testing.T, path string) {
	t.Helper()
	if status, body := r.get(t, path); status != 200 || !strings.Contains(body, e2ePassword) {
		t.Fatalf("GET %s: status %d, want the full config", provisioning.RedactPath(path, true), status)
	}
}

func (r *rekeyRig) current(t *testing.T) string {
	t.Helper()
	d, err := r.svc.Device(e2eMAC)
	if err != nil {
		t.Fatal(err)
	}
	return r.svc.View(d).TFTPPath
}

// TestE2ERekeyGrace: a provisioned phone whose device, then account, is
// rekeyed follows its old URL's redirect to the new one and is served
// there; an old URL the phone never left dies when the grace ends.
func TestE2ERekeyGrace(t *testing.T) {
	r := newRekeyRig(t)
	p0 := r.follow(t, "/"+e2eFile)
	r.wantConfig(t, p0+e2eFile)

	if _, err := r.svc.RekeyDevice(t.Context(), e2eMAC); err != nil {
		t.Fatal(err)
	}
	p1 := r.follow(t, p0+e2eFile)
	if p1 != r.current(t) {
		t.Fatalf("the old URL redirects to %s, want the new one", provisioning.RedactPath(p1, false))
	}
	r.wantConfig(t, p1+e2eFile)
	// Once the phone has moved, the old URL ends within minutes.
	r.clk.Add(10 * time.Minute)
	if status, _ := r.get(t, p0+e2eFile); status != 404 {
		t.Fatalf("old URL after the phone moved: status %d, want 404", status)
	}

	if _, err := r.svc.RekeyAccount(t.Context(), provtest.Account); err != nil {
		t.Fatal(err)
	}
	if p2 := r.follow(t, p1+e2eFile); p2 != r.current(t) {
		t.Fatal("after the account rekey the old URL does not redirect to the new one")
	}
	r.clk.Add(rekeyGrace)
	r.renew(t)
	if status, _ := r.get(t, p1+e2eFile); status != 404 {
		t.Fatalf("old URL after the grace: status %d, want 404", status)
	}
	r.wantConfig(t, r.current(t)+e2eFile)

	es, err := r.svc.Events(t.Context(), provisioning.EventFilter{MAC: e2eMAC})
	if err != nil {
		t.Fatal(err)
	}
	var outcomes []string
	for _, e := range es {
		outcomes = append(outcomes, e.Outcome)
	}
	if got := strings.Join(outcomes, " "); !strings.Contains(got, "rekey-redirect rekeyed") || strings.Count(got, "rekey-redirect") != 2 {
		t.Errorf("audit outcomes, newest first: %s; want each rekey and its redirect", got)
	}
}
