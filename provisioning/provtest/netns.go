package provtest

import (
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// netnsEnv names the test a re-executed test binary runs in its own
// network namespace.
const netnsEnv = "PROVTEST_NETNS"

// InNetns runs the calling test again, alone, in a child process with a
// network namespace of its own (so it may put any address on its
// loopback and remove nothing from the host's), and reports whether the
// caller is that child: the test body proceeds only then. In the child,
// lo is up and each of setup runs as `ip` arguments first. The parent
// fails with the child's output if the child fails, and skips when it is
// not root. Only top-level tests can run this way.
func InNetns(t *testing.T, setup ...[]string) bool {
	t.Helper()
	if os.Getenv(netnsEnv) == t.Name() {
		for _, args := range append([][]string{{"link", "set", "lo", "up"}}, setup...) {
			if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
				t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, out)
			}
		}
		awaitLocalRoutes(t)
		return true
	}
	if os.Geteuid() != 0 {
		t.Skip("needs root for a network namespace")
	}
	cmd := exec.Command(os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v",
		"-test.timeout="+(2*time.Minute).String())
	cmd.Env = append(os.Environ(), netnsEnv+"="+t.Name())
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNET}
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s in its own network namespace: %v\n%s", t.Name(), err, out)
	}
	t.Logf("in its own network namespace:\n%s", out)
	return false
}

// awaitLocalRoutes waits (up to 5 s) until every IPv6 address in the
// namespace has its local route: the kernel adds it from a work queue
// after `ip addr add` returns, even with nodad, so on a loaded machine a
// datagram sent to a fresh address right away is dropped (no route).
func awaitLocalRoutes(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		missing := missingLocalRoutes(t)
		if missing == "" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("IPv6 address %s has no local route after 5 s", missing)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// missingLocalRoutes is one IPv6 address of the namespace without a
// route in the local table, or "".
func missingLocalRoutes(t *testing.T) string {
	t.Helper()
	addrs, err := exec.Command("ip", "-6", "-o", "addr", "show").Output()
	if err != nil {
		t.Fatalf("ip -6 addr show: %v", err)
	}
	routes, err := exec.Command("ip", "-6", "route", "show", "table", "local").Output()
	if err != nil {
		t.Fatalf("ip -6 route show table local: %v", err)
	}
	local := map[string]bool{}
	for _, l := range strings.Split(string(routes), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "local" {
			local[f[1]] = true
		}
	}
	for _, l := range strings.Split(string(addrs), "\n") {
		f := strings.Fields(l)
		for i := 0; i+1 < len(f); i++ {
			if f[i] == "inet6" {
				if a, _, _ := strings.Cut(f[i+1], "/"); !local[a] {
					return a
				}
			}
		}
	}
	return ""
}
