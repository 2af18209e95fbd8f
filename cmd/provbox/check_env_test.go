package main

import (
	"bytes"
	"context"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// treeOf lists every path under dir, for before/after comparisons.
func treeOf(t *testing.T, dir string) []string {
	t.Helper()
	var paths []string
	err := filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		paths = append(paths, p)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return paths
}

// checkCreatesNothingConfig has a state_dir that does not exist.
const checkCreatesNothingConfig = `state_dir = "var/state"
[server]
advertise = "127.0.0.1"
[http]
listen = "127.0.0.1:0"
[provisioning]
unverified_networks = ["127.0.0.0/8"]
[admin]
socket = "admin.sock"
`

// TestCheckCreatesNothing: `provbox check` reads and reports; it creates
// neither the state directory nor a probe file.
func TestCheckCreatesNothing(t *testing.T) {
	cfg := newConfig(t, checkCreatesNothingConfig)
	dir := filepath.Dir(cfg)
	before := treeOf(t, dir)
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"check", "-c", cfg}, &out, &errb); err != nil {
		t.Fatalf("check: %v\n%s", err, errb.String())
	}
	if after := treeOf(t, dir); !slices.Equal(before, after) {
		t.Errorf("check changed %s:\nbefore %q\nafter  %q", dir, before, after)
	}
	if strings.Contains(errb.String(), "state_dir") {
		t.Errorf("stderr %q: a state_dir serve can create is not worth a warning", errb.String())
	}
}

// TestCheckCreatesNothingUnprivileged runs the binary as nobody (setpriv)
// against a valid file whose state directory it may not create: the file
// is ok, nothing is created, and check says what it could not verify.
func TestCheckCreatesNothingUnprivileged(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root to switch to an unprivileged user")
	}
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("setpriv (util-linux) not installed")
	}
	bin := buildBinary(t)
	cfg := newConfig(t, checkCreatesNothingConfig)
	dir := filepath.Dir(cfg)
	// nobody may read the file and walk to it, but not write beside it.
	for p := dir; p != "/"; p = filepath.Dir(p) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o001 == 0 {
			if err := os.Chmod(p, fi.Mode().Perm()|0o001); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chmod(cfg, 0o644); err != nil {
		t.Fatal(err)
	}
	before := treeOf(t, dir)
	cmd := exec.Command(setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", bin, "check", "-c", cfg)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("check as nobody: %v\n%s", err, out)
	}
	if after := treeOf(t, dir); !slices.Equal(before, after) {
		t.Errorf("check changed %s:\nbefore %q\nafter  %q", dir, before, after)
	}
	for _, want := range []string{cfg + ": ok", "is not writable by you: not verified that serve can create it"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("output %q, want %q", out, want)
		}
	}
}

// TestCheckWarnsAboutTheMachine: example values that do not fit this
// machine are named: a missing interface, a foreign advertise address, a
// listener that cannot bind.
func TestCheckWarnsAboutTheMachine(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	text := `state_dir = "state"
[server]
advertise = "192.0.2.77"
[dhcp]
enabled = true
interfaces = ["lo", "provbox-nx0"]
[[dhcp.subnet]]
cidr = "127.0.0.0/8"
range = "127.0.0.100-127.0.0.200"
[http]
listen = "` + busy.Addr().String() + `"
[admin]
socket = "admin.sock"
web_listen = "192.0.2.77:8443"
web_password_file = "pw"
`
	cfg := newConfig(t, text)
	if err := os.WriteFile(filepath.Join(filepath.Dir(cfg), "pw"), []byte("secret-secret-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if err := run(context.Background(), []string{"check", "-c", cfg}, &out, &errb); err != nil {
		t.Fatalf("check: %v\n%s", err, errb.String())
	}
	for _, want := range []string{
		`warning: dhcp.interfaces[1]: no interface "provbox-nx0" on this machine (have: `,
		"warning: server.advertise: 192.0.2.77 is not an address of this machine",
		"warning: http.listen: " + busy.Addr().String() + " is in use by another program",
		"warning: admin.web_listen: 192.0.2.77:8443: the address is not this machine's",
	} {
		if !strings.Contains(errb.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errb.String())
		}
	}
	if strings.Contains(errb.String(), `"lo"`) {
		t.Errorf("lo exists but was reported:\n%s", errb.String())
	}
}

// TestFailedStartLeavesNoDatabase: a start that fails after opening a new
// database removes it; the machine is as it was.
func TestFailedStartLeavesNoDatabase(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	text := strings.Replace(loopbackConfig, `listen = "127.0.0.1:0"`+"\n[provisioning]", `listen = "`+busy.Addr().String()+`"`+"\n[provisioning]", 1)
	cfg := newConfig(t, text)
	c, reg, err := loadConfig(cfg, noEnv)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := openDaemon(context.Background(), c, reg, slog.New(slog.DiscardHandler)); err == nil {
		t.Fatal("start with a busy port succeeded")
	}
	entries, _ := os.ReadDir(c.stateDirPath())
	if len(entries) != 0 {
		t.Errorf("a failed start left %v in %s", entries, c.stateDirPath())
	}
}

// TestStartFailureTellsSystemd: a serve that cannot start sends systemd
// a STATUS= line with the reason before it exits, so `systemctl status`
// says why between restarts.
func TestStartFailureTellsSystemd(t *testing.T) {
	bin := buildBinary(t)
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	text := strings.Replace(loopbackConfig, `listen = "127.0.0.1:0"`+"\n[provisioning]", `listen = "`+busy.Addr().String()+`"`+"\n[provisioning]", 1)
	p := launch(t, []string{bin, "serve", "-c", newConfig(t, text)})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if code := p.wait(t, ctx); code != exitFailure {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailure, p.stderr)
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case m := <-p.msgs:
			if strings.HasPrefix(m, "STATUS=cannot start: ") && strings.Contains(m, busy.Addr().String()) {
				return
			}
		case <-deadline:
			t.Fatalf("no STATUS=cannot start naming %s; stderr:\n%s", busy.Addr(), p.stderr)
		}
	}
}
