package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/cmd/internal/lab"
	"github.com/provbox/provbox/httpd/admin"
)

// The daemon serves DHCP on a segment where a second server (dnsmasq)
// also answers: `provbox rogue list` names it with its option 66 within
// one probe interval, `provbox status` counts it, and `provbox explain
// dhcp` shows what provbox itself would offer a phone there.
func TestDaemonRogueDHCPAndExplainDHCP(t *testing.T) {
	bin, srv, rogue, dir := rogueSegment(t)
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
`, filepath.Join(dir, "state"), srv.Iface, filepath.Join(dir, "admin.sock")))
	startCommand(t, []string{"ip", "netns", "exec", srv.NS, bin, "serve", "-c", cfg})
	start := time.Now()
	var rs []admin.RogueServer
	// The first probe goes out at start, then one every 3 s: a window of
	// several probes, as a loaded machine may miss the first's answer.
	for time.Since(start) < 15*time.Second && len(rs) == 0 {
		time.Sleep(100 * time.Millisecond)
		rs = decodeJSON[[]admin.RogueServer](t, mustCLI(t, cfg, "rogue", "list", "--json"))
	}
	if len(rs) != 1 || rs[0].IP.String() != "10.96.0.9" || rs[0].MAC != rogue.MAC.String() {
		t.Fatalf("rogue list after %s: %+v; want dnsmasq at 10.96.0.9 (%s)", time.Since(start), rs, rogue.MAC)
	}
	if out := mustCLI(t, cfg, "rogue", "list"); !strings.Contains(out, "66=http://rogue.example/prov") {
		t.Fatalf("rogue list does not show the rogue's option 66:\n%s", out)
	}
	if st := decodeJSON[admin.Status](t, mustCLI(t, cfg, "status", "--json")); st.Rogues != 1 {
		t.Fatalf("status: %+v", st)
	}

	ex := decodeJSON[admin.DHCPExplanation](t, mustCLI(t, cfg, "explain", "dhcp", "80:5e:c0:11:22:33", "--opt60", "yealink SIP-T46U", "--json"))
	if ex.Class != "yealink" || ex.Offer != "10.96.0.100" || ex.Subnet != "10.96.0.0/24" {
		t.Fatalf("explain dhcp: %+v", ex)
	}
	found := false
	for _, o := range ex.Options {
		found = found || (o.Code == 66 && strings.HasPrefix(o.Value, "http://10.96.0.1"))
	}
	if !found {
		t.Fatalf("explain dhcp shows no option 66 pointing at provbox: %+v", ex.Options)
	}
	if ls := decodeJSON[[]admin.Lease](t, mustCLI(t, cfg, "lease", "list", "--json")); len(ls) != 0 {
		t.Fatalf("explain dhcp left leases: %+v", ls)
	}
	if out := mustCLI(t, cfg, "explain", "dhcp", "80:5e:c0:11:22:33"); !strings.Contains(out, "verdict: offer 10.96.0.100") {
		t.Fatalf("explain dhcp:\n%s", out)
	}
}

// runDnsmasq runs dnsmasq as a second DHCP server on h until the test
// ends (stopped by its PID).
func runDnsmasq(t *testing.T, h *lab.Host) {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command("ip", "netns", "exec", h.NS, "dnsmasq", "--no-daemon", "--conf-file=/dev/null", "--port=0",
		"--user=root", "--interface="+h.Iface, "--bind-interfaces", "--no-ping",
		"--dhcp-range=10.96.0.200,10.96.0.210,1h", "--dhcp-option=66,http://rogue.example/prov",
		"--dhcp-leasefile="+filepath.Join(dir, "leases"), "--pid-file="+filepath.Join(dir, "pid"))
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	})
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if out, _ := exec.Command("ip", "netns", "exec", h.NS, "ss", "-uln").Output(); strings.Contains(string(out), ":67 ") {
			return
		}
	}
	t.Fatal("dnsmasq did not start listening on port 67")
}

// rogueSegment is a LAN segment for a daemon test: the daemon's host
// (10.96.0.1) beside a real dnsmasq answering DHCP (10.96.0.9), the
// provbox binary, and a directory with an empty state directory. It
// skips without root or without the tools (ip, dnsmasq and extra).
func rogueSegment(t *testing.T, extra ...string) (bin string, srv, rogue *lab.Host, dir string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces, raw sockets)")
	}
	for _, tool := range append([]string{"ip", "dnsmasq"}, extra...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian: iproute2, dnsmasq-base, %s)", tool, tool)
		}
	}
	bin = buildBinary(t)
	n, err := lab.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	srv = host(t, n, "srv", nil, "10.96.0.1/24")
	rogue = host(t, n, "rog", nil, "10.96.0.9/24")
	runDnsmasq(t, rogue)

	dir = t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	return bin, srv, rogue, dir
}
