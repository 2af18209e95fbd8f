package httpd

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestH1RefusalsMatchNetHTTP: with the real provisioning core behind
// both, every kind of refusal (unknown MAC, wrong hashes, wrong or
// foreign User-Agent, traversal, a banned address) is answered by the
// loop with the bytes net/http's server sent for it (Date's value
// aside), and all of them with the same bytes.
func TestH1RefusalsMatchNetHTTP(t *testing.T) {
	neigh := func(ip netip.Addr) (provisioning.MAC, bool) { return e2eMAC, ip == netip.MustParseAddr("127.0.0.1") }
	cfg := provisioning.Config{BaseURL: "http://prov", Checks: provisioning.DefaultChecks(false),
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}, Neighbours: neigh}
	svc := provtest.Service(t, "", cfg)
	provtest.AddPhone(t, svc, provtest.Phone{MAC: e2eMAC, Vendor: "yealink", Model: "T46U", Password: e2ePassword})
	s := newServer(t, Config{}, svc)
	ours, theirs := start(t, s, false).addr, startNetHTTP(t, s)
	d, _ := svc.Device(e2eMAC)
	secret := svc.View(d).TFTPPath
	acct, dev := secret[1:1+provisioning.HashLen], secret[2+provisioning.HashLen:2+2*provisioning.HashLen]
	other := strings.Repeat("Z", provisioning.HashLen)
	cases := []struct{ name, method, target, ua string }{
		{"unknown MAC", "GET", "/805ec0445566.cfg", "Yealink SIP-T46U 108.86.0.20 80:5e:c0:44:55:66"},
		{"wrong account hash", "GET", "/" + other + "/" + dev + "/" + e2eFile, e2eUA},
		{"wrong device hash", "GET", "/" + acct + "/" + other + "/" + e2eFile, e2eUA},
		{"wrong UA", "GET", secret + e2eFile, "curl/8.0"},
		{"UA with another MAC", "GET", secret + e2eFile, "Yealink SIP-T46U 108.86.0.20 80:5e:c0:99:88:77"},
		{"dot-dot", "GET", "/../" + e2eFile, e2eUA},
		{"escaped dot-dot", "GET", "/%2e%2e/%2E%2e/etc/passwd", e2eUA},
		{"HEAD unknown MAC", "HEAD", "/805ec0445566.cfg", e2eUA},
	}
	var ref string
	check := func(name, method, target, ua string) {
		got := withoutDateValue(rawExchangeUA(t, ours, method, target, ua))
		want := withoutDateValue(rawExchangeUA(t, theirs, method, target, ua))
		if got != want {
			t.Errorf("%s: the loop answered\n%s\nnet/http answered\n%s", name, got, want)
		}
		if method == "GET" {
			if ref == "" {
				ref = got
			} else if got != ref {
				t.Errorf("%s answers differently from the other refusals:\n%s\nvs\n%s", name, got, ref)
			}
		}
	}
	for _, c := range cases {
		check(c.name, c.method, c.target, c.ua)
	}
	// Banned: the valid secret URL is refused alike, before the core.
	if _, err := svc.AddBan(t.Context(), netip.MustParseAddr("127.0.0.1"), time.Hour, "test"); err != nil {
		t.Fatal(err)
	}
	if !svc.Banned(netip.MustParseAddr("127.0.0.1")) {
		t.Fatal("could not ban 127.0.0.1")
	}
	check("banned, valid secret URL", "GET", secret+e2eFile, e2eUA)
	if !strings.HasPrefix(ref, "HTTP/1.1 404 Not Found\r\n") {
		t.Errorf("refusal:\n%s", ref)
	}
}
