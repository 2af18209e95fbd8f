package packaging

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// testUnitConfig points the installed unit at loopback only: no DHCP,
// TFTP and HTTP on ephemeral 127.0.0.1 ports, the packaged state dir.
const testUnitConfig = `state_dir = "/var/lib/provbox"
[server]
advertise = "127.0.0.1"
[dhcp]
enabled = false
[tftp]
enabled = true
listen = "127.0.0.1:0"
[http]
listen = "127.0.0.1:0"
`

// runUnderSystemd starts the installed unit, sandbox and all, where
// systemd is PID 1 (a CI VM; containers skip): it must become active with
// a status line, hold only its two capabilities as user provbox under a
// seccomp filter, answer `provbox status` on its socket, survive a
// reload, and stop cleanly. A drop-in in /run swaps in a loopback-only
// config; the test removes it.
func runUnderSystemd(t *testing.T, uid int) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		t.Skip("systemd is not PID 1 here: the unit's sandbox is not exercised")
	}
	systemctl := needTool(t, "systemctl", "systemd")
	cfg := installTestUnit(t, systemctl)
	if out, err := exec.Command(systemctl, "start", "provbox.service").CombinedOutput(); err != nil {
		t.Fatalf("systemctl start: %v\n%s\n%s", err, out, journal(t))
	}
	props := unitProps(t, systemctl)
	if props["ActiveState"] != "active" || props["StatusText"] == "" {
		t.Errorf("after start: %v\n%s", props, journal(t))
	}
	pid := props["MainPID"]
	checkProcess(t, pid, uid)
	checkAdminSocket(t, cfg)
	run(t, systemctl, "reload", "provbox.service")
	if p := unitProps(t, systemctl); p["ActiveState"] != "active" || p["MainPID"] != pid {
		t.Errorf("after reload: %v (MainPID was %s)\n%s", p, pid, journal(t))
	}
	run(t, systemctl, "stop", "provbox.service")
	if p := unitProps(t, systemctl); p["ActiveState"] != "inactive" || p["Result"] != "success" {
		t.Errorf("after stop: %v\n%s", p, journal(t))
	}
}

// installTestUnit writes the loopback config and the drop-in that uses
// it, and removes both (stopping the unit) when the test ends.
func installTestUnit(t *testing.T, systemctl string) (cfg string) {
	t.Helper()
	cfgDir, dropDir := "/run/provbox-test", "/run/systemd/system/provbox.service.d"
	t.Cleanup(func() {
		exec.Command(systemctl, "stop", "provbox.service").Run()
		os.RemoveAll(dropDir)
		os.RemoveAll(cfgDir)
		exec.Command(systemctl, "daemon-reload").Run()
		exec.Command(systemctl, "reset-failed", "provbox.service").Run()
	})
	cfg = filepath.Join(cfgDir, "provbox.toml")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cfg, []byte(testUnitConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	dropIn := fmt.Sprintf("[Service]\nExecStartPre=\nExecStartPre=/usr/bin/provbox check -c %s\n"+
		"ExecStart=\nExecStart=/usr/bin/provbox serve -c %s\n", cfg, cfg)
	if err := os.MkdirAll(dropDir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dropDir, "zz-packaging-test.conf"), []byte(dropIn), 0o644); err != nil {
		t.Fatal(err)
	}
	run(t, systemctl, "daemon-reload")
	return cfg
}

func unitProps(t *testing.T, systemctl string) map[string]string {
	t.Helper()
	out := stdout(t, systemctl, "show", "provbox.service",
		"-p", "ActiveState", "-p", "SubState", "-p", "Result", "-p", "MainPID", "-p", "StatusText")
	props := map[string]string{}
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			props[k] = v
		}
	}
	return props
}

// checkProcess reads /proc/PID/status: user provbox, effective and
// bounding capabilities exactly NET_BIND_SERVICE (10) and NET_RAW (13),
// no_new_privs, and a seccomp filter.
func checkProcess(t *testing.T, pid string, uid int) {
	t.Helper()
	status := readFile(t, filepath.Join("/proc", pid, "status"))
	want := map[string]string{
		"CapEff":     fmt.Sprintf("%016x", 1<<10|1<<13),
		"CapBnd":     fmt.Sprintf("%016x", 1<<10|1<<13),
		"NoNewPrivs": "1",
		"Seccomp":    "2",
	}
	got := map[string]string{}
	for _, l := range strings.Split(status, "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok {
			got[k] = strings.TrimSpace(v)
		}
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("/proc/%s/status %s: %q, want %q", pid, k, got[k], v)
		}
	}
	if f := strings.Fields(got["Uid"]); len(f) == 0 || f[0] != strconv.Itoa(uid) {
		t.Errorf("/proc/%s/status Uid: %q, want provbox (%d)", pid, got["Uid"], uid)
	}
}

// checkAdminSocket: the CLI reaches the daemon through
// /run/provbox/admin.sock, which is 0660 and group provbox.
func checkAdminSocket(t *testing.T, cfg string) {
	t.Helper()
	fi, err := os.Stat("/run/provbox/admin.sock")
	if err != nil {
		t.Fatalf("admin socket: %v", err)
	}
	if fi.Mode()&os.ModeSocket == 0 || fi.Mode().Perm() != 0o660 {
		t.Errorf("admin socket mode %v, want a 0660 socket", fi.Mode())
	}
	run(t, "/usr/bin/provbox", "status", "-c", cfg)
}

func journal(t *testing.T) string {
	t.Helper()
	out, _ := exec.Command("journalctl", "-u", "provbox.service", "-n", "40", "--no-pager").CombinedOutput()
	return string(out)
}
