package httpd

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/netip"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// End to end: the real core (provisioning.Service over the SQLite store
// and the embedded vendor registry) behind the real server on loopback.

const (
	e2eUA       = "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"
	e2ePassword = "s3cret-Pa55"
	e2eFile     = "805ec0112233.cfg"
)

var e2eMAC = provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}

type e2e struct {
	svc  *provisioning.Service
	addr string
	base string
	// unjudged makes the neighbour table say nothing about the client.
	unjudged atomic.Bool
}

// newE2E listens, builds the Service with BaseURL pointing at the
// listener, adds one account and one Yealink device, and serves.
func newE2E(t *testing.T, bans provisioning.BanConfig) *e2e {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	// No DHCP here, so no lease check; UA and UA-MAC checks are on. The
	// client stands for a phone on the LAN: the neighbour table (fake:
	// loopback has none) shows the device's MAC for it, the positive
	// verdict fail closed needs.
	e := &e2e{addr: ln.Addr().String(), base: base}
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) {
		if e.unjudged.Load() || ip != netip.MustParseAddr("127.0.0.1") {
			return provisioning.MAC{}, false
		}
		return e2eMAC, true
	}
	cfg := provisioning.Config{BaseURL: base, Checks: provisioning.DefaultChecks(false), Bans: bans, Neighbours: neigh}
	svc := provtest.Service(t, "", cfg)
	e.svc = svc
	provtest.AddPhone(t, svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	srvCtx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- newServer(t, Config{}, svc).Serve(srvCtx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return e
}

// get does one raw request and returns status, body and the raw answer.
func (e *e2e) get(t *testing.T, target, ua string) (int, string, []byte) {
	t.Helper()
	raw := rawExchangeUA(t, e.addr, "GET", target, ua)
	resp, body := readResponse(t, bufio.NewReader(bytes.NewReader(raw)), "GET")
	return resp.StatusCode, body, raw
}

var secretURLRe = regexp.MustCompile(`http://127\.0\.0\.1:\d+/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/`)

// provision runs a phone's first boot: bootstrap, redirect, full config.
// It returns the secret path read out of the redirect.
func (e *e2e) provision(t *testing.T) string {
	t.Helper()
	status, body, _ := e.get(t, "/"+e2eFile, e2eUA)
	if status != 200 {
		t.Fatalf("bootstrap: status %d", status)
	}
	if strings.Contains(body, e2ePassword) {
		t.Fatal("the redirect carries the SIP password")
	}
	secret := secretURLRe.FindString(body)
	if secret == "" {
		t.Fatalf("no secret URL in the redirect:\n%s", body)
	}
	d, _ := e.svc.Device(e2eMAC)
	if want := e.svc.View(d).SecretURL; secret != want {
		t.Fatalf("redirect points at %s, want %s", secret, want)
	}
	path := strings.TrimPrefix(secret, e.base)
	status, body, _ = e.get(t, path+e2eFile, e2eUA)
	if status != 200 || !strings.Contains(body, e2ePassword) {
		t.Fatalf("full config: status %d, password present %v", status, strings.Contains(body, e2ePassword))
	}
	if d, _ := e.svc.Device(e2eMAC); d.Open(time.Now()) {
		t.Fatal("device still open after its full config was fetched")
	}
	return path
}

func TestE2EProvisionLockUnlock(t *testing.T) {
	e := newE2E(t, provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1})
	path := e.provision(t)
	if status, _, _ := e.get(t, "/"+e2eFile, e2eUA); status != 404 {
		t.Fatalf("second bootstrap of a locked device: status %d, want 404", status)
	}
	if status, body, _ := e.get(t, path+e2eFile, e2eUA); status != 200 || !strings.Contains(body, e2ePassword) {
		t.Fatalf("re-check at the secret URL: status %d", status)
	}
	if _, err := e.svc.UnlockDevice(t.Context(), e2eMAC, 0); err != nil {
		t.Fatal(err)
	}
	if again := e.provision(t); again != path {
		t.Errorf("secret path changed on unlock: %s then %s", path, again)
	}
}

