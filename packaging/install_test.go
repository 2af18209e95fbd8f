package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// TestDebInstallLifecycle installs the .deb with dpkg as an admin would,
// checks every file, the user and the installed config with `provbox
// check`, upgrades with an edited config and some state, removes, and
// purges: the machine ends as it was (the test deletes the user, which
// the package deliberately keeps).
func TestDebInstallLifecycle(t *testing.T) {
	needRoot(t)
	dpkg := needTool(t, "dpkg", "dpkg")
	needTool(t, "dpkg-query", "dpkg")
	requireClean(t)
	first, second := packages(t, testVersion), packages(t, upgradeVersion)
	cleanupInstall(t, dpkg)

	out := run(t, dpkg, "-i", first.deb)
	if !strings.Contains(out, "not enabled") {
		t.Errorf("dpkg -i did not tell the admin the service is not enabled:\n%s", out)
	}
	uid, gid := checkUser(t)
	checkFiles(t, uid, gid)
	checkNotEnabled(t)
	checkConfig(t, testVersion)
	t.Run("systemd", func(t *testing.T) { runUnderSystemd(t, uid) })

	upgradeKeepsEdits(t, dpkg, second.deb)

	run(t, dpkg, "--remove", "provbox")
	for _, gone := range []string{"/usr/bin/provbox", "/usr/lib/systemd/system/provbox.service"} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("after dpkg --remove, %s: %v (want it gone)", gone, err)
		}
	}
	for _, kept := range []string{"/etc/provbox/provbox.toml", "/var/lib/provbox/state.test"} {
		if _, err := os.Stat(kept); err != nil {
			t.Errorf("dpkg --remove must keep %s: %v", kept, err)
		}
	}
	run(t, dpkg, "--purge", "provbox")
	for _, gone := range []string{"/etc/provbox", "/var/lib/provbox"} {
		if _, err := os.Stat(gone); !os.IsNotExist(err) {
			t.Errorf("after dpkg --purge, %s: %v (want it gone)", gone, err)
		}
	}
	if status := debStatus(t); status != "" {
		t.Errorf("after purge dpkg still knows provbox: %q", status)
	}
	if _, err := exec.Command("getent", "passwd", "provbox").Output(); err != nil {
		t.Error("purge removed the provbox user; the package keeps it (Debian policy)")
	}
}

// debStatus is dpkg's status of provbox, "" when dpkg does not know it.
func debStatus(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("dpkg-query", "-W", "-f=${Status}", "provbox").Output()
	if err != nil {
		return ""
	}
	if s := strings.TrimSpace(string(out)); s != "unknown ok not-installed" {
		return s
	}
	return ""
}

// requireClean skips unless this machine has no trace of provbox: the
// test must not replace an admin's installation.
func requireClean(t *testing.T) {
	t.Helper()
	if s := debStatus(t); s != "" {
		t.Skipf("provbox is known to dpkg here (%s); not touching it", s)
	}
	for _, p := range []string{"/etc/provbox", "/var/lib/provbox", "/usr/bin/provbox"} {
		if _, err := os.Lstat(p); err == nil {
			t.Skipf("%s exists; not touching this machine's provbox", p)
		}
	}
}

// cleanupInstall purges the package and deletes the user and group if
// the test created them, whatever step failed.
func cleanupInstall(t *testing.T, dpkg string) {
	t.Helper()
	_, userErr := exec.Command("getent", "passwd", "provbox").Output()
	_, groupErr := exec.Command("getent", "group", "provbox").Output()
	t.Cleanup(func() {
		if debStatus(t) != "" {
			if out, err := exec.Command(dpkg, "--purge", "provbox").CombinedOutput(); err != nil {
				t.Errorf("cleanup: dpkg --purge: %v\n%s", err, out)
			}
		}
		if userErr != nil {
			exec.Command("userdel", "provbox").Run()
		}
		if groupErr != nil {
			exec.Command("groupdel", "provbox").Run() // already gone with the user, usually
		}
	})
}

// checkUser: a system user with no login whose home is the state dir.
func checkUser(t *testing.T) (uid, gid int) {
	t.Helper()
	f := strings.Split(strings.TrimSpace(stdout(t, "getent", "passwd", "provbox")), ":")
	if len(f) != 7 {
		t.Fatalf("getent passwd provbox: %q", f)
	}
	uid, _ = strconv.Atoi(f[2])
	gid, _ = strconv.Atoi(f[3])
	if uid <= 0 || uid >= 1000 || f[5] != "/var/lib/provbox" || !strings.HasSuffix(f[6], "/nologin") {
		t.Errorf("provbox user %q: want a system uid, home /var/lib/provbox, nologin shell", f)
	}
	return uid, gid
}

