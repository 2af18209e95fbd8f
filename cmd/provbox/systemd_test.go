package main

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin"
)

// startUnderWatchdog runs the binary the way systemd does with
// WatchdogSec: WATCHDOG_USEC, and WATCHDOG_PID naming the daemon itself
// (the shell execs provbox, which keeps the shell's PID).
func startUnderWatchdog(t *testing.T, bin, cfg string) *process {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh to set WATCHDOG_PID")
	}
	return launch(t, []string{sh, "-c", `WATCHDOG_PID=$$ exec "$0" serve -c "$1"`, bin, cfg}, "WATCHDOG_USEC=100000")
}

// TestSystemdLifecycle runs `provbox serve` as systemd would and checks
// every notification: READY=1 with STATUS= once serving, WATCHDOG=1
// pings, RELOADING=1 then READY=1 on SIGHUP (a bad file is refused and
// the old configuration serves on), STOPPING=1 and exit 0 on SIGTERM.
func TestSystemdLifecycle(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	cfg := newConfig(t, loopbackConfig)
	p := startUnderWatchdog(t, bin, cfg)
	ready := p.waitFor(t, "READY=1")
	if !strings.Contains(ready, "STATUS=serving 0 devices, 0 leases, 0 bans") {
		t.Errorf("READY without the status line: %q", ready)
	}
	p.waitFor(t, "WATCHDOG=1")
	p.waitFor(t, "WATCHDOG=1")

	cl := admin.Dial(filepath.Join(filepath.Dir(cfg), "admin.sock"))
	defer cl.Close()
	if _, err := cl.AddAccount(t.Context(), admin.AccountInput{Name: "office", SIPServer: "pbx.example.org"}); err != nil {
		t.Fatal(err)
	}
	if _, err := cl.AddDevice(t.Context(), admin.DeviceInput{MAC: "805ec0112233", Account: "office", Vendor: "yealink"}); err != nil {
		t.Fatal(err)
	}

	// A good reload: live settings apply, a listener change is flagged.
	writeFile(t, cfg, strings.Replace(loopbackConfig, "[http]\n"+`listen = "127.0.0.1:0"`, "[http]\n"+`listen = "127.0.0.1:1"`, 1)+"[bans]\nmax_retry = 3\n[log]\nlevel = \"debug\"\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	if m := p.waitFor(t, "RELOADING=1"); !strings.Contains(m, "MONOTONIC_USEC=") {
		t.Errorf("RELOADING=1 without MONOTONIC_USEC: %q", m)
	}
	if m := p.waitFor(t, "READY=1"); !strings.Contains(m, "STATUS=serving 1 devices") {
		t.Errorf("READY after reload: %q", m)
	}
	if log := p.stderr.String(); !strings.Contains(log, "change needs a restart") || !strings.Contains(log, "key=http") ||
		!strings.Contains(log, "configuration reloaded") {
		t.Errorf("reload log:\n%s", log)
	}

	// A bad file: refused, named, and the daemon serves on.
	writeFile(t, cfg, loopbackConfig+"[bans]\nmax_retyr = 3\n")
	p.cmd.Process.Signal(syscall.SIGHUP)
	p.waitFor(t, "RELOADING=1")
	if m := p.waitFor(t, "READY=1"); !strings.Contains(m, "last reload refused") {
		t.Errorf("READY after a refused reload: %q", m)
	}
	if log := p.stderr.String(); !strings.Contains(log, "reload refused, still serving the previous configuration") ||
		!strings.Contains(log, `provbox.toml:16: unknown key \"bans.max_retyr\"`) {
		t.Errorf("refused reload log:\n%s", log)
	}
	if st, err := cl.Status(t.Context()); err != nil || st.Devices != 1 {
		t.Errorf("after a refused reload: %+v %v", st, err)
	}
	p.waitFor(t, "WATCHDOG=1")

	p.cmd.Process.Signal(syscall.SIGTERM)
	p.waitFor(t, "STOPPING=1")
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if code := p.wait(t, ctx); code != 0 {
		t.Errorf("exit %d after SIGTERM; stderr:\n%s", code, p.stderr)
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(cfg), "admin.sock")); !os.IsNotExist(err) {
		t.Errorf("admin socket left after a clean stop: %v", err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestServeExitCodes: a config serve cannot start with is exit 2 with the
// key named; a runtime failure (port taken) is exit 1; check says 0 or 1.
func TestServeExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	bad := newConfig(t, loopbackConfig+"[log]\nlevel = \"loud\"\n")
	out, err := exec.Command(bin, "serve", "-c", bad).CombinedOutput()
	if code := exitOf(err); code != exitUsage || !strings.Contains(string(out), `provbox.toml:16: log.level: "loud"`) {
		t.Errorf("serve with a bad config: exit %d\n%s", code, out)
	}
	out, err = exec.Command(bin, "check", "-c", bad).CombinedOutput()
	if code := exitOf(err); code != exitFailure || !strings.Contains(string(out), "log.level") {
		t.Errorf("check with a bad config: exit %d\n%s", code, out)
	}
	good := newConfig(t, loopbackConfig)
	cmd := exec.Command(bin, "check")
	cmd.Env = append(os.Environ(), envConfig+"="+good)
	if out, err := cmd.CombinedOutput(); exitOf(err) != 0 || !strings.Contains(string(out), good+": ok") {
		t.Errorf("check via $PROVBOX_CONFIG: %v\n%s", err, out)
	}
	startBinary(t, bin, good)
	second := newConfig(t, strings.Replace(loopbackConfig, `socket = "admin.sock"`, `socket = "`+filepath.Join(filepath.Dir(good), "admin.sock")+`"`, 1))
	out, err = exec.Command(bin, "serve", "-c", second).CombinedOutput()
	if code := exitOf(err); code != exitFailure || !strings.Contains(string(out), "another provbox daemon is running") {
		t.Errorf("second daemon: exit %d\n%s", code, out)
	}
	if out, err := exec.Command(bin, "--help").CombinedOutput(); exitOf(err) != 0 || !strings.Contains(string(out), "2  usage error") {
		t.Errorf("--help: %v\n%s", err, out)
	}
}

func exitOf(err error) int {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		return -1
	}
	return 0
}