// TestE2ERefusalsAlike: each way of being refused, through the real core,
// gives byte-identical answers (Date aside), and each has its reason in
// the audit trail.
func TestE2ERefusalsAlike(t *testing.T) {
	e := newE2E(t, provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1})
	d, _ := e.svc.Device(e2eMAC)
	secret := e.svc.View(d).TFTPPath // "/<acct>/<dev>/"
	acct, dev := secret[1:1+provisioning.HashLen], secret[2+provisioning.HashLen:2+2*provisioning.HashLen]
	other := strings.Repeat("Z", provisioning.HashLen)
	cases := []struct {
		name, target, ua, reason string
		unjudged                 bool
	}{
		{"wrong UA", secret + e2eFile, "curl/8.0", "user-agent", false},
		{"no network binding", secret + e2eFile, e2eUA, "unverified", true},
		{"no network binding at bootstrap", "/" + e2eFile, e2eUA, "unverified", true},
		{"UA with another MAC", secret + e2eFile, "Yealink SIP-T46U 108.86.0.20 80:5e:c0:99:88:77", "ua-mac", false},
		{"wrong account hash", "/" + other + "/" + dev + "/" + e2eFile, e2eUA, "bad-hash", false},
		{"wrong device hash", "/" + acct + "/" + other + "/" + e2eFile, e2eUA, "bad-hash", false},
		{"unknown MAC", "/805ec0445566.cfg", "Yealink SIP-T46U 108.86.0.20 80:5e:c0:44:55:66", "unknown-mac", false},
		{"dot-dot", "/../" + e2eFile, e2eUA, "bad-path", false},
		{"escaped dot-dot", "/%2e%2e/%2E%2e/etc/passwd", e2eUA, "bad-path", false},
	}
	var ref string
	for _, c := range cases {
		e.unjudged.Store(c.unjudged)
		status, _, raw := e.get(t, c.target, c.ua)
		e.unjudged.Store(false)
		got := withoutDateValue(raw)
		if status != 404 {
			t.Fatalf("%s: status %d, want 404", c.name, status)
		}
		if ref == "" {
			ref = got
		} else if got != ref {
			t.Errorf("%s answers differently:\n%s\nvs\n%s", c.name, got, ref)
		}
		evs, err := e.svc.Events(t.Context(), provisioning.EventFilter{Limit: 1})
		if err != nil || len(evs) != 1 {
			t.Fatalf("%s: events %v, %v", c.name, evs, err)
		}
		if ev := evs[0]; ev.Outcome != "refused" || !strings.HasPrefix(ev.Reason, c.reason) || ev.Proto != "http" {
			t.Errorf("%s: last event %+v, want refused for %q", c.name, ev, c.reason)
		}
	}
	// None of that locked the device or leaked anything: it provisions.
	e.provision(t)
}

// TestE2EBanGate: once the core bans an address, the server refuses it
// before the core is asked (no audit line), with the same 404, even on
// the valid secret URL.
func TestE2EBanGate(t *testing.T) {
	e := newE2E(t, provisioning.BanConfig{MaxRetry: 3, ScanMACs: -1})
	_, _, ref := e.get(t, "/001565000001.cfg", e2eUA)
	for i := 0; i < 2; i++ {
		e.get(t, "/001565000001.cfg", e2eUA)
	}
	if !e.svc.Banned(netip.MustParseAddr("127.0.0.1")) {
		t.Fatal("three refusals did not ban 127.0.0.1")
	}
	before, _ := e.svc.Events(t.Context(), provisioning.EventFilter{})
	d, _ := e.svc.Device(e2eMAC)
	status, _, raw := e.get(t, e.svc.View(d).TFTPPath+e2eFile, e2eUA)
	if status != 404 || withoutDateValue(raw) != withoutDateValue(ref) {
		t.Fatalf("banned request: status %d, answer differs from a refusal:\n%s", status, raw)
	}
	after, _ := e.svc.Events(t.Context(), provisioning.EventFilter{})
	if len(after) != len(before) {
		t.Errorf("a banned request reached the core: %d events, then %d", len(before), len(after))
	}
	if d, _ := e.svc.Device(e2eMAC); !d.Open(time.Now()) {
		t.Error("a banned request locked the device")
	}
}
