package neigh

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// testNS is a network namespace the test made, with a thread inside it
// that runs what the test hands it (dump-based lookups need the thread
// there; a Table's socket stays bound to the namespace it was made in).
type testNS struct {
	name string
	do   chan func()
}

func newTestNS(t testing.TB) *testNS {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	if _, err := exec.LookPath("ip"); err != nil {
		t.Skip("needs the ip command (iproute2)")
	}
	b := make([]byte, 3)
	rand.Read(b)
	n := &testNS{name: "pbnt-" + hex.EncodeToString(b), do: make(chan func())}
	if out, err := exec.Command("ip", "netns", "add", n.name).CombinedOutput(); err != nil {
		t.Fatalf("ip netns add: %v: %s", err, out)
	}
	t.Cleanup(func() { exec.Command("ip", "netns", "del", n.name).Run() })
	entered := make(chan error)
	go func() {
		// The thread enters the namespace and dies with the goroutine.
		runtime.LockOSThread()
		f, err := os.Open("/run/netns/" + n.name)
		if err == nil {
			err = unix.Setns(int(f.Fd()), unix.CLONE_NEWNET)
			f.Close()
		}
		entered <- err
		if err != nil {
			return
		}
		for fn := range n.do {
			fn()
		}
	}()
	if err := <-entered; err != nil {
		t.Fatalf("enter namespace: %v", err)
	}
	t.Cleanup(func() { close(n.do) })
	return n
}

// in runs fn on the thread inside the namespace.
func (n *testNS) in(fn func()) {
	done := make(chan struct{})
	n.do <- func() { defer close(done); fn() }
	<-done
}

func (n *testNS) ip(t testing.TB, args ...string) {
	t.Helper()
	if out, err := exec.Command("ip", append([]string{"-n", n.name}, args...)...).CombinedOutput(); err != nil {
		t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
	}
}

func verdict(m [6]byte, ok bool) string {
	return fmt.Sprintf("%s/%v", net.HardwareAddr(m[:]), ok)
}

