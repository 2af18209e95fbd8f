package main

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/cmd/internal/lab"
	"github.com/provbox/provbox/cmd/internal/phone"
	"github.com/provbox/provbox/provisioning"
)

// Forged UDP on a LAN with DHCP off (the shipped default), so no lease
// protects anyone: a daemon, a provisioned phone, and an attacker on one
// bridge. The attacker forges 30 TFTP requests with the phone's source
// address from a raw socket; the phone is not banned and fetches its full
// config again over TFTP and HTTP. The attacker's own TFTP scan from its
// own address is banned. And an address framed before its phone ever
// talked to the box (nothing could protect it then) is banned, but the
// ban is lifted at the phone's first request.
func TestDaemonForgedTFTPCannotFrameAPhone(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces, raw sockets)")
	}
	for _, tool := range []string{"ip", "tftp", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed (Debian: iproute2, tftp-hpa, curl)", tool)
		}
	}
	bin := buildBinary(t)
	n, err := lab.NewNet()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	mac := provisioning.MAC{0x80, 0x5e, 0xc0, 0x77, 0x00, 0x01}
	late := provisioning.MAC{0x80, 0x5e, 0xc0, 0x77, 0x00, 0x02}
	srv := host(t, n, "srv", nil, "10.95.0.1/24")
	ph := host(t, n, "ph", mac.HardwareAddr(), "10.95.0.2/24")
	atk := host(t, n, "atk", nil, "10.95.0.3/24")

	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "state"), 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := newConfig(t, fmt.Sprintf(`state_dir = %q
[server]
advertise = "10.95.0.1"
[tftp]
enabled = true
listen = "0.0.0.0:69"
[http]
listen = "0.0.0.0:80"
[bans]
max_retry = 5
[admin]
socket = %q
`, filepath.Join(dir, "state"), filepath.Join(dir, "admin.sock")))
	startCommand(t, []string{"ip", "netns", "exec", srv.NS, bin, "serve", "-c", cfg})
	mustCLI(t, cfg, "account", "add", "office", "--sip-server", "pbx.example.org")
	for _, m := range []provisioning.MAC{mac, late} {
		mustCLI(t, cfg, "device", "add", m.String(), "--account", "office", "--vendor", "yealink", "--line", "201:fr-Pa55")
	}

	// The phone provisions over TFTP: the box now has its neighbour entry.
	get := func(ns, name string) (string, bool) {
		c := tftpClient{"tftp-hpa", func(name, out string) []string {
			return []string{"tftp", "-m", "binary", "10.95.0.1", "69", "-c", "get", name, out}
		}}
		return tftpGet(t, ns, c, name)
	}
	file := mac.Hex() + ".cfg"
	redirect, ok := get(ph.NS, file)
	secret := secretPathRe.FindString(redirect)
	if !ok || secret == "" {
		t.Fatalf("the phone's bootstrap: ok=%v\n%s", ok, redirect)
	}
	if full, ok := get(ph.NS, secret+file); !ok || !strings.Contains(full, "fr-Pa55") {
		t.Fatalf("the phone's full config: ok=%v", ok)
	}

	forge(t, atk, "10.95.0.2", 30, mac)
	got := 0
	if !pollUntil(t, 10*time.Second, func() bool { got = refusalsFrom(t, cfg, "10.95.0.2"); return got >= 5 }) {
		t.Fatalf("only %d forged requests reached the daemon", got)
	}
	if b, ok := isBanned(bannedPrefixes(t, cfg), "10.95.0.2"); ok {
		t.Fatalf("forged TFTP banned the phone: %+v", b)
	}
	if full, ok := get(ph.NS, secret+file); !ok || !strings.Contains(full, "fr-Pa55") {
		t.Fatalf("the framed phone's TFTP re-fetch was refused: ok=%v", ok)
	}
	ua := "Yealink SIP-T46U 108.86.0.20 " + mac.String()
	if full := curl(t, ph.NS, ua, "http://10.95.0.1"+secret+file); !strings.Contains(full, "fr-Pa55") {
		t.Fatalf("the framed phone's HTTP re-fetch was refused:\n%s", full)
	}

	// A real scanner from its own address is banned at max_retry.
	for i := range 5 {
		get(atk.NS, fmt.Sprintf("805ec0aa%04x.cfg", i))
	}
	if _, ok := isBanned(bannedPrefixes(t, cfg), "10.95.0.3"); !ok {
		t.Fatal("a TFTP scanner from its own address was not banned")
	}

	// An address with no host behind it yet: nothing protects it.
	forge(t, atk, "10.95.0.4", 10, late)
	var b provisioning.Ban
	banned := pollUntil(t, 10*time.Second, func() (ok bool) {
		b, ok = isBanned(bannedPrefixes(t, cfg), "10.95.0.4")
		return ok
	})
	if !banned || !b.Forgeable {
		t.Fatalf("forged requests from an empty address: banned=%v %+v; want a forgeable ban", banned, b)
	}
	// Its phone comes up and asks: the ban is lifted, the phone served.
	time.Sleep(1500 * time.Millisecond) // past the ban's recheck pacing
	lp := host(t, n, "late", late.HardwareAddr(), "10.95.0.4/24")
	lateUA := "Yealink SIP-T46U 108.86.0.20 " + late.String()
	if body := curl(t, lp.NS, lateUA, "http://10.95.0.1/"+late.Hex()+".cfg"); !strings.Contains(body, "auto_provision.server.url") {
		t.Fatalf("the late phone's bootstrap was refused:\n%s", body)
	}
	if _, ok := isBanned(bannedPrefixes(t, cfg), "10.95.0.4"); ok {
		t.Fatal("the framed address is still banned after its phone showed up")
	}
}

