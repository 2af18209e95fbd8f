package packaging

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// containerName names the test's nspawn machine.
const containerName = "provbox-pkgtest"

// TestUnitInContainer boots systemd in a container (debootstrap minbase
// of this host's Debian release, systemd-nspawn with a private network),
// installs the .deb there with dpkg and exercises the unit as the
// systemd subtest of TestDebInstallLifecycle does where systemd is PID 1.
// The rootfs holds only what the .deb declares it depends on, so a
// dependency the unit needs but the package forgets fails here.
func TestUnitInContainer(t *testing.T) {
	needRoot(t)
	for tool, pkg := range map[string]string{"debootstrap": "debootstrap",
		"systemd-nspawn": "systemd-container", "nsenter": "util-linux", "dpkg-deb": "dpkg"} {
		needTool(t, tool, pkg)
	}
	deb := packages(t, testVersion).deb
	root := cleanMachine(t)
	if err := os.WriteFile(filepath.Join(root, "var/tmp/provbox.deb"), []byte(readFile(t, deb)), 0o644); err != nil {
		t.Fatal(err)
	}
	m := boot(t, root)
	m.run(t, "dpkg", "-i", "/var/tmp/provbox.deb")
	uid, err := strconv.Atoi(strings.TrimSpace(m.output(t, "id", "-u", "provbox")))
	if err != nil {
		t.Fatalf("id -u provbox: %v", err)
	}
	exerciseUnit(t, m, uid)
}

// hostMirror is this Debian host's release and the apt mirror it is
// configured with (CI reaches no other), or why there is none.
func hostMirror() (suite, mirror, skip string) {
	rel := map[string]string{}
	osRelease, _ := os.ReadFile("/etc/os-release")
	for _, l := range strings.Split(string(osRelease), "\n") {
		if k, v, ok := strings.Cut(l, "="); ok {
			rel[k] = strings.Trim(v, `"`)
		}
	}
	suite = rel["VERSION_CODENAME"]
	if rel["ID"] != "debian" || suite == "" {
		return "", "", fmt.Sprintf("not a Debian release host (%s %s): no rootfs to bootstrap", rel["ID"], suite)
	}
	files, _ := filepath.Glob("/etc/apt/sources.list.d/*")
	for _, f := range append([]string{"/etc/apt/sources.list"}, files...) {
		if b, err := os.ReadFile(f); err == nil {
			if uri := findMirror(string(b), suite, strings.HasSuffix(f, ".sources")); uri != "" {
				return suite, uri, ""
			}
		}
	}
	return "", "", fmt.Sprintf("no apt source for %s main in /etc/apt/sources.list*", suite)
}

// findMirror returns the first URI serving "deb" for suite, main, in
// one-line (sources.list) or deb822 (.sources) format.
func findMirror(text, suite string, deb822 bool) string {
	if !deb822 {
		for _, l := range strings.Split(text, "\n") {
			f := strings.Fields(l)
			if len(f) >= 4 && f[0] == "deb" && !strings.HasPrefix(f[1], "[") && f[2] == suite &&
				containsWord(f[3:], "main") {
				return f[1]
			}
		}
		return ""
	}
	for _, stanza := range strings.Split(text, "\n\n") {
		fields := map[string][]string{}
		for _, l := range strings.Split(stanza, "\n") {
			if k, v, ok := strings.Cut(l, ":"); ok && !strings.HasPrefix(l, "#") {
				fields[strings.ToLower(k)] = strings.Fields(v)
			}
		}
		if containsWord(fields["types"], "deb") && containsWord(fields["suites"], suite) &&
			containsWord(fields["components"], "main") && len(fields["uris"]) > 0 {
			return fields["uris"][0]
		}
	}
	return ""
}

func containsWord(words []string, w string) bool {
	for _, x := range words {
		if x == w {
			return true
		}
	}
	return false
}

// debDepends lists the packages the .deb depends on (the first of each
// alternative, without versions).
func debDepends(t *testing.T, deb string) []string {
	t.Helper()
	var names []string
	for _, d := range strings.Split(strings.TrimSpace(stdout(t, "dpkg-deb", "-f", deb, "Depends")), ",") {
		alt, _, _ := strings.Cut(d, "|")
		name, _, _ := strings.Cut(strings.TrimSpace(alt), " ")
		if name = strings.TrimSpace(name); name != "" {
			names = append(names, name)
		}
	}
	return names
}
