package dhcp

import (
	"context"
	"encoding/hex"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/provbox/provbox/provisioning"
)

// pair is a server namespace and a client namespace joined by a veth:
// the server end (srvIf) has 192.0.2.1/24 (TEST-NET-1), the client end
// (cliIf) no address, like a phone at power-on.
type pair struct {
	srv, cli     string
	srvIf, cliIf string
	dir          string
	h            *helper
}

func netCfg(ifaces ...string) Config {
	return Config{
		Interfaces: ifaces, Authoritative: true, LeaseTime: time.Hour,
		Subnets: []Subnet{{CIDR: pfx("192.0.2.0/24"), Range: Range{ip("192.0.2.100"), ip("192.0.2.199")},
			Router: ipList("192.0.2.1"), DNS: ipList("192.0.2.1"), NTP: ipList("192.0.2.1"), Domain: "phones.test"}},
	}
}

var netBoot = provisioning.BootConfig{Proto: "http", Host: "192.0.2.1", Classes: testClasses}

func newPair(t *testing.T, cliAddr string) *pair {
	id := uniq()
	p := &pair{srv: addNS(t, id+"s"), cli: addNS(t, id+"c"), srvIf: id + "a", cliIf: id + "b", dir: t.TempDir()}
	link(t, p.srv, p.srvIf, "192.0.2.1/24", p.cli, p.cliIf, cliAddr)
	return p
}

func (p *pair) start(t *testing.T) {
	p.h = startHelper(t, p.srv, helperConfig{Dir: p.dir, DHCP: netCfg(p.srvIf), Boot: netBoot})
}

// rawClient is nclient4 on a packet socket in the client namespace: the
// genuine broadcast path.
func (p *pair) rawClient(t *testing.T, mac string) *nclient4.Client {
	t.Helper()
	hwa, _ := net.ParseMAC(mac)
	var c *nclient4.Client
	err := inNS(p.cli, func() (err error) {
		c, err = nclient4.New(p.cliIf, nclient4.WithHWAddr(hwa), nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(3))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestNetnsRawDORARenewReleaseReacquire(t *testing.T) {
	requireRoot(t)
	p := newPair(t, "")
	p.start(t)
	const mac = "00:04:f2:00:00:01"
	c := p.rawClient(t, mac)
	poly := dhcpv4.WithOption(dhcpv4.OptClassIdentifier("\x00\x00\x36\x3d\x1a\x01\x07Polycom\x02\x0fVVX-VVX_411\xff"))
	l, err := c.Request(t.Context(), poly, withPRL(1, 3, 6, 42, 66, 160))
	if err != nil {
		t.Fatalf("DORA: %v\n%s", err, p.h.logs)
	}
	ack := l.ACK
	if got := ack.YourIPAddr.String(); got != "192.0.2.100" {
		t.Errorf("leased %s, want 192.0.2.100", got)
	}
	for code, want := range map[uint8]string{66: "http://192.0.2.1/", 160: "http://192.0.2.1/", 42: "\xc0\x00\x02\x01", 15: "phones.test"} {
		if got := string(ack.Options.Get(dhcpv4.GenericOptionCode(code))); got != want {
			t.Errorf("option %d = %q, want %q", code, got, want)
		}
	}
	// Like a real client, configure the address so unicast renewals reach us.
	sh(t, "ip", "-n", p.cli, "addr", "add", "192.0.2.100/24", "dev", p.cliIf)
	l2, err := c.Renew(t.Context(), l)
	if err != nil || !l2.ACK.YourIPAddr.Equal(ack.YourIPAddr) {
		t.Fatalf("renew: %v %v", l2, err)
	}
	if err := c.Release(l2); err != nil {
		t.Fatal(err)
	}
	other, err := p.rawClient(t, "00:04:f2:00:00:02").Request(t.Context())
	if err != nil || other.ACK.YourIPAddr.Equal(ack.YourIPAddr) {
		t.Fatalf("second client: %v %v", other, err)
	}
	l3, err := c.Request(t.Context(), poly)
	if err != nil || !l3.ACK.YourIPAddr.Equal(ack.YourIPAddr) {
		t.Fatalf("re-acquire: %v %v", l3, err)
	}
	p.h.kill(syscall.SIGTERM)
	leases := storedLeases(t, p.dir)
	if got := leases["192.0.2.100"]; got.MAC != hw(mac) || !got.Expires.After(time.Now()) || got.VendorClass == "" {
		t.Errorf("stored lease %+v", got)
	}
}

// udhcpc runs busybox's client once and returns what it exported to its
// script at "bound".
func udhcpc(t *testing.T, p *pair, vendorClass string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	out, script := filepath.Join(dir, "env"), filepath.Join(dir, "script")
	os.WriteFile(script, []byte("#!/bin/sh\n[ \"$1\" = bound ] && env > \"$UDHCPC_OUT\"\nexit 0\n"), 0o755)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", p.cli, "busybox", "udhcpc", "-i", p.cliIf,
		"-f", "-q", "-n", "-t", "3", "-T", "1", "-V", vendorClass, "-O", "66", "-O", "150", "-O", "160", "-s", script)
	cmd.Env = append(os.Environ(), "UDHCPC_OUT="+out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("udhcpc -V %q: %v\n%s\nserver:\n%s", vendorClass, err, b, p.h.logs)
	}
	return readEnv(t, out)
}

func readEnv(t *testing.T, path string) map[string]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			env[k] = v
		}
	}
	return env
}

