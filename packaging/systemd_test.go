package packaging

import (
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
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

// runUnderSystemd exercises the installed unit where systemd is PID 1 (a
// CI VM); elsewhere TestUnitInContainer does it in a booted container.
func runUnderSystemd(t *testing.T, uid int) {
	if _, err := os.Stat("/run/systemd/system"); err != nil {
		t.Skip("systemd is not PID 1 here: TestUnitInContainer exercises the sandbox")
	}
	needTool(t, "systemctl", "systemd")
	exerciseUnit(t, machine{}, uid)
}

// exerciseUnit starts the installed unit, sandbox and all, on m: it must
// become active with a status line, hold only its two capabilities as
// user provbox under a seccomp filter, answer `provbox status` for the
// provbox group only, survive a reload, and stop cleanly. A drop-in in
// /run swaps in a loopback-only config; the test removes it.
func exerciseUnit(t *testing.T, m machine, uid int) {
	cfg := installTestUnit(t, m)
	if out, err := m.command("systemctl", "start", "provbox.service").CombinedOutput(); err != nil {
		t.Fatalf("systemctl start: %v\n%s\n%s", err, out, journal(m))
	}
	props := unitProps(t, m)
	if props["ActiveState"] != "active" || props["StatusText"] == "" {
		t.Errorf("after start: %v\n%s", props, journal(m))
	}
	pid := props["MainPID"]
	checkProcess(t, m, pid, uid)
	checkAdminSocket(t, m, cfg)
	checkReload(t, m, cfg, pid)
	m.run(t, "systemctl", "stop", "provbox.service")
	if p := unitProps(t, m); p["ActiveState"] != "inactive" || p["Result"] != "success" {
		t.Errorf("after stop: %v\n%s", p, journal(m))
	}
}

// checkReload: `systemctl reload` returns once the daemon serves the
// file again (active at once, same process), and fails, naming the key
// and line, on a file the daemon refuses, which keeps the old one
// serving.
func checkReload(t *testing.T, m machine, cfg, pid string) {
	t.Helper()
	if out, err := m.command("systemctl", "reload", "provbox.service").CombinedOutput(); err != nil {
		t.Errorf("systemctl reload: %v\n%s\n%s", err, out, journal(m))
	}
	if p := unitProps(t, m); p["ActiveState"] != "active" || p["SubState"] != "running" || p["MainPID"] != pid {
		t.Errorf("after reload: %v (MainPID was %s)\n%s", p, pid, journal(m))
	}
	m.write(t, cfg, testUnitConfig+"[bans]\nmax_retyr = 3\n")
	if out, err := m.command("systemctl", "reload", "provbox.service").CombinedOutput(); err == nil {
		t.Errorf("systemctl reload of a bad file succeeded:\n%s", out)
	}
	p := unitProps(t, m)
	if p["ActiveState"] != "active" || p["MainPID"] != pid || !strings.Contains(p["StatusText"], "last reload refused") {
		t.Errorf("after a refused reload: %v (MainPID was %s)\n%s", p, pid, journal(m))
	}
	if j, ok := journalHas(m, `unknown key "bans.max_retyr"`, "reload refused"); !ok {
		t.Errorf("the journal does not name the refused key:\n%s", j)
	}
	m.write(t, cfg, testUnitConfig)
}

// installTestUnit writes the loopback config and the drop-in that uses
// it, and removes both (stopping the unit) when the test ends.
func installTestUnit(t *testing.T, m machine) (cfg string) {
	t.Helper()
	cfgDir, dropDir := "/run/provbox-test", "/run/systemd/system/provbox.service.d"
	t.Cleanup(func() {
		m.command("systemctl", "stop", "provbox.service").Run()
		m.command("rm", "-rf", dropDir, cfgDir).Run()
		m.command("systemctl", "daemon-reload").Run()
		m.command("systemctl", "reset-failed", "provbox.service").Run()
	})
	cfg = cfgDir + "/provbox.toml"
	m.write(t, cfg, testUnitConfig)
	dropIn := fmt.Sprintf("[Service]\nExecStartPre=\nExecStartPre=/usr/bin/provbox check -c %s\n"+
		"ExecStart=\nExecStart=/usr/bin/provbox serve -c %s\n"+
		"ExecReload=\nExecReload=/usr/bin/provbox reload -c %s\n", cfg, cfg, cfg)
	m.write(t, dropDir+"/zz-packaging-test.conf", dropIn)
	m.run(t, "systemctl", "daemon-reload")
	return cfg
}

func unitProps(t *testing.T, m machine) map[string]string {
	t.Helper()
	out := m.output(t, "systemctl", "show", "provbox.service",
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
func checkProcess(t *testing.T, m machine, pid string, uid int) {
	t.Helper()
	status := m.output(t, "cat", "/proc/"+pid+"/status")
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
// /run/provbox/admin.sock, a 0660 socket of group provbox: a user in
// that group gets the status, one outside it a clear refusal.
func checkAdminSocket(t *testing.T, m machine, cfg string) {
	t.Helper()
	sock := "/run/provbox/admin.sock"
	if st := strings.TrimSpace(m.output(t, "stat", "-c", "%F %a %G", sock)); st != "socket 660 provbox" {
		t.Errorf("admin socket %s: %q, want a 0660 socket of group provbox", sock, st)
	}
	setpriv := []string{"setpriv", "--reuid=nobody", "--clear-groups"}
	out := m.run(t, append(setpriv, "--regid=provbox", "/usr/bin/provbox", "status", "-c", cfg)...)
	if !strings.Contains(out, "version:") {
		t.Errorf("provbox status as group provbox:\n%s", out)
	}
	out2, err := m.command(append(setpriv, "--regid=nogroup", "/usr/bin/provbox", "status", "-c", cfg)...).CombinedOutput()
	if err == nil || !strings.Contains(string(out2), "permission denied") {
		t.Errorf("provbox status outside group provbox: %v\n%s\nwant a permission denied error", err, out2)
	}
}

// journalHas waits up to 10s for journald to store lines containing
// every want: it writes what it is sent asynchronously.
func journalHas(m machine, wants ...string) (string, bool) {
	var j string
	for range 50 {
		j = journal(m)
		if !slices.ContainsFunc(wants, func(w string) bool { return !strings.Contains(j, w) }) {
			return j, true
		}
		time.Sleep(200 * time.Millisecond)
	}
	return j, false
}

func journal(m machine) string {
	out, _ := m.command("journalctl", "-u", "provbox.service", "-n", "40", "--no-pager").CombinedOutput()
	return string(out)
}
