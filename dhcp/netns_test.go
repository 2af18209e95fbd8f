package dhcp

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/dhcp/internal/nstest"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/store"
)

// The namespace helpers live in internal/nstest, shared with the
// conformance suite.
func requireRoot(t *testing.T, tools ...string) { t.Helper(); nstest.RequireRoot(t, tools...) }
func uniq() string                              { return nstest.Uniq() }
func sh(t testing.TB, args ...string) string    { t.Helper(); return nstest.Sh(t, args...) }
func addNS(t testing.TB, name string) string    { t.Helper(); return nstest.AddNS(t, name) }
func inNS(ns string, fn func() error) error     { return nstest.InNS(ns, fn) }
func link(t testing.TB, nsA, ifA, addrA, nsB, ifB, addrB string) {
	t.Helper()
	nstest.Link(t, nsA, ifA, addrA, nsB, ifB, addrB)
}

// helperConfig is what the server helper process serves.
type helperConfig struct {
	Dir  string
	DHCP Config
	Boot provisioning.BootConfig
}

const helperEnv = "PROVBOX_DHCP_HELPER"

// TestHelperServer is not a test: re-executed under `ip netns exec`, it runs
// a real server (SQLite store, core, dhcp) on the configured interfaces
// until SIGTERM, printing READY once bound.
func TestHelperServer(t *testing.T) {
	raw := os.Getenv(helperEnv)
	if raw == "" {
		t.Skip("helper process for the namespace tests")
	}
	var hc helperConfig
	if err := json.Unmarshal([]byte(raw), &hc); err != nil {
		t.Fatal(err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	st, err := store.Open(ctx, hc.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	reg, _ := profile.New("")
	svc, err := provisioning.New(ctx, provisioning.Config{Boot: hc.Boot}, st, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	// Warnings go to stderr, which the test keeps (h.logs).
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	s, err := New(hc.DHCP, svc, log)
	if err != nil {
		t.Fatal(err)
	}
	var conns []net.PacketConn
	for _, name := range hc.DHCP.Interfaces {
		c, err := Bind(name, 0)
		if err != nil {
			t.Fatal(err)
		}
		conns = append(conns, c)
	}
	fmt.Println("READY")
	if err := s.Serve(ctx, conns...); err != nil {
		t.Fatal(err)
	}
}

// helper is a running server process.
type helper struct {
	cmd  *exec.Cmd
	logs *provtest.LogBuffer
	done chan struct{}
}

// startHelper runs the server helper in namespace ns and waits for READY.
func startHelper(t testing.TB, ns string, hc helperConfig) *helper {
	t.Helper()
	raw, err := json.Marshal(hc)
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", ns, exe, "-test.run=^TestHelperServer$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+string(raw))
	h := &helper{cmd: cmd, logs: &provtest.LogBuffer{}, done: make(chan struct{})}
	cmd.Stderr = h.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan bool, 1)
	go func() {
		sc := bufio.NewScanner(out)
		ok := false
		for sc.Scan() {
			h.logs.Write(append(sc.Bytes(), '\n'))
			if !ok && sc.Text() == "READY" {
				ok = true
				ready <- true
			}
		}
		if !ok {
			ready <- false
		}
		cmd.Wait()
		close(h.done)
	}()
	t.Cleanup(func() { h.kill(syscall.SIGKILL) })
	select {
	case ok := <-ready:
		if !ok {
			t.Fatalf("server helper exited before READY:\n%s", h.logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("server helper not ready:\n%s", h.logs)
	}
	return h
}

// kill signals the helper and waits for it to exit.
func (h *helper) kill(sig syscall.Signal) {
	select {
	case <-h.done:
		return
	default:
	}
	h.cmd.Process.Signal(sig)
	select {
	case <-h.done:
	case <-time.After(20 * time.Second):
		h.cmd.Process.Kill()
		<-h.done
	}
}

// storedLeases reads the leases in the database at dir (helper stopped).
func storedLeases(t testing.TB, dir string) map[string]provisioning.Lease {
	t.Helper()
	st, err := store.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ls, err := st.Leases(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]provisioning.Lease{}
	for _, l := range ls {
		out[l.IP.String()] = l
	}
	return out
}
