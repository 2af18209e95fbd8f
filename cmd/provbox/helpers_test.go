package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
	"github.com/provbox/provbox/provisioning/store"
)

// loopbackConfig runs unprivileged on 127.0.0.1 with ephemeral ports; the
// state and the admin socket live next to the file.
const loopbackConfig = `state_dir = "state"
[server]
advertise = "127.0.0.1"
[tftp]
enabled = true
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
[provisioning]
# Loopback has no neighbour table and DHCP is off: nothing can vouch for
# a requester, so loopback is opted in, as in configs/loopback.toml.
unverified_networks = ["127.0.0.0/8", "::1/128"]
[admin]
socket = "admin.sock"
`

// newConfig writes text as provbox.toml in a fresh directory.
func newConfig(t *testing.T, text string) string {
	t.Helper()
	return configFile(t, "provbox.toml", text)
}

// configFile writes text as name in a fresh directory and returns its path.
func configFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// testDaemon is an in-process daemon: the same openDaemon and serve that
// `provbox serve` runs, without the process-wide signal handling.
type testDaemon struct {
	d      *daemon
	cancel context.CancelFunc
	done   chan error
	log    *provtest.LogBuffer
	once   sync.Once
	err    error
}

// startDaemon starts a daemon on cfgPath and returns once every socket is
// bound and served. It is stopped at the end of the test.
func startDaemon(t *testing.T, cfgPath string) *testDaemon {
	t.Helper()
	cfg, reg, err := loadConfig(cfgPath, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	td := &testDaemon{done: make(chan error, 1), log: &provtest.LogBuffer{}}
	log := slog.New(slog.NewTextHandler(td.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	td.cancel = cancel
	if td.d, err = openDaemon(ctx, cfg, reg, log); err != nil {
		cancel()
		t.Fatal(err)
	}
	td.d.enableReload(cfgPath, noEnv)
	ready := make(chan struct{})
	go func() {
		defer td.d.close()
		td.done <- td.d.serve(ctx, hooks{ready: func(context.Context) { close(ready) }})
	}()
	<-ready
	t.Cleanup(func() { td.stop(t) })
	return td
}

// stop cancels the daemon and waits until it has closed everything.
func (td *testDaemon) stop(t *testing.T) {
	t.Helper()
	td.once.Do(func() {
		td.cancel()
		td.err = <-td.done
	})
	if td.err != nil {
		t.Errorf("daemon stopped with %v\nlog:\n%s", td.err, td.log)
	}
}

// cliResult is what one CLI invocation printed and its exit status.
type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs `provbox -c cfgPath args...` in-process.
func runCLI(t *testing.T, cfgPath string, args ...string) cliResult {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(t.Context(), append([]string{"-c", cfgPath}, args...), &out, &errOut)
	code := exitCode(err, &errOut)
	return cliResult{stdout: out.String(), stderr: errOut.String(), code: code}
}

// mustCLI runs the CLI and fails the test unless it exits 0.
func mustCLI(t *testing.T, cfgPath string, args ...string) string {
	t.Helper()
	r := runCLI(t, cfgPath, args...)
	if r.code != 0 {
		t.Fatalf("provbox %s: exit %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, r.stdout, r.stderr)
	}
	return r.stdout
}

// failCLI runs the CLI and checks it exits with code and says want.
func failCLI(t *testing.T, cfgPath string, code int, want string, args ...string) {
	t.Helper()
	r := runCLI(t, cfgPath, args...)
	if r.code != code || !strings.Contains(r.stderr, want) {
		t.Errorf("provbox %s: exit %d, stderr %q; want exit %d and %q", strings.Join(args, " "), r.code, r.stderr, code, want)
	}
}

// daemonWithEvents writes es into a fresh daemon's state, as earlier
// runs (or an older provbox) would have, then starts the daemon over
// it; it returns the config's path.
func daemonWithEvents(t *testing.T, es []provisioning.Event) string {
	t.Helper()
	cfgPath := newConfig(t, loopbackConfig)
	cfg, _, err := loadConfig(cfgPath, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(cfg.stateDirPath(), 0o700); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), cfg.stateDirPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.AddEvents(context.Background(), es); err != nil {
		t.Fatal(err)
	}
	st.Close()
	startDaemon(t, cfgPath)
	return cfgPath
}
