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
