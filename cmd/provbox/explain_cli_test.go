package main

import (
	"strings"
	"testing"

	"github.com/provbox/provbox/httpd/admin"
)

// The admin drives explain through the CLI and the daemon's socket: the
// verdict comes back with its checks, in JSON and as a table, and the
// dry run leaves no audit line and no lock behind.
func TestCLIExplainFetch(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example")
	mustCLI(t, cfg, "device", "add", "80:5e:c0:11:22:33", "--account", "office", "--vendor", "yealink", "--line", "201:pw")
	ua := "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"
	ex := decodeJSON[admin.Explanation](t, mustCLI(t, cfg, "explain", "fetch", "--ip", "127.0.0.1", "--ua", ua, "/805ec0112233.cfg", "--json"))
	if ex.Outcome != "redirect" || ex.Device != "80:5e:c0:11:22:33" || ex.Vendor != "yealink" || ex.Size == 0 {
		t.Fatalf("explain: %+v", ex)
	}
	out := mustCLI(t, cfg, "explain", "fetch", "--ip", "127.0.0.1", "--ua", "curl/8.5.0", "805ec0112233.cfg")
	for _, want := range []string{"✘  user-agent", "not a yealink User-Agent", "verdict: refused (user-agent), a strike of 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("explain output lacks %q:\n%s", want, out)
		}
	}
	for _, e := range decodeJSON[[]admin.Event](t, mustCLI(t, cfg, "events", "--json")) {
		if e.Proto != "admin" {
			t.Errorf("explain left an audit line: %+v", e)
		}
	}
	if d := decodeJSON[admin.DeviceInfo](t, mustCLI(t, cfg, "device", "show", "805ec0112233", "--json")); d.State != "open" {
		t.Errorf("device %s after explain", d.State)
	}
	failCLI(t, cfg, 1, `IP "10.1" is not an address`, "explain", "fetch", "--ip", "10.1", "/x.cfg")
	failCLI(t, cfg, 1, `proto "ftp"`, "explain", "fetch", "--ip", "10.1.1.1", "--proto", "ftp", "/x.cfg")
	failCLI(t, cfg, 2, "--ip is required", "explain", "fetch", "/x.cfg")
	failCLI(t, cfg, 1, "DHCP is not served", "explain", "dhcp", "80:5e:c0:11:22:33")
	failCLI(t, cfg, 1, "DHCP is not served", "rogue", "list")
}
