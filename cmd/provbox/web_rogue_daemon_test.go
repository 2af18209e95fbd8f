package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The daemon's web dashboard shows a real foreign DHCP server (dnsmasq)
// on the segment it serves, with the option 66 it hands out: the daemon
// gives the UI the DHCP server's rogue list (the UI does not import the
// DHCP server).
func TestDaemonWebDashboardShowsRogueDHCP(t *testing.T) {
	bin, srv, rogue, dir := rogueSegment(t, "curl")
	pw := filepath.Join(dir, "web-password")
	if err := os.WriteFile(pw, []byte("web-pass\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := newConfig(t, fmt.Sprintf(`state_dir = %q
[server]
advertise = "10.96.0.1"
[http]
listen = "0.0.0.0:80"
[dhcp]
enabled = true
interfaces = [%q]
rogue_probe_interval = "3s"
[[dhcp.subnet]]
cidr = "10.96.0.0/24"
range = "10.96.0.100-10.96.0.110"
[admin]
socket = %q
web_listen = "127.0.0.1:8080"
web_password_file = %q
`, filepath.Join(dir, "state"), srv.Iface, filepath.Join(dir, "admin.sock"), pw))
	startCommand(t, []string{"ip", "netns", "exec", srv.NS, bin, "serve", "-c", cfg})

	// An admin's browser inside the daemon's namespace: log in, then
	// read the dashboard until the probe has found dnsmasq.
	jar := filepath.Join(dir, "cookies")
	curl := func(args ...string) string {
		t.Helper()
		argv := append([]string{"netns", "exec", srv.NS, "curl", "-sS", "--max-time", "5", "-b", jar, "-c", jar}, args...)
		out, err := exec.Command("ip", argv...).CombinedOutput()
		if err != nil {
			t.Fatalf("curl %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	curl("-d", "user=admin", "-d", "password=web-pass", "http://127.0.0.1:8080/login")
	var page string
	// Several probes' worth (one at start, then every 3 s): a loaded
	// machine may miss the first's answer.
	for start := time.Now(); time.Since(start) < 15*time.Second; time.Sleep(200 * time.Millisecond) {
		if page = curl("http://127.0.0.1:8080/"); strings.Contains(page, `id="n-rogues">1<`) {
			break
		}
	}
	for _, want := range []string{`id="n-rogues">1<`, `<td class="mono" data-label="Server">10.96.0.9</td>`, rogue.MAC.String(),
		"(66): http://rogue.example/prov"} {
		if !strings.Contains(page, want) {
			t.Fatalf("the dashboard lacks %s:\n%s", want, page)
		}
	}
}
