// Package nstest builds the network namespaces and veth pairs the DHCP
// tests run in (root only). Every name it hands out is unique to the test
// process, and everything it creates is removed by t.Cleanup.
package nstest

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// RequireRoot skips tests that create namespaces when they cannot, or
// when one of tools (besides ip) is missing.
func RequireRoot(t testing.TB, tools ...string) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: creates network namespaces and veth pairs")
	}
	for _, tool := range append([]string{"ip"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("needs %s (Debian: iproute2, busybox, isc-dhcp-client, kea-admin)", tool)
		}
	}
}

var seq atomic.Int32

// Uniq returns a short unique name stem (veth names are at most 15 bytes).
func Uniq() string { return fmt.Sprintf("pb%d%d", os.Getpid()%100000, seq.Add(1)) }

// Sh runs ip and friends, failing the test on error.
func Sh(t testing.TB, args ...string) string {
	t.Helper()
	out, err := exec.Command(args[0], args[1:]...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// AddNS creates a namespace with lo up; t.Cleanup deletes it (and so its
// veth ends).
func AddNS(t testing.TB, name string) string {
	t.Helper()
	Sh(t, "ip", "netns", "add", name)
	t.Cleanup(func() { exec.Command("ip", "netns", "del", name).Run() })
	Sh(t, "ip", "-n", name, "link", "set", "lo", "up")
	return name
}

// Link joins two namespaces with a veth pair, addressing each end that
// has an address ("" for none), and brings both up.
func Link(t testing.TB, nsA, ifA, addrA, nsB, ifB, addrB string) {
	t.Helper()
	Sh(t, "ip", "link", "add", ifA, "netns", nsA, "type", "veth", "peer", "name", ifB, "netns", nsB)
	for _, e := range [][3]string{{nsA, ifA, addrA}, {nsB, ifB, addrB}} {
		if e[2] != "" {
			Sh(t, "ip", "-n", e[0], "addr", "add", e[2], "dev", e[1])
		}
		Sh(t, "ip", "-n", e[0], "link", "set", e[1], "up")
	}
}

// InNS runs fn on a thread switched into namespace ns; sockets fn opens
// stay there. If switching back fails the thread stays locked, so the
// runtime discards it rather than reuse it in the wrong namespace.
func InNS(ns string, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		orig, err := os.Open("/proc/thread-self/ns/net")
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer orig.Close()
		target, err := os.Open("/run/netns/" + ns)
		if err != nil {
			runtime.UnlockOSThread()
			errc <- err
			return
		}
		defer target.Close()
		if err := unix.Setns(int(target.Fd()), unix.CLONE_NEWNET); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("entering %s: %w", ns, err)
			return
		}
		ferr := fn()
		if err := unix.Setns(int(orig.Fd()), unix.CLONE_NEWNET); err != nil {
			errc <- fmt.Errorf("leaving %s: %w", ns, err)
			return
		}
		runtime.UnlockOSThread()
		errc <- ferr
	}()
	return <-errc
}
