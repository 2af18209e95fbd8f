package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Fail closed on a LAN of namespaces, DHCP off (the shipped default): a
// daemon, the phone (its interface has the device's MAC) and a thief that
// knows the MAC and vendor. Over IPv6, link-local and global, HTTP and
// TFTP, the thief is refused (its NDP entry carries its own MAC) and the
// phone is served. Requesters no check can judge (routed through the
// thief, loopback) are refused until their network is listed in
// unverified_networks. In flat-folder mode the locked device's config
// goes to the phone only.
//
// TFTP over link-local: pin/tftp binds each transfer's socket to the
// request's destination address without its zone, which fails for
// fe80::, so with a port per transfer (the default) such a request gets
// no answer at all; single_port answers it from the listening socket.
func TestDaemonIPv6FailClosed(t *testing.T) {
	for _, single := range []bool{false, true} {
		t.Run(fmt.Sprintf("single_port=%v", single), func(t *testing.T) { testIPv6FailClosed(t, single) })
	}
}

func testIPv6FailClosed(t *testing.T, singlePort bool) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	for _, tool := range []string{"ip", "tftp", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian: iproute2, tftp-hpa, curl)", tool)
		}
	}
	bin := buildBinary(t)
	id := os.Getpid() % 100000
	srv, phone, thief := fmt.Sprintf("pb6s%d", id), fmt.Sprintf("pb6p%d", id), fmt.Sprintf("pb6t%d", id)
	mac := provisioning.MAC{0x80, 0x5e, 0xc0, 0x66, 0x77, 0x88}
	link(t, srv, phone, "10.93.1", mac.String())
	link(t, srv, thief, "10.93.2", "02:00:00:00:93:02")
	for _, c := range [][]string{
		{srv, "ip", "-6", "addr", "add", "2001:db8:93:1::1/64", "dev", "s-" + phone, "nodad"},
		{phone, "ip", "-6", "addr", "add", "2001:db8:93:1::2/64", "dev", "c-" + phone, "nodad"},
		{srv, "ip", "-6", "addr", "add", "2001:db8:93:2::1/64", "dev", "s-" + thief, "nodad"},
		{thief, "ip", "-6", "addr", "add", "2001:db8:93:2::2/64", "dev", "c-" + thief, "nodad"},
		// The thief also routes two networks of its own to the box.
		{thief, "ip", "addr", "add", "10.94.0.2/32", "dev", "lo"},
		{thief, "ip", "-6", "addr", "add", "2001:db8:94::2/128", "dev", "lo"},
		// ARP from the thief's link address only: an ARP request sent
		// from 10.94.0.2 would give the box a (negative) entry for it.
		{thief, "sh", "-c", "echo 2 > /proc/sys/net/ipv4/conf/all/arp_announce"},
		{srv, "ip", "route", "add", "10.94.0.0/24", "via", "10.93.2.2"},
		{srv, "ip", "-6", "route", "add", "2001:db8:94::/64", "via", "2001:db8:93:2::2"},
		{thief, "ip", "-6", "route", "add", "default", "via", "2001:db8:93:2::1"},
	} {
		nsRun(t, c[0], c[1:]...)
	}
	srvLLPhone, srvLLThief := linkLocal(t, srv, "s-"+phone), linkLocal(t, srv, "s-"+thief)
	linkLocal(t, phone, "c-"+phone)
	linkLocal(t, thief, "c-"+thief)

	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	config := func(extra string) string {
		return fmt.Sprintf(`state_dir = %q
[server]
advertise = "10.93.1.1"
[tftp]
enabled = true
listen = ":69"
single_port = %t
[http]
listen = ":80"
[provisioning]
%s
[bans]
max_retry = 100
[admin]
socket = %q
`, filepath.Join(dir, "state"), singlePort, extra, filepath.Join(dir, "admin.sock"))
	}
	cfg := newConfig(t, config(""))
	p := startCommand(t, []string{"ip", "netns", "exec", srv, bin, "serve", "-c", cfg})
	reload := func(extra string) {
		t.Helper()
		writeFile(t, cfg, config(extra))
		p.cmd.Process.Signal(syscall.SIGHUP)
		p.waitFor(t, "RELOADING=1")
		p.waitFor(t, "READY=1")
	}
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	mustCLI(t, cfg, "device", "add", mac.String(), "--account", "office", "--vendor", "yealink", "--line", "201:v6-Pa55")
	ua := "Yealink SIP-T46U 108.86.0.20 " + mac.String()
	file := mac.Hex() + ".cfg"
	seen := 1 // audit lines already judged: the admin's device-added
	lastReason := func() string {
		es := decodeJSON[[]provisioning.Event](t, mustCLI(t, cfg, "events", "--mac", mac.String(), "--json"))
		n := len(es) - seen
		seen = len(es)
		if n != 1 {
			return fmt.Sprintf("%d new audit lines", n)
		}
		return es[0].Outcome + " " + es[0].Reason
	}
	refused := func(what, reason string, status int, body string) {
		t.Helper()
		if status == 200 || strings.Contains(body, "auto_provision") {
			t.Fatalf("%s: served (status %d):\n%s", what, status, body)
		}
		if got := lastReason(); got != "refused "+reason {
			t.Fatalf("%s: status %d, audit %q, want refused %s", what, status, got, reason)
		}
	}
	served := func(what, want string, status int, body string) {
		t.Helper()
		if got := lastReason(); status != 200 || !strings.Contains(body, want) || strings.HasPrefix(got, "refused") {
			t.Fatalf("%s: status %d, audit %q, body lacks %q:\n%s", what, status, got, want, body)
		}
	}
	// tftp-hpa; 200 stands for a file received.
	tftp := func(ns, server string) (int, string) {
		b, ok := tftpGet(t, ns, tftpClient{"tftp-hpa", func(name, out string) []string {
			return []string{"tftp", "-6", "-m", "binary", server, "69", "-c", "get", name, out}
		}}, file)
		return map[bool]int{true: 200}[ok], b
	}
	// Over link-local, waiting at most wait: without single_port no
	// answer comes, so a refusal is judged after a short wait; an answer
	// expected gets a long one (a loaded machine may be slow to give it).
	tftpLL := func(ns, server, iface string, wait time.Duration) (int, string) {
		out := filepath.Join(t.TempDir(), "got")
		ctx, cancel := context.WithTimeout(t.Context(), wait)
		defer cancel()
		msg, err := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "tftp", "-6", "-m", "binary", server+"%"+iface, "69", "-c", "get", file, out).CombinedOutput()
		body, rerr := os.ReadFile(out)
		if err != nil || rerr != nil || len(body) == 0 || strings.Contains(string(msg), "not found") {
			return 0, string(msg)
		}
		return 200, string(body)
	}
	tftpLLRefused := func(what string) {
		t.Helper()
		wait := 20 * time.Second // a refusal comes back
		if !singlePort {
			wait = 3 * time.Second // nothing comes back
		}
		s, b := tftpLL(thief, srvLLThief, "c-"+thief, wait)
		if !singlePort {
			if got := lastReason(); s == 200 || got != "0 new audit lines" {
				t.Fatalf("%s without single_port: status %d, audit %q; want no answer", what, s, got)
			}
			return
		}
		refused(what, "neighbour", s, b)
	}
	tftpLLServed := func(what, want string) {
		t.Helper()
		if singlePort {
			s, b := tftpLL(phone, srvLLPhone, "c-"+phone, 20*time.Second)
			served(what, want, s, b)
		}
	}
	httpURL := func(host, iface, path string) string {
		if iface != "" {
			host += "%25" + iface
		}
		return "http://[" + host + "]" + path
	}

	// The thief, on-link: its NDP entry shows its own MAC.
	s, b := curlGet(t, thief, httpURL(srvLLThief, "c-"+thief, "/"+file), ua)
	refused("thief over IPv6 link-local HTTP", "neighbour", s, b)
	s, b = curlGet(t, thief, httpURL("2001:db8:93:2::1", "", "/"+file), ua)
	refused("thief over global IPv6 HTTP", "neighbour", s, b)
	s, b = tftp(thief, "2001:db8:93:2::1")
	refused("thief over global IPv6 TFTP", "neighbour", s, b)
	tftpLLRefused("thief over link-local TFTP")

	// Requesters nothing can judge: routed through the thief, loopback.
	routed6 := func() (int, string) {
		return curlGet(t, thief, httpURL("2001:db8:93:2::1", "", "/"+file), ua, "--interface", "2001:db8:94::2")
	}
	routed4 := func() (int, string) {
		return curlGet(t, thief, "http://10.93.2.1/"+file, ua, "--interface", "10.94.0.2")
	}
	s, b = routed6()
	refused("routed IPv6 requester", "unverified", s, b)
	s, b = routed4()
	refused("routed IPv4 requester", "unverified", s, b)
	s, b = curlGet(t, srv, "http://[::1]/"+file, ua)
	refused("loopback requester", "unverified", s, b)

	// Listed networks are served; unlisted ones and negative verdicts are
	// still refused.
	reload(`unverified_networks = ["2001:db8:94::/64", "::1/128"]`)
	s, b = routed6()
	served("listed routed IPv6", "auto_provision.server.url", s, b)
	s, b = curlGet(t, srv, "http://[::1]/"+file, ua)
	served("listed loopback", "auto_provision.server.url", s, b)
	s, b = routed4()
	refused("unlisted routed IPv4", "unverified", s, b)
	s, b = curlGet(t, thief, httpURL(srvLLThief, "c-"+thief, "/"+file), ua)
	refused("thief over link-local, unverified networks set", "neighbour", s, b)
	reload("")

	// The phone: TFTP over global IPv6, HTTP over link-local, then its
	// full config (which locks it).
	s, b = tftp(phone, "2001:db8:93:1::1")
	served("the phone over global IPv6 TFTP", "auto_provision.server.url", s, b)
	tftpLLServed("the phone over link-local TFTP", "auto_provision.server.url")
	s, b = curlGet(t, phone, httpURL(srvLLPhone, "c-"+phone, "/"+file), ua)
	served("the phone over link-local HTTP", "auto_provision.server.url", s, b)
	secret := secretPathRe.FindString(b)
	s, b = curlGet(t, phone, httpURL(srvLLPhone, "c-"+phone, secret+file), ua)
	served("the phone's full config over link-local HTTP", "v6-Pa55", s, b)

	// Flat-folder mode serves the locked device: only to the phone.
	reload("disable_auto_provision_security = true")
	s, b = curlGet(t, thief, httpURL(srvLLThief, "c-"+thief, "/"+file), ua)
	refused("flat mode, thief over link-local HTTP", "neighbour", s, b)
	s, b = tftp(thief, "2001:db8:93:2::1")
	refused("flat mode, thief over global IPv6 TFTP", "neighbour", s, b)
	tftpLLRefused("flat mode, thief over link-local TFTP")
	s, b = curlGet(t, srv, "http://127.0.0.1/"+file, ua)
	refused("flat mode, loopback", "unverified", s, b)
	s, b = tftp(phone, "2001:db8:93:1::1")
	served("flat mode, the phone over global IPv6 TFTP", "v6-Pa55", s, b)
	tftpLLServed("flat mode, the phone over link-local TFTP", "v6-Pa55")
	s, b = curlGet(t, phone, httpURL(srvLLPhone, "c-"+phone, "/"+file), ua)
	served("flat mode, the phone over link-local HTTP", "v6-Pa55", s, b)
}

// linkLocal waits (bounded) until iface in ns has a usable link-local
// address and returns it.
func linkLocal(t *testing.T, ns, iface string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		out := nsOut(t, ns, "ip", "-6", "-o", "addr", "show", "dev", iface, "scope", "link")
		if f := strings.Fields(out); len(f) >= 4 && !strings.Contains(out, "tentative") {
			return strings.Split(f[3], "/")[0]
		}
		if time.Now().After(deadline) {
			t.Fatalf("no usable link-local address on %s in %s: %q", iface, ns, out)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// curlGet fetches url from namespace ns with User-Agent ua and returns
// the status (0 when the request failed) and the body.
func curlGet(t *testing.T, ns, url, ua string, extra ...string) (int, string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "body")
	argv := append([]string{"netns", "exec", ns, "curl", "-g", "-s", "--max-time", "10", "-o", out, "-w", "%{http_code}", "-A", ua}, extra...)
	code, _ := exec.Command("ip", append(argv, url)...).Output()
	body, _ := os.ReadFile(out)
	var status int
	fmt.Sscan(string(code), &status)
	return status, string(body)
}
