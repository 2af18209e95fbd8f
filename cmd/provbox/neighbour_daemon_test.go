package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// The neighbour check over TFTP, which carries no User-Agent: a daemon in
// its own namespace, a phone in a second one (its interface has the
// device's MAC and resolves the box by ARP, as phones do), and an
// attacker in a third that knows the device's MAC and file name but
// skips ARP with a hand-set entry for the box. The phone gets its
// redirect; the attacker is refused with reason "neighbour".
func TestDaemonNeighbourCheckOverTFTP(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	for _, tool := range []string{"ip", "tftp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian: iproute2, tftp-hpa)", tool)
		}
	}
	bin := buildBinary(t)
	id := os.Getpid() % 100000
	srv, phone, thief := fmt.Sprintf("pbns%d", id), fmt.Sprintf("pbnp%d", id), fmt.Sprintf("pbnt%d", id)
	mac := provisioning.MAC{0x80, 0x5e, 0xc0, 0x44, 0x55, 0x66}
	link(t, srv, phone, "10.91.1", mac.String())
	link(t, srv, thief, "10.91.2", "02:00:00:00:91:02")
	srvMAC := strings.TrimSpace(nsOut(t, srv, "cat", "/sys/class/net/s-"+thief+"/address"))
	nsRun(t, thief, "ip", "neigh", "replace", "10.91.2.1", "lladdr", srvMAC, "dev", "c-"+thief, "nud", "permanent")

	dir := t.TempDir()
	cfg := newConfig(t, fmt.Sprintf(`state_dir = %q
[server]
advertise = "10.91.1.1"
[tftp]
enabled = true
listen = "0.0.0.0:69"
[http]
listen = "127.0.0.1:80"
[bans]
max_retry = 100
[admin]
socket = %q
`, filepath.Join(dir, "state"), filepath.Join(dir, "admin.sock")))
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	startCommand(t, []string{"ip", "netns", "exec", srv, bin, "serve", "-c", cfg})
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	mustCLI(t, cfg, "device", "add", mac.String(), "--account", "office", "--vendor", "yealink", "--line", "201:nb-Pa55")

	get := func(ns, server string) (string, bool) {
		c := tftpClient{"tftp-hpa", func(name, out string) []string {
			return []string{"tftp", "-m", "binary", server, "69", "-c", "get", name, out}
		}}
		return tftpGet(t, ns, c, mac.Hex()+".cfg")
	}
	if body, ok := get(thief, "10.91.2.1"); ok {
		t.Fatalf("a host that skipped ARP got the redirect:\n%s", body)
	}
	if out := mustCLI(t, cfg, "events", "--mac", mac.String()); !strings.Contains(out, "neighbour") {
		t.Fatalf("the refusal's reason is not in the audit trail:\n%s", out)
	}
	if body, ok := get(phone, "10.91.1.1"); !ok || !strings.Contains(body, "auto_provision.server.url") {
		t.Fatalf("the phone was refused: ok=%v\n%s", ok, body)
	}
}

// link joins namespace a (created if missing; addresses <net>.1) to a new
// namespace b (<net>.2, interface MAC mac) with a veth pair.
func link(t *testing.T, a, b, net, mac string) {
	t.Helper()
	for _, ns := range []string{a, b} {
		if exec.Command("ip", "netns", "pids", ns).Run() != nil {
			nsRun(t, "", "ip", "netns", "add", ns)
			t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
			nsRun(t, ns, "ip", "link", "set", "lo", "up")
		}
	}
	sa, cb := "s-"+b, "c-"+b
	nsRun(t, "", "ip", "link", "add", sa, "netns", a, "type", "veth", "peer", "name", cb, "netns", b)
	nsRun(t, b, "ip", "link", "set", cb, "address", mac)
	nsRun(t, a, "ip", "addr", "add", net+".1/24", "dev", sa)
	nsRun(t, b, "ip", "addr", "add", net+".2/24", "dev", cb)
	nsRun(t, a, "ip", "link", "set", sa, "up")
	nsRun(t, b, "ip", "link", "set", cb, "up")
}

func nsOut(t *testing.T, ns string, argv ...string) string {
	t.Helper()
	out, err := exec.Command("ip", append([]string{"netns", "exec", ns}, argv...)...).Output()
	if err != nil {
		t.Fatalf("%s in %s: %v", strings.Join(argv, " "), ns, err)
	}
	return string(out)
}