func TestNetnsBusyboxVendors(t *testing.T) {
	requireRoot(t, "busybox")
	p := newPair(t, "")
	p.start(t)
	hexOf := func(s string) string { return hex.EncodeToString([]byte(s)) }
	tests := []struct {
		vendorClass string
		want        map[string]string // udhcpc variables; "" means must be absent
	}{
		// busybox checks option 66 as a host name: a URL comes out as
		// "bad" (its value is checked on the wire by the dhclient test).
		{"yealink", map[string]string{"tftp": "bad", "opt150": "", "opt160": ""}},
		{"Polycom-VVX411", map[string]string{"tftp": "bad", "opt160": hexOf("http://192.0.2.1/"), "opt150": ""}},
		{"Cisco SPA504G", map[string]string{"tftp": "192.0.2.1", "opt150": "c0000201", "opt160": hexOf("http://192.0.2.1/$PSN.xml")}},
		{"Grandstream GXP1405 dslforum.org", map[string]string{"tftp": "192.0.2.1", "opt150": "", "opt160": ""}},
	}
	for _, tt := range tests {
		t.Run(tt.vendorClass, func(t *testing.T) {
			env := udhcpc(t, p, tt.vendorClass)
			if a := net.ParseIP(env["ip"]); a == nil || !netCfg().Subnets[0].CIDR.Contains(addr4(a)) {
				t.Errorf("ip = %q", env["ip"])
			}
			if env["router"] != "192.0.2.1" || env["subnet"] != "255.255.255.0" {
				t.Errorf("router %q subnet %q", env["router"], env["subnet"])
			}
			for k, want := range tt.want {
				if got, ok := env[k]; got != want || (want == "" && ok) {
					t.Errorf("%s = %q (present %v), want %q", k, got, ok, want)
				}
			}
		})
	}
}

// TestNetnsDhclientURL reads option 66 as text with ISC dhclient, which
// busybox cannot show: the Yealink gets the bootstrap URL.
func TestNetnsDhclientURL(t *testing.T) {
	requireRoot(t, "dhclient")
	p := newPair(t, "")
	p.start(t)
	dir := t.TempDir()
	conf, script, out := filepath.Join(dir, "dhclient.conf"), filepath.Join(dir, "script"), filepath.Join(dir, "env")
	os.WriteFile(conf, []byte("option provurl code 66 = text;\noption polyurl code 160 = text;\n"+
		"send vendor-class-identifier \"yealink\";\nrequest subnet-mask, routers, provurl, polyurl;\n"), 0o644)
	os.WriteFile(script, []byte("#!/bin/sh\ncase \"$reason\" in BOUND|RENEW|REBOOT) env > \""+out+"\" ;; esac\nexit 0\n"), 0o755)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ip", "netns", "exec", p.cli, "dhclient", "-1", "-4", "-v", "-cf", conf, "-sf", script,
		"-lf", filepath.Join(dir, "leases"), "-pf", filepath.Join(dir, "pid"), p.cliIf)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("dhclient: %v\n%s", err, b)
	}
	// dhclient forks into the background once bound: stop it.
	if pid, err := os.ReadFile(filepath.Join(dir, "pid")); err == nil {
		exec.Command("kill", strings.TrimSpace(string(pid))).Run()
	}
	env := readEnv(t, out)
	if got := env["new_provurl"]; got != "http://192.0.2.1/" {
		t.Errorf("option 66 = %q, want http://192.0.2.1/", got)
	}
	if _, ok := env["new_polyurl"]; ok {
		t.Errorf("a Yealink got option 160: %q", env["new_polyurl"])
	}
}
