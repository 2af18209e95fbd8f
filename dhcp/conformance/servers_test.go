package conformance

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/store"
)

// setup is what a test needs of the server beyond the fixed topology.
type setup struct {
	nonAuthoritative bool
	poolSize         int // direct pool size; 0: 10
}

// target starts one DHCP server in e's server namespace with fresh state
// and returns once it is bound; t.Cleanup stops it.
type target struct {
	name  string
	start func(t *testing.T, e *env, s setup)
}

var targets = []target{{"provbox", startProvbox}, {"kea", startKea}}

const (
	leaseSecs = 3600
	t1Secs    = 1800
	t2Secs    = 3150
)

func (s setup) directRange() (string, string) {
	n := s.poolSize
	if n == 0 {
		n = 10
	}
	return "10.90.0.10", fmt.Sprintf("10.90.0.%d", 10+n-1)
}

// serverEnv carries the provbox server's configuration to the re-executed
// test binary.
const serverEnv = "PROVBOX_CONFORMANCE_SERVER"

type serverConfig struct {
	Dir  string
	DHCP dhcp.Config
}

// TestMain runs the provbox server instead of the tests when re-executed
// under `ip netns exec` with serverEnv set.
func TestMain(m *testing.M) {
	if raw := os.Getenv(serverEnv); raw != "" {
		if err := serveProvbox(raw); err != nil {
			fmt.Fprintln(os.Stderr, "provbox server:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// serveProvbox runs the real server (SQLite store, core, dhcp.Server) on
// the configured interfaces until SIGTERM, printing READY once bound.
func serveProvbox(raw string) error {
	var sc serverConfig
	if err := json.Unmarshal([]byte(raw), &sc); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	st, err := store.Open(ctx, sc.Dir)
	if err != nil {
		return err
	}
	defer st.Close()
	reg, err := profile.New("")
	if err != nil {
		return err
	}
	boot := provisioning.BootConfig{Proto: "http", Host: "10.90.0.1"}
	svc, err := provisioning.New(ctx, provisioning.Config{Boot: boot}, st, reg, nil)
	if err != nil {
		return err
	}
	defer svc.Close()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug}))
	s, err := dhcp.New(sc.DHCP, svc, log)
	if err != nil {
		return err
	}
	var conns []net.PacketConn
	for _, name := range sc.DHCP.Interfaces {
		c, err := dhcp.Bind(name, 0)
		if err != nil {
			return err
		}
		conns = append(conns, c)
	}
	fmt.Println("READY")
	return s.Serve(ctx, conns...)
}

func startProvbox(t *testing.T, e *env, s setup) {
	lo, hi := s.directRange()
	cfg := dhcp.Config{
		Interfaces: []string{e.srvCli, e.srvRel}, Authoritative: !s.nonAuthoritative, LeaseTime: leaseSecs * time.Second,
		Subnets: []dhcp.Subnet{
			{CIDR: netip.MustParsePrefix("10.90.0.0/24"), Range: dhcp.Range{First: netip.MustParseAddr(lo), Last: netip.MustParseAddr(hi)},
				Router: []netip.Addr{netip.MustParseAddr("10.90.0.1")}},
			{CIDR: netip.MustParsePrefix("10.92.0.0/24"), Range: dhcp.Range{First: netip.MustParseAddr("10.92.0.10"), Last: netip.MustParseAddr("10.92.0.19")}, Router: []netip.Addr{netip.MustParseAddr("10.92.0.1")},
				Relays: []netip.Addr{netip.MustParseAddr("10.91.0.2")}},
		},
	}
	raw, err := json.Marshal(serverConfig{Dir: t.TempDir(), DHCP: cfg})
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", e.srv, exe)
	cmd.Env = append(os.Environ(), serverEnv+"="+string(raw))
	runUntil(t, cmd, "READY")
}

func startKea(t *testing.T, e *env, s setup) {
	if _, err := exec.LookPath("kea-dhcp4"); err != nil {
		t.Skip("kea-dhcp4 not installed (Debian: kea-dhcp4-server): the Kea control run is skipped")
	}
	dir := t.TempDir()
	lo, hi := s.directRange()
	subnet := func(id int, cidr, pool, router string) map[string]any {
		return map[string]any{"id": id, "subnet": cidr, "pools": []any{map[string]any{"pool": pool}},
			"option-data": []any{map[string]any{"name": "routers", "data": router}}}
	}
	conf := map[string]any{"Dhcp4": map[string]any{
		"interfaces-config": map[string]any{"interfaces": []string{e.srvCli, e.srvRel}, "dhcp-socket-type": "raw"},
		"lease-database":    map[string]any{"type": "memfile", "persist": true, "name": filepath.Join(dir, "leases4.csv"), "lfc-interval": 0},
		"valid-lifetime":    leaseSecs, "renew-timer": t1Secs, "rebind-timer": t2Secs,
		"authoritative": !s.nonAuthoritative,
		"subnet4": []any{subnet(1, "10.90.0.0/24", lo+" - "+hi, "10.90.0.1"),
			subnet(2, "10.92.0.0/24", "10.92.0.10 - 10.92.0.19", "10.92.0.1")},
		"loggers": []any{map[string]any{"name": "kea-dhcp4", "severity": "INFO",
			"output_options": []any{map[string]any{"output": "stdout"}}}},
	}}
	b, _ := json.MarshalIndent(conf, "", "  ")
	path := filepath.Join(dir, "kea-dhcp4.conf")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("ip", "netns", "exec", e.srv, "kea-dhcp4", "-c", path)
	cmd.Env = append(os.Environ(), "KEA_PIDFILE_DIR="+dir, "KEA_LOCKFILE_DIR="+dir)
	runUntil(t, cmd, "DHCP4_STARTED")
}

// runUntil starts cmd, waits until a line of its output contains ready,
// and stops it by its PID (SIGTERM, then SIGKILL) at cleanup. The
// server's output is logged if the test fails.
func runUntil(t *testing.T, cmd *exec.Cmd, ready string) {
	t.Helper()
	logs := &provtest.LogBuffer{}
	cmd.Stderr = logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done, up := make(chan struct{}), make(chan bool, 1)
	go func() {
		sc, seen := bufio.NewScanner(out), false
		for sc.Scan() {
			logs.Write(append(sc.Bytes(), '\n'))
			if !seen && strings.Contains(sc.Text(), ready) {
				seen = true
				up <- true
			}
		}
		if !seen {
			up <- false
		}
		cmd.Wait()
		close(done)
	}()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
		if t.Failed() {
			t.Logf("server output:\n%s", logs)
		}
	})
	select {
	case ok := <-up:
		if !ok {
			t.Fatalf("server exited before %s:\n%s", ready, logs)
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("server not ready:\n%s", logs)
	}
}