// checkFiles compares each installed file with its source and its mode
// and owners with what the package promises.
func checkFiles(t *testing.T, uid, gid int) {
	t.Helper()
	root := repoRoot(t)
	sources := map[string]string{
		"/usr/lib/systemd/system/provbox.service":        "packaging/provbox.service",
		"/usr/lib/sysusers.d/provbox.conf":               "packaging/sysusers.d/provbox.conf",
		"/usr/lib/tmpfiles.d/provbox.conf":               "packaging/tmpfiles.d/provbox.conf",
		"/etc/provbox/provbox.toml":                      "configs/provbox.toml",
		"/usr/share/man/man8/provbox.8":                  "packaging/provbox.8",
		"/usr/share/doc/provbox/README.md":               "README.md",
		"/usr/share/bash-completion/completions/provbox": "packaging/completion/provbox.bash",
	}
	for dst, src := range sources {
		if readFile(t, dst) != readFile(t, filepath.Join(root, src)) {
			t.Errorf("installed %s differs from %s", dst, src)
		}
	}
	owners := map[string]int{"root": 0, "provbox": uid}
	groups := map[string]int{"root": 0, "provbox": gid}
	for _, f := range shippedFiles {
		fi, err := os.Stat(f.path)
		if err != nil {
			t.Errorf("not installed: %v", err)
			continue
		}
		st := fi.Sys().(*syscall.Stat_t)
		if perms := fi.Mode().String(); perms != f.perms || int(st.Uid) != owners[f.owner] || int(st.Gid) != groups[f.group] {
			t.Errorf("%s: %s %d:%d, want %s %s:%s", f.path, perms, st.Uid, st.Gid, f.perms, f.owner, f.group)
		}
	}
}

// checkNotEnabled: installing must not enable (let alone start) a DHCP
// server before the admin has named its interface.
func checkNotEnabled(t *testing.T) {
	t.Helper()
	links, err := filepath.Glob("/etc/systemd/system/*/provbox.service")
	if err != nil {
		t.Fatal(err)
	}
	if len(links) > 0 {
		t.Errorf("the package enabled the service: %v", links)
	}
}

// checkConfig runs `provbox check` on the installed config as root (the
// admin) and as provbox (what ExecStartPre does), and `provbox version`.
func checkConfig(t *testing.T, version string) {
	t.Helper()
	run(t, "/usr/bin/provbox", "check", "-c", "/etc/provbox/provbox.toml")
	if setpriv, err := exec.LookPath("setpriv"); err == nil {
		run(t, setpriv, "--reuid=provbox", "--regid=provbox", "--init-groups",
			"/usr/bin/provbox", "check", "-c", "/etc/provbox/provbox.toml")
	} else {
		t.Log("setpriv (util-linux) not found: check not run as the provbox user")
	}
	if out := run(t, "/usr/bin/provbox", "version"); !strings.Contains(out, version) {
		t.Errorf("provbox version = %q, want it to name %s", out, version)
	}
}

// upgradeKeepsEdits installs the next version over an edited config and
// some state: both survive, the binary is the new one.
func upgradeKeepsEdits(t *testing.T, dpkg, deb string) {
	t.Helper()
	const edit = "\n# edited by the admin (packaging test)\n"
	cfg := "/etc/provbox/provbox.toml"
	f, err := os.OpenFile(cfg, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString(edit); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.WriteFile("/var/lib/provbox/state.test", []byte("state"), 0o600); err != nil {
		t.Fatal(err)
	}
	out := run(t, dpkg, "-i", deb)
	if strings.Contains(out, "not enabled") {
		t.Errorf("an upgrade repeated the first-install notice:\n%s", out)
	}
	if !strings.HasSuffix(readFile(t, cfg), edit) {
		t.Error("the upgrade replaced the admin's edited provbox.toml")
	}
	if readFile(t, "/var/lib/provbox/state.test") != "state" {
		t.Error("the upgrade lost the state directory's contents")
	}
	checkConfig(t, upgradeVersion)
}
