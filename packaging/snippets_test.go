package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

// sysusersLine is the one entry of sysusers.d/provbox.conf.
func sysusersLine(t *testing.T) string {
	t.Helper()
	var lines []string
	for _, l := range strings.Split(readFile(t, "sysusers.d/provbox.conf"), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			lines = append(lines, l)
		}
	}
	if len(lines) != 1 {
		t.Fatalf("sysusers.d/provbox.conf: want one entry, have %q", lines)
	}
	return lines[0]
}

// TestSnippetsInScratchRoot applies the sysusers.d and tmpfiles.d
// snippets from their installed paths in a scratch root: the user must be
// a system user with no login, and the state directory 0700 and its own.
func TestSnippetsInScratchRoot(t *testing.T) {
	needRoot(t) // tmpfiles chowns
	sysusers := needTool(t, "systemd-sysusers", "systemd")
	tmpfiles := needTool(t, "systemd-tmpfiles", "systemd")
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "etc"), 0o755); err != nil { // sysusers locks etc/passwd
		t.Fatal(err)
	}
	for src, dst := range map[string]string{
		"sysusers.d/provbox.conf": "usr/lib/sysusers.d/provbox.conf",
		"tmpfiles.d/provbox.conf": "usr/lib/tmpfiles.d/provbox.conf",
	} {
		dst = filepath.Join(root, dst)
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(dst, []byte(readFile(t, src)), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	run(t, sysusers, "--root="+root)
	fields := passwdEntry(t, filepath.Join(root, "etc/passwd"), "provbox")
	uid, _ := strconv.Atoi(fields[2])
	if uid <= 0 || uid >= 1000 || fields[5] != "/var/lib/provbox" || fields[6] != "/usr/sbin/nologin" {
		t.Errorf("passwd entry %q: want a system uid, home /var/lib/provbox, shell /usr/sbin/nologin", fields)
	}
	if !regexp.MustCompile(`(?m)^provbox:x:` + fields[3] + `:`).MatchString(readFile(t, filepath.Join(root, "etc/group"))) {
		t.Errorf("no group provbox with gid %s", fields[3])
	}
	run(t, tmpfiles, "--root="+root, "--create")
	fi, err := os.Stat(filepath.Join(root, "var/lib/provbox"))
	if err != nil {
		t.Fatal(err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	if !fi.IsDir() || fi.Mode().Perm() != 0o700 || int(st.Uid) != uid {
		t.Errorf("var/lib/provbox: %v uid %d, want a 0700 directory of uid %d", fi.Mode(), st.Uid, uid)
	}
}

func passwdEntry(t *testing.T, path, user string) []string {
	t.Helper()
	for _, l := range strings.Split(readFile(t, path), "\n") {
		if f := strings.Split(l, ":"); len(f) == 7 && f[0] == user {
			return f
		}
	}
	t.Fatalf("%s: no entry for %s", path, user)
	return nil
}

// TestPreinstallMatchesSysusers: preinstall creates the user from its own
// copy of the sysusers line (the snippet is not unpacked yet then).
func TestPreinstallMatchesSysusers(t *testing.T) {
	m := regexp.MustCompile(`(?m)^SYSUSERS='([^']*)'$`).FindStringSubmatch(readFile(t, "scripts/preinstall.sh"))
	if m == nil {
		t.Fatal("scripts/preinstall.sh: no SYSUSERS='...' line")
	}
	if want := sysusersLine(t); m[1] != want {
		t.Errorf("preinstall SYSUSERS=%q, sysusers.d says %q", m[1], want)
	}
}

func TestScriptsSyntax(t *testing.T) {
	for _, s := range maintainerScripts {
		if out, err := exec.Command("sh", "-n", filepath.Join("scripts", s)).CombinedOutput(); err != nil {
			t.Errorf("sh -n %s: %v\n%s", s, err, out)
		}
	}
}

var maintainerScripts = []string{"preinstall.sh", "postinstall.sh", "preremove.sh", "postremove.sh"}
