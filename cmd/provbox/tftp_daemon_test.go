package main

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/store"
)

// The secure flow over TFTP, as an admin and a TFTP-only phone would see
// it: a running daemon with its DHCP server on (so the lease check is on),
// the CLI, and the tftp-hpa and atftp clients. Everything runs in a
// network namespace of its own with only loopback in it; the phone's
// lease (127.0.0.1) is one the test writes into the state database.
func TestDaemonTFTPFlowWithRealClients(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespace, ports 67 and 69)")
	}
	for _, tool := range []string{"ip", "tftp", "atftp"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian: iproute2, tftp-hpa, atftp)", tool)
		}
	}
	bin := buildBinary(t)
	ns := fmt.Sprintf("pbtftp%d", os.Getpid()%100000)
	nsRun(t, "", "ip", "netns", "add", ns)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	nsRun(t, ns, "ip", "link", "set", "lo", "up")

	dir := t.TempDir()
	mac := provisioning.MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	seedLease(t, filepath.Join(dir, "state"), mac)
	cfg := newConfig(t, fmt.Sprintf(`state_dir = %q
[server]
advertise = "127.0.0.1"
[dhcp]
enabled = true
interfaces = ["lo"]
bootstrap = "tftp"
[[dhcp.subnet]]
cidr = "127.0.0.0/8"
range = "127.0.0.100-127.0.0.200"
[tftp]
enabled = true
listen = "127.0.0.1:69"
[http]
listen = "127.0.0.1:80"
[admin]
socket = %q
`, filepath.Join(dir, "state"), filepath.Join(dir, "admin.sock")))
	startCommand(t, []string{"ip", "netns", "exec", ns, bin, "serve", "-c", cfg})
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	mustCLI(t, cfg, "device", "add", mac.String(), "--account", "office", "--vendor", "yealink", "--line", "201:tftp-Pa55")

	for _, client := range []tftpClient{tftpHPA, atftp} {
		t.Run(client.name, func(t *testing.T) { tftpJourney(t, ns, cfg, mac, client) })
	}
}

type tftpClient struct {
	name string
	argv func(name, out string) []string
}

var (
	tftpHPA = tftpClient{"tftp-hpa", func(name, out string) []string {
		return []string{"tftp", "-m", "binary", "127.0.0.1", "69", "-c", "get", name, out}
	}}
	atftp = tftpClient{"atftp", func(name, out string) []string {
		return []string{"atftp", "--option", "blksize 1428", "-g", "-r", name, "-l", out, "127.0.0.1", "69"}
	}}
)

var secretPathRe = regexp.MustCompile(`/[A-Za-z0-9_-]{24}/[A-Za-z0-9_-]{24}/`)

// tftpJourney: bootstrap → redirect → full config → locked → refused →
// unlock → bootstrap again.
func tftpJourney(t *testing.T, ns, cfg string, mac provisioning.MAC, c tftpClient) {
	file := mac.Hex() + ".cfg"
	redirect, ok := tftpGet(t, ns, c, file)
	if !ok || strings.Contains(redirect, "tftp-Pa55") {
		t.Fatalf("bootstrap: ok=%v, redirect %q (must exist and hold no password)", ok, redirect)
	}
	secret := secretPathRe.FindString(redirect)
	if secret == "" {
		t.Fatalf("no secret path in the redirect:\n%s", redirect)
	}
	full, ok := tftpGet(t, ns, c, secret+file)
	if !ok || !strings.Contains(full, "tftp-Pa55") {
		t.Fatalf("full config over TFTP: ok=%v, password present=%v", ok, strings.Contains(full, "tftp-Pa55"))
	}
	if out := mustCLI(t, cfg, "device", "show", mac.String(), "--json"); !strings.Contains(out, `"state": "locked"`) {
		t.Fatalf("device not locked after its full config:\n%s", out)
	}
	if _, ok := tftpGet(t, ns, c, file); ok {
		t.Fatal("bootstrap answered for a locked device")
	}
	if out := mustCLI(t, cfg, "events", "--mac", mac.String()); !strings.Contains(out, "locked") {
		t.Fatalf("the refusal's reason is not in the audit trail:\n%s", out)
	}
	mustCLI(t, cfg, "device", "unlock", mac.String())
	if _, ok := tftpGet(t, ns, c, file); !ok {
		t.Fatal("bootstrap refused after unlock")
	}
}

// tftpGet fetches name with the client inside ns; ok is false when the
// server refused (the client failed or wrote nothing).
func tftpGet(t *testing.T, ns string, c tftpClient, name string) (string, bool) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "got")
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	argv := append([]string{"netns", "exec", ns}, c.argv(name, out)...)
	msg, err := exec.CommandContext(ctx, "ip", argv...).CombinedOutput()
	body, rerr := os.ReadFile(out)
	if err != nil || rerr != nil || len(body) == 0 || strings.Contains(string(msg), "not found") {
		return string(msg), false
	}
	return string(body), true
}

func nsRun(t *testing.T, ns string, argv ...string) {
	t.Helper()
	if ns != "" {
		argv = append([]string{"ip", "netns", "exec", ns}, argv...)
	}
	if out, err := exec.Command(argv[0], argv[1:]...).CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
}

// seedLease writes a lease of 127.0.0.1 to mac into a fresh state
// database, as the DHCP server would have.
func seedLease(t *testing.T, dir string, mac provisioning.MAC) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(t.Context(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	l := provisioning.Lease{IP: netip.MustParseAddr("127.0.0.1"), MAC: mac, Expires: time.Now().Add(time.Hour)}
	if err := st.PutLeases(t.Context(), []provisioning.Lease{l}); err != nil {
		t.Fatal(err)
	}
}