func TestWatchdogPingsOnlyWhileHealthy(t *testing.T) {
	tick := make(chan time.Time)
	results := make(chan error) // each tick's health answer, fed by the test
	health := func(ctx context.Context) error { return <-results }
	var pings atomic.Int32
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		watchdog(ctx, tick, time.Second, health, func() { pings.Add(1) }, slog.New(slog.DiscardHandler))
	}()
	stuck := errors.New("stuck")
	for _, r := range []error{nil, stuck, stuck, nil, nil} {
		tick <- time.Now()
		results <- r
	}
	cancel()
	<-done
	if n := pings.Load(); n != 3 {
		t.Errorf("%d pings, want 3: none while the core is stuck", n)
	}
}

func TestRestartKeys(t *testing.T) {
	load := func(text string) *fileConfig {
		c, err := decodeConfig(writeConfig(t, text))
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	base := load(validBase)
	cases := []struct {
		name, text, want string
	}{
		{"same", validBase, ""},
		{"live only", validBase + "[bans]\nmax_retry = 3\n[log]\nlevel = \"debug\"\n[provisioning]\nunlock_window = \"1h\"\n", ""},
		{"bootstrap is live", strings.Replace(validBase, "interfaces", "bootstrap = \"tftp\"\ninterfaces", 1), ""},
		{"http listen", strings.Replace(validBase, `listen = "127.0.0.1:0"`+"\n[admin]", `listen = "127.0.0.1:80"`+"\n[admin]", 1), "http"},
		{"interfaces and pool", strings.Replace(strings.Replace(validBase, `["eth1"]`, `["eth2"]`, 1), "10.20.0.250", "10.20.0.240", 1), "dhcp.interfaces,dhcp.subnet"},
		{"socket", strings.Replace(validBase, "admin.sock", "other.sock", 1), "admin.socket"},
	}
	for _, tc := range cases {
		next := load(tc.text)
		next.path = base.path // the same file, re-read
		if got := strings.Join(restartKeys(base, next), ","); got != tc.want {
			t.Errorf("%s: restart keys %q, want %q", tc.name, got, tc.want)
		}
	}
}
