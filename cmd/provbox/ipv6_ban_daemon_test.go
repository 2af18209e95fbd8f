package main

import (
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
)

// A LAN's IPv6 /64, and link-local fe80::/64 on every link, hold every
// host of the LAN: banning a scanner by its /64 would ban the phones
// beside it. On namespaces, DHCP off: a scanner banned over link-local and
// over its global address of the box's own network is banned alone (as a
// /128), and the phone, on link-local too, is still served.
func TestDaemonIPv6BanPerAddressOnLink(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	for _, tool := range []string{"ip", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian: iproute2, curl)", tool)
		}
	}
	bin := buildBinary(t)
	id := os.Getpid() % 100000
	srv, phone, scanner := fmt.Sprintf("pb7s%d", id), fmt.Sprintf("pb7p%d", id), fmt.Sprintf("pb7x%d", id)
	mac := provisioning.MAC{0x80, 0x5e, 0xc0, 0x66, 0x77, 0x99}
	link(t, srv, phone, "10.95.1", mac.String())
	link(t, srv, scanner, "10.95.2", "02:00:00:00:95:02")
	for _, c := range [][]string{
		{srv, "ip", "-6", "addr", "add", "2001:db8:95:2::1/64", "dev", "s-" + scanner, "nodad"},
		{scanner, "ip", "-6", "addr", "add", "2001:db8:95:2::2/64", "dev", "c-" + scanner, "nodad"},
	} {
		nsRun(t, c[0], c[1:]...)
	}
	srvLLPhone, srvLLScanner := linkLocal(t, srv, "s-"+phone), linkLocal(t, srv, "s-"+scanner)
	linkLocal(t, phone, "c-"+phone)
	scannerLL := linkLocal(t, scanner, "c-"+scanner)

	dir := t.TempDir()
	cfg := newConfig(t, fmt.Sprintf(`state_dir = %q
[server]
advertise = "10.95.1.1"
[http]
listen = ":80"
[bans]
max_retry = 3
[admin]
socket = %q
`, filepath.Join(dir, "state"), filepath.Join(dir, "admin.sock")))
	startCommand(t, []string{"ip", "netns", "exec", srv, bin, "serve", "-c", cfg})
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	mustCLI(t, cfg, "device", "add", mac.String(), "--account", "office", "--vendor", "yealink", "--line", "201:ll-Pa55")
	ua := "Yealink SIP-T46U 108.86.0.20 " + mac.String()

	scan := func(url string) {
		for i := range 4 {
			curlGet(t, scanner, fmt.Sprintf(url, i), "curl/8")
		}
	}
	scan("http://[" + srvLLScanner + "%%25c-" + scanner + "]/0015650000%02d.cfg")
	scan("http://[2001:db8:95:2::1]/0015650000%02d.cfg")
	bans := decodeJSON[[]provisioning.Ban](t, mustCLI(t, cfg, "ban", "list", "--json"))
	var got []string
	for _, b := range bans {
		got = append(got, b.Prefix.String())
	}
	for _, want := range []string{netip.MustParseAddr(scannerLL).String() + "/128", "2001:db8:95:2::2/128"} {
		if !slices.Contains(got, want) {
			t.Errorf("bans %v lack %s: the scanner should be banned by its own address", got, want)
		}
	}
	s, b := curlGet(t, phone, "http://["+srvLLPhone+"%25c-"+phone+"]/"+mac.Hex()+".cfg", ua)
	if s != 200 || !strings.Contains(b, "auto_provision") {
		t.Fatalf("the phone over link-local after the scanner's ban: status %d\n%s", s, b)
	}
}
