package packaging

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// boot starts systemd in root under systemd-nspawn, without a network
// (--private-network: loopback only) and without host registration (no
// machined or D-Bus on the host), waits until it has booted, and returns
// the machine that runs commands inside it. The container is powered off
// when the test ends.
func boot(t *testing.T, root string) machine {
	t.Helper()
	notify := listenNotify(t)
	console, err := os.Create(filepath.Join(filepath.Dir(root), "console.log"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { console.Close() })
	cmd := exec.Command("systemd-nspawn", "--quiet", "--boot", "--directory="+root,
		"--machine="+containerName, "--private-network", "--register=no", "--keep-unit",
		"--notify-ready=yes")
	cmd.Env = append(os.Environ(), "NOTIFY_SOCKET="+notify.LocalAddr().String())
	cmd.Stdout, cmd.Stderr = console, console
	if err := cmd.Start(); err != nil {
		t.Fatalf("systemd-nspawn: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { powerOff(t, cmd, exited) })
	leader := awaitReady(t, notify, console.Name())
	m := machine{enter: []string{"nsenter", "--target=" + leader, "--all"}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "nsenter", "--target="+leader, "--all",
		"systemctl", "is-system-running", "--wait").CombinedOutput()
	if err != nil || strings.TrimSpace(string(out)) != "running" {
		failed, _ := m.command("systemctl", "--failed", "--no-pager").CombinedOutput()
		t.Fatalf("container boot: %q (%v)\n%s", out, err, failed)
	}
	return m
}

// listenNotify is the sd_notify socket nspawn reports the container's
// leader PID and readiness on.
func listenNotify(t *testing.T) *net.UnixConn {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify.sock")
	c, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// awaitReady reads nspawn's notifications until the container's systemd
// is up (READY=1) and returns its PID on the host (X_NSPAWN_LEADER_PID).
func awaitReady(t *testing.T, c *net.UnixConn, consoleLog string) (leader string) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(time.Minute))
	buf := make([]byte, 4096)
	ready := false
	for leader == "" || !ready {
		n, err := c.Read(buf)
		if err != nil {
			log, _ := os.ReadFile(consoleLog)
			t.Fatalf("waiting for the container to boot: %v\n%s", err, tail(log, 3000))
		}
		for _, l := range strings.Split(string(buf[:n]), "\n") {
			if v, ok := strings.CutPrefix(l, "X_NSPAWN_LEADER_PID="); ok {
				leader = v
			}
			ready = ready || l == "READY=1"
		}
	}
	return leader
}

// powerOff asks nspawn to shut the container down cleanly (SIGTERM
// becomes a poweroff of its systemd), kills it after 30s, and removes
// the state nspawn leaves in /run.
func powerOff(t *testing.T, cmd *exec.Cmd, exited <-chan error) {
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(30 * time.Second):
		t.Errorf("the container did not power off in 30s; killing systemd-nspawn")
		cmd.Process.Kill()
		<-exited
	}
	os.RemoveAll(filepath.Join("/run/systemd/nspawn/propagate", containerName))
}