// host adds a namespace host on n's bridge with mac (nil: random) and cidr.
func host(t *testing.T, n *lab.Net, name string, mac net.HardwareAddr, cidr string) *lab.Host {
	t.Helper()
	h, err := n.AddHost(name, mac)
	if err != nil {
		t.Fatal(err)
	}
	if err := h.AddAddr(cidr); err != nil {
		t.Fatal(err)
	}
	return h
}

// forge sends count TFTP read requests from h with the source address
// victim: unknown MACs, a traversal and guessed secret paths.
func forge(t *testing.T, h *lab.Host, victim string, count int, m provisioning.MAC) {
	t.Helper()
	src := netip.MustParseAddr(victim)
	dst := netip.AddrPortFrom(netip.MustParseAddr("10.95.0.1"), 69)
	err := h.Do(func() error {
		for i := range count {
			names := []string{fmt.Sprintf("805ec0bb%04x.cfg", i), "../../etc/passwd",
				"AAAAAAAAAAAAAAAAAAAAAAAA/BBBBBBBBBBBBBBBBBBBBBBBB/" + m.Hex() + ".cfg"}
			if err := phone.ForgeUDP(netip.AddrPortFrom(src, uint16(30000+i)), dst, phone.TFTPReadRequest(names[i%3])); err != nil {
				return err
			}
			time.Sleep(10 * time.Millisecond)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // let the daemon take them all
}

// refusalsFrom counts the audit trail's refusals of requests from ip
// (a line of folded repeats counts each).
func refusalsFrom(t *testing.T, cfg, ip string) int {
	t.Helper()
	var es []provisioning.Event
	if err := jsonOut(mustCLI(t, cfg, "events", "--limit", "10000", "--json"), &es); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range es {
		if e.Outcome == "refused" && e.IP.String() == ip {
			n += e.Times()
		}
	}
	return n
}

// curl fetches u inside ns with user agent ua and returns the body ("" on
// any failure).
func curl(t *testing.T, ns, ua, u string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	out, _ := exec.CommandContext(ctx, "ip", "netns", "exec", ns, "curl", "-sf", "-m", "10", "-A", ua, u).Output()
	return string(out)
}
