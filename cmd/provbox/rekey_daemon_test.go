package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin"
	"github.com/provbox/provbox/provisioning"
)

const (
	rekeyUA1 = "Yealink SIP-T54W 96.86.0.100 80:5e:c0:11:22:33"
	rekeyUA2 = "Yealink SIP-T54W 96.86.0.100 80:5e:c0:11:22:44"
)

// get fetches url as a phone with ua and returns the status and body.
func get(t *testing.T, url, ua string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("User-Agent", ua)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func showDevice(t *testing.T, cfg, mac string) admin.DeviceInfo {
	t.Helper()
	return decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", mac, "--json"))
}

// base is where the daemon's HTTP server listens now.
func (td *testDaemon) base() string { return fmt.Sprintf("http://127.0.0.1:%d", td.d.ports.http) }

// oldDeviceHash is the device hash in d's secret path.
func oldDeviceHash(d admin.DeviceInfo) string {
	return d.TFTPPath[2+provisioning.HashLen : 2+2*provisioning.HashLen]
}

// wantRedirect: the old URL answers the redirect config to the device's
// current secret URL, without credentials.
func wantRedirect(t *testing.T, cfg string, td *testDaemon, oldPath, mac, ua, file string) {
	t.Helper()
	now := showDevice(t, cfg, mac).SecretURL
	status, body := get(t, td.base()+oldPath+file, ua)
	if status != 200 || !strings.Contains(body, now) || strings.Contains(body, "pw-") {
		t.Fatalf("old URL of %s: %d, want a redirect to the current URL without credentials:\n%s", mac, status, body)
	}
}

// TestDaemonRekeyGrace drives the rekey grace as an admin and a phone
// would, through the CLI and real sockets: device rekey, restart, account
// rekey, the phone following its old URL and moving, and a reload that
// ends the grace of the URLs left.
func TestDaemonRekeyGrace(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	td := startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	for _, m := range []string{"805ec0112233", "805ec0112244"} {
		mustCLI(t, cfg, "device", "add", m, "--account", "office", "--vendor", "yealink", "--line", "100:pw-"+m)
	}
	a0, b0 := showDevice(t, cfg, "805ec0112233"), showDevice(t, cfg, "805ec0112244")
	for _, c := range []struct{ url, ua, file string }{{a0.SecretURL, rekeyUA1, "805ec0112233.cfg"}, {b0.SecretURL, rekeyUA2, "805ec0112244.cfg"}} {
		if status, _ := get(t, c.url+c.file, c.ua); status != 200 {
			t.Fatalf("provisioning: %d", status)
		}
	}

	out := mustCLI(t, cfg, "device", "rekey", "805ec0112233")
	if !strings.Contains(out, "old url 1") || !strings.Contains(out, "(device rekey) redirects until") ||
		strings.Contains(out, a0.TFTPPath) {
		t.Fatalf("device rekey output:\n%s", out)
	}
	js := mustCLI(t, cfg, "device", "show", "805ec0112233", "--json")
	a1 := decodeJSON[admin.DeviceInfo](t, js)
	if len(a1.OldURLs) != 1 || !strings.Contains(a1.OldURLs[0].Path, "…") || a1.OldURLs[0].Cause != "device rekey" ||
		strings.Contains(js, oldDeviceHash(a0)) {
		t.Fatalf("device show --json after rekey: %s", js)
	}

	td.stop(t)
	td = startDaemon(t, cfg)
	wantRedirect(t, cfg, td, a0.TFTPPath, "805ec0112233", rekeyUA1, "805ec0112233.cfg")
	mustCLI(t, cfg, "account", "rekey", "office")
	if n := len(showDevice(t, cfg, "805ec0112233").OldURLs); n != 2 {
		t.Fatalf("the phone that has not moved has %d old URLs, want 2", n)
	}
	wantRedirect(t, cfg, td, a0.TFTPPath, "805ec0112233", rekeyUA1, "805ec0112233.cfg")
	wantRedirect(t, cfg, td, b0.TFTPPath, "805ec0112244", rekeyUA2, "805ec0112244.cfg")

	// The phone follows the redirect and fetches its config there: its old
	// URLs die.
	a2 := showDevice(t, cfg, "805ec0112233")
	if status, body := get(t, td.base()+a2.TFTPPath+"805ec0112233.cfg", rekeyUA1); status != 200 || !strings.Contains(body, "pw-805ec0112233") {
		t.Fatalf("new URL: %d", status)
	}
	left := showDevice(t, cfg, "805ec0112233").OldURLs
	if len(left) != 2 {
		t.Fatalf("old URLs after the phone moved: %+v, want both, ending soon", left)
	}
	for _, u := range left {
		if time.Until(u.Until) > 10*time.Minute {
			t.Fatalf("old URL %s ends %v after the phone moved, want within 10 minutes", u.Path, time.Until(u.Until))
		}
	}

	// Lowering rotation_grace to 0 ends the grace of the old URLs left.
	if err := os.WriteFile(cfg, []byte(strings.Replace(loopbackConfig, "[provisioning]\n", "[provisioning]\nrotation_grace = \"0s\"\n", 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	td.d.reload(t.Context(), cfg, noEnv)
	if status, _ := get(t, td.base()+b0.TFTPPath+"805ec0112244.cfg", rekeyUA2); status != 404 {
		t.Fatalf("old URL after its grace: %d, want 404", status)
	}
	if status, _ := get(t, td.base()+a0.TFTPPath+"805ec0112233.cfg", rekeyUA1); status != 404 {
		t.Fatalf("old URL after the grace: %d, want 404", status)
	}
	for _, m := range []string{"805ec0112233", "805ec0112244"} {
		if n := len(showDevice(t, cfg, m).OldURLs); n != 0 {
			t.Fatalf("device show lists %d old URLs of %s after the grace", n, m)
		}
	}
	events := mustCLI(t, cfg, "events", "--mac", "805ec0112233")
	for _, want := range []string{"rekeyed", "rekey-redirect", "account rekey; old URL", "device rekey; old URL"} {
		if !strings.Contains(events, want) {
			t.Errorf("events lack %q:\n%s", want, events)
		}
	}
	if strings.Contains(events, oldDeviceHash(a0)) || strings.Contains(events, a0.TFTPPath[1:1+provisioning.HashLen]) {
		t.Error("the audit trail shows an old hash in full")
	}
}

// TestDaemonRekeyNoGrace: --no-grace ends the old URL at once, and the
// ones still in grace from earlier rekeys; the CLI says what it means
// for provisioned phones.
func TestDaemonRekeyNoGrace(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	td := startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	mustCLI(t, cfg, "device", "add", "805ec0112233", "--account", "office", "--vendor", "yealink", "--line", "100:pw-1")
	a0 := showDevice(t, cfg, "805ec0112233")
	if status, _ := get(t, td.base()+a0.TFTPPath+"805ec0112233.cfg", rekeyUA1); status != 200 {
		t.Fatalf("provisioning: %d", status)
	}
	a1 := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "rekey", "805ec0112233", "--json"))
	if len(a1.OldURLs) != 1 {
		t.Fatalf("after a rekey with grace: %+v", a1.OldURLs)
	}
	a2 := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "rekey", "--no-grace", "805ec0112233", "--json"))
	if len(a2.OldURLs) != 0 {
		t.Fatalf("after a rekey without grace: %+v", a2.OldURLs)
	}
	for _, p := range []string{a0.TFTPPath, a1.TFTPPath} {
		if status, _ := get(t, td.base()+p+"805ec0112233.cfg", rekeyUA1); status != 404 {
			t.Fatalf("old URL after a rekey without grace: %d, want 404", status)
		}
	}
	r := runCLI(t, cfg, "account", "rekey", "office", "--no-grace")
	if r.code != 0 || !strings.Contains(r.stderr, "the old ones are dead") {
		t.Fatalf("account rekey --no-grace: exit %d, stderr %q", r.code, r.stderr)
	}
	if r := runCLI(t, cfg, "account", "rekey", "office"); r.code != 0 || !strings.Contains(r.stderr, "redirected from their old one") {
		t.Fatalf("account rekey: exit %d, stderr %q", r.code, r.stderr)
	}
	if events := mustCLI(t, cfg, "events", "--mac", "805ec0112233"); strings.Count(events, "without grace") != 2 {
		t.Errorf("events lack the two rekeys without grace:\n%s", events)
	}
}