// The table follows every kind of change the moment the `ip` command that
// made it returns (no wait, no retry): a fail-closed verdict must never
// lag the kernel. After each step it must also agree with a fresh dump.
func TestTableFollowsKernel(t *testing.T) {
	n := newTestNS(t)
	for _, args := range [][]string{
		{"link", "set", "lo", "up"},
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"addr", "add", "192.0.2.1/24", "dev", "v0"},
		{"addr", "add", "2001:db8:1::1/64", "dev", "v0", "nodad"},
		{"link", "set", "v0", "up"},
		{"link", "set", "v1", "up"},
		{"neigh", "add", "192.0.2.50", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "permanent"},
		{"-6", "neigh", "add", "fe80::5", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "reachable"},
	} {
		n.ip(t, args...)
	}
	var tab *Table
	var err error
	n.in(func() { tab, err = NewTable() })
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	defer tab.Close()
	probe := []string{"192.0.2.50", "192.0.2.51", "192.0.2.99", "198.51.100.7", "fe80::5%v0", "fe80::5%v1", "2001:db8:1::66", "127.0.0.1"}
	agree := func(step string) {
		t.Helper()
		for _, s := range probe {
			ip := netip.MustParseAddr(s)
			var m [6]byte
			var ok bool
			n.in(func() { m, ok = Lookup(ip) })
			if tm, tok := tab.Lookup(ip); tm != m || tok != ok {
				t.Errorf("%s: %s: table says %s, a fresh dump %s", step, s, verdict(tm, tok), verdict(m, ok))
			}
		}
	}
	want := func(step, ip, mac string, ok bool) {
		t.Helper()
		var w [6]byte
		if mac != "" {
			hw, _ := net.ParseMAC(mac)
			copy(w[:], hw)
		}
		if m, gok := tab.Lookup(netip.MustParseAddr(ip)); m != w || gok != ok {
			t.Errorf("%s: %s: got %s, want %s", step, ip, verdict(m, gok), verdict(w, ok))
		}
	}
	want("start", "192.0.2.50", "80:5e:c0:11:22:33", true)
	agree("start")

	n.ip(t, "neigh", "replace", "192.0.2.50", "lladdr", "02:00:00:00:0b:ad", "dev", "v0", "nud", "reachable")
	want("thief replaces the phone", "192.0.2.50", "02:00:00:00:0b:ad", true)
	agree("thief replaces the phone")

	// A proxy entry for the same address is not a neighbour: it must
	// neither replace nor remove the thief's entry, nor force a re-read
	// (on kernels that notify proxy changes; others send nothing).
	n.ip(t, "neigh", "add", "proxy", "192.0.2.50", "dev", "v0")
	want("proxy entry added", "192.0.2.50", "02:00:00:00:0b:ad", true)
	n.ip(t, "neigh", "del", "proxy", "192.0.2.50", "dev", "v0")
	want("proxy entry removed", "192.0.2.50", "02:00:00:00:0b:ad", true)
	// A bridge port's forwarding entries (AF_BRIDGE) neither.
	n.ip(t, "link", "add", "br0", "type", "bridge")
	n.ip(t, "link", "set", "v1", "master", "br0")
	n.ip(t, "link", "set", "br0", "up")
	want("bridge", "192.0.2.50", "02:00:00:00:0b:ad", true)
	n.ip(t, "link", "set", "v1", "nomaster")
	want("bridge", "192.0.2.50", "02:00:00:00:0b:ad", true)
	if tab.reads != 1 {
		t.Errorf("proxy or bridge entries made the table re-read %d times", tab.reads-1)
	}

	n.ip(t, "neigh", "replace", "192.0.2.50", "dev", "v0", "nud", "failed")
	want("entry failed", "192.0.2.50", "", true)
	n.ip(t, "neigh", "replace", "192.0.2.50", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "stale")
	want("entry back", "192.0.2.50", "80:5e:c0:11:22:33", true)
	n.ip(t, "neigh", "del", "192.0.2.50", "dev", "v0")
	want("entry deleted", "192.0.2.50", "", true)
	agree("entry deleted")

	n.ip(t, "-6", "neigh", "replace", "fe80::5", "lladdr", "02:00:00:00:00:66", "dev", "v1", "nud", "stale")
	want("second link-local", "fe80::5%v1", "02:00:00:00:00:66", true)
	want("second link-local", "fe80::5", "", true) // no zone, entries disagree
	agree("second link-local")

	n.ip(t, "addr", "add", "198.51.100.1/24", "dev", "v0")
	want("address added", "198.51.100.7", "", true)
	n.ip(t, "addr", "del", "192.0.2.1/24", "dev", "v0")
	want("address removed", "192.0.2.99", "", false)
	agree("addresses")

	n.ip(t, "link", "set", "v0", "down")
	want("link down", "198.51.100.7", "", false)
	agree("link down")
	n.ip(t, "link", "set", "v0", "name", "p0")
	want("renamed link: old name", "fe80::5%v0", "", false)
	n.ip(t, "link", "del", "v1")
	want("link deleted", "fe80::5%v1", "", false)
	agree("link deleted")
}

