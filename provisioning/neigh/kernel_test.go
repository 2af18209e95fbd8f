package neigh

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// The kernel's own table, read over rtnetlink in a namespace this test
// creates: ARP and NDP entries in every state, link-local addresses on
// two links, routed and loopback requesters.
func TestLookupKernel(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (iproute2)")
	}
	b := make([]byte, 3)
	rand.Read(b)
	ns := "pbneigh-" + hex.EncodeToString(b)
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ip", append([]string{"-n", ns}, args...)...).CombinedOutput(); err != nil {
			t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
		}
	}
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", ns).Run() })
	for _, args := range [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"addr", "add", "192.0.2.1/24", "dev", "v0"},
		{"addr", "add", "2001:db8:1::1/64", "dev", "v0", "nodad"},
		{"link", "set", "v0", "up"},
		{"link", "set", "v1", "up"},
		{"neigh", "add", "192.0.2.50", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "permanent"},
		{"neigh", "add", "192.0.2.51", "lladdr", "80:5e:c0:11:22:34", "dev", "v0", "nud", "stale"},
		{"neigh", "add", "192.0.2.52", "lladdr", "80:5e:c0:11:22:35", "dev", "v0", "nud", "failed"},
		{"neigh", "add", "192.0.2.53", "dev", "v0", "nud", "incomplete"},
		{"neigh", "add", "192.0.2.54", "lladdr", "80:5e:c0:11:22:36", "dev", "v0", "nud", "noarp"},
		{"-6", "neigh", "add", "fe80::5", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "reachable"},
		{"-6", "neigh", "add", "fe80::5", "lladdr", "02:00:00:00:00:66", "dev", "v1", "nud", "stale"},
		{"-6", "neigh", "add", "2001:db8:1::66", "lladdr", "02:00:00:00:00:66", "dev", "v0", "nud", "stale"},
	} {
		run(args...)
	}
	phone := [6]byte{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	cases := []struct {
		ip  string
		mac [6]byte
		ok  bool
	}{
		{"192.0.2.50", phone, true},
		{"::ffff:192.0.2.50", phone, true},
		{"192.0.2.51", [6]byte{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x34}, true},
		{"192.0.2.52", [6]byte{}, true}, // failed: on-link, no usable entry
		{"192.0.2.53", [6]byte{}, true}, // incomplete
		{"192.0.2.54", [6]byte{}, true}, // noarp: not a resolved neighbour
		{"192.0.2.99", [6]byte{}, true},
		{"198.51.100.1", [6]byte{}, false},
		{"127.0.0.1", [6]byte{}, false},
		{"::1", [6]byte{}, false},
		{"fe80::5%v0", phone, true},
		{"fe80::5%v1", [6]byte{2, 0, 0, 0, 0, 0x66}, true},
		{"fe80::9%v0", [6]byte{}, true},
		{"2001:db8:1::66", [6]byte{2, 0, 0, 0, 0, 0x66}, true},
		{"2001:db8:1::77", [6]byte{}, true},
		{"2001:db8:2::1", [6]byte{}, false},
	}
	got := make(chan string, len(cases))
	go func() {
		// The thread enters the namespace and dies with the goroutine.
		runtime.LockOSThread()
		defer close(got)
		f, err := os.Open("/run/netns/" + ns)
		if err != nil {
			got <- err.Error()
			return
		}
		defer f.Close()
		if err := unix.Setns(int(f.Fd()), unix.CLONE_NEWNET); err != nil {
			got <- "setns: " + err.Error()
			return
		}
		for _, c := range cases {
			if m, ok := Lookup(netip.MustParseAddr(c.ip)); m != c.mac || ok != c.ok {
				got <- c.ip + ": got " + net.HardwareAddr(m[:]).String() + " " + map[bool]string{true: "judged", false: "unjudged"}[ok] +
					", want " + net.HardwareAddr(c.mac[:]).String() + " " + map[bool]string{true: "judged", false: "unjudged"}[c.ok]
			}
		}
	}()
	for msg := range got {
		t.Error(msg)
	}
}