// A notification lost to a full socket buffer (ENOBUFS) makes the next
// lookup re-read the tables rather than answer from a table with a hole.
func TestTableResyncsAfterLoss(t *testing.T) {
	n := newTestNS(t)
	n.ip(t, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	n.ip(t, "addr", "add", "10.9.0.1/16", "dev", "v0")
	n.ip(t, "link", "set", "v0", "up")
	var tab *Table
	var err error
	n.in(func() {
		if tab, err = NewTable(); err == nil {
			// The smallest buffer the kernel allows: a batch overflows it.
			err = unix.SetsockoptInt(tab.fd, unix.SOL_SOCKET, unix.SO_RCVBUFFORCE, 0)
		}
	})
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	defer tab.Close()
	var batch strings.Builder
	for i := range 300 {
		fmt.Fprintf(&batch, "neigh add 10.9.%d.%d lladdr 02:00:00:00:%02x:%02x dev v0 nud permanent\n", i/200, 2+i%200, i/256, i%256)
	}
	cmd := exec.Command("ip", "-n", n.name, "-batch", "-")
	cmd.Stdin = strings.NewReader(batch.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ip -batch: %v: %s", err, out)
	}
	for i := range 300 {
		ip := netip.AddrFrom4([4]byte{10, 9, byte(i / 200), byte(2 + i%200)})
		want := [6]byte{2, 0, 0, 0, byte(i / 256), byte(i % 256)}
		if m, ok := tab.Lookup(ip); m != want || !ok {
			t.Fatalf("%s: got %s, want %s", ip, verdict(m, ok), verdict(want, true))
		}
	}
}

// BenchmarkLookup compares a lookup from the Table with one that opens a
// socket and dumps the three tables (the package's Lookup), in one run.
func BenchmarkLookup(b *testing.B) {
	n := newTestNS(b)
	n.ip(b, "link", "add", "v0", "type", "veth", "peer", "name", "v1")
	n.ip(b, "addr", "add", "10.9.0.1/16", "dev", "v0")
	n.ip(b, "link", "set", "v0", "up")
	var batch strings.Builder
	for i := range 200 { // an office LAN's worth of phones
		fmt.Fprintf(&batch, "neigh add 10.9.0.%d lladdr 02:00:00:00:00:%02x dev v0 nud reachable\n", 2+i, i)
	}
	cmd := exec.Command("ip", "-n", n.name, "-batch", "-")
	cmd.Stdin = strings.NewReader(batch.String())
	if out, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("ip -batch: %v: %s", err, out)
	}
	ip := netip.MustParseAddr("10.9.0.100")
	b.Run("dump", func(b *testing.B) {
		n.in(func() {
			for b.Loop() {
				if _, ok := Lookup(ip); !ok {
					b.Fatal("unjudged")
				}
			}
		})
	})
	b.Run("table", func(b *testing.B) {
		var tab *Table
		var err error
		n.in(func() { tab, err = NewTable() })
		if err != nil {
			b.Fatal(err)
		}
		defer tab.Close()
		for b.Loop() {
			if _, ok := tab.Lookup(ip); !ok {
				b.Fatal("unjudged")
			}
		}
	})
	b.Run("table-parallel", func(b *testing.B) {
		var tab *Table
		var err error
		n.in(func() { tab, err = NewTable() })
		if err != nil {
			b.Fatal(err)
		}
		defer tab.Close()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, ok := tab.Lookup(ip); !ok {
					b.Error("unjudged")
					return
				}
			}
		})
	})
}

// phoneNS is a namespace with a veth pair and one permanent neighbour
// entry, the phone 192.0.2.50 at 80:5e:c0:11:22:33 on v0, and a table
// opened in it.
func phoneNS(t testing.TB) (*testNS, *Table) {
	n := newTestNS(t)
	for _, args := range [][]string{
		{"link", "add", "v0", "type", "veth", "peer", "name", "v1"},
		{"addr", "add", "192.0.2.1/24", "dev", "v0"},
		{"link", "set", "v0", "up"},
		{"link", "set", "v1", "up"},
		{"neigh", "add", "192.0.2.50", "lladdr", "80:5e:c0:11:22:33", "dev", "v0", "nud", "permanent"},
	} {
		n.ip(t, args...)
	}
	var tab *Table
	var err error
	n.in(func() { tab, err = NewTable() })
	if err != nil {
		t.Fatalf("NewTable: %v", err)
	}
	t.Cleanup(func() { tab.Close() })
	return n, tab
}
