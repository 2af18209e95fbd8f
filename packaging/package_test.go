package packaging

import (
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// The package versions the tests build: the second one is the upgrade.
const (
	testVersion    = "0.0.1+test"
	upgradeVersion = "0.0.2+test"
)

// shipped is one path the packages install, as rpm describes it.
type shipped struct {
	path, perms, owner, group, flags string // flags: rpm's fflags (c config, n noreplace, d doc)
}

var shippedFiles = []shipped{
	{"/etc/provbox", "drwxr-xr-x", "root", "root", ""},
	{"/etc/provbox/provbox.toml", "-rw-r-----", "root", "provbox", "cn"},
	{"/usr/bin/provbox", "-rwxr-xr-x", "root", "root", ""},
	{"/usr/lib/systemd/system/provbox.service", "-rw-r--r--", "root", "root", ""},
	{"/usr/lib/sysusers.d/provbox.conf", "-rw-r--r--", "root", "root", ""},
	{"/usr/lib/tmpfiles.d/provbox.conf", "-rw-r--r--", "root", "root", ""},
	{"/usr/share/bash-completion/completions/provbox", "-rw-r--r--", "root", "root", ""},
	{"/usr/share/doc/provbox", "drwxr-xr-x", "root", "root", ""},
	{"/usr/share/doc/provbox/README.md", "-rw-r--r--", "root", "root", "d"},
	{"/usr/share/doc/provbox/README.packaging.md", "-rw-r--r--", "root", "root", "d"},
	{"/usr/share/doc/provbox/copyright", "-rw-r--r--", "root", "root", "d"},
	{"/usr/share/man/man8/provbox.8", "-rw-r--r--", "root", "root", ""},
	{"/var/lib/provbox", "drwx------", "provbox", "provbox", ""},
}

// TestRPMContents: the .rpm from `make packages` holds exactly the
// shipped files with their owners, modes and config/doc flags, and runs
// the maintainer scripts under /bin/sh.
func TestRPMContents(t *testing.T) {
	rpm := needTool(t, "rpm", "rpm")
	b := packages(t, testVersion)
	list := strings.Fields(stdout(t, rpm, "-qlp", b.rpm))
	var want []string
	for _, f := range shippedFiles {
		want = append(want, f.path)
	}
	if !slices.Equal(list, want) {
		t.Errorf("rpm -qlp:\n%s\nwant:\n%s", strings.Join(list, "\n"), strings.Join(want, "\n"))
	}
	got := stdout(t, rpm, "-qp", "--qf",
		`[%{FILENAMES} %{FILEMODES:perms} %{FILEUSERNAME} %{FILEGROUPNAME} %{FILEFLAGS:fflags}\n]`, b.rpm)
	var lines []string
	for _, l := range strings.Split(got, "\n") {
		lines = append(lines, strings.TrimSpace(l))
	}
	for _, f := range shippedFiles {
		line := strings.TrimSpace(strings.Join([]string{f.path, f.perms, f.owner, f.group, f.flags}, " "))
		if !slices.Contains(lines, line) {
			t.Errorf("rpm file %s: want %q in:\n%s", f.path, line, got)
		}
	}
	head := stdout(t, rpm, "-qp", "--qf", `%{NAME} %{VERSION} %{RELEASE} %{ARCH}`, b.rpm)
	if want := "provbox " + testVersion + " 1 " + rpmArch(runtime.GOARCH); head != want {
		t.Errorf("rpm header %q, want %q", head, want)
	}
	if lic := stdout(t, rpm, "-qp", "--qf", "%{LICENSE}", b.rpm); lic != "Apache-2.0" {
		t.Errorf("rpm License %q, want Apache-2.0", lic)
	}
	for tag, file := range map[string]string{"PREIN": "preinstall.sh", "POSTIN": "postinstall.sh",
		"PREUN": "preremove.sh", "POSTUN": "postremove.sh"} {
		body := stdout(t, rpm, "-qp", "--qf", "%{"+tag+"}", b.rpm)
		if body != readFile(t, filepath.Join("scripts", file)) {
			t.Errorf("rpm %s scriptlet differs from scripts/%s", tag, file)
		}
		if prog := stdout(t, rpm, "-qp", "--qf", "%{"+tag+"PROG}", b.rpm); prog != "/bin/sh" {
			t.Errorf("rpm %s interpreter %q, want /bin/sh", tag, prog)
		}
	}
}

// TestDebContents: the .deb's control fields, conffiles and file list.
func TestDebContents(t *testing.T) {
	dpkgDeb := needTool(t, "dpkg-deb", "dpkg")
	b := packages(t, testVersion)
	fields := stdout(t, dpkgDeb, "-f", b.deb, "Package", "Version", "Architecture")
	if want := "Package: provbox\nVersion: " + testVersion + "-1\nArchitecture: " + runtime.GOARCH + "\n"; fields != want {
		t.Errorf("control fields:\n%s\nwant:\n%s", fields, want)
	}
	if got := stdout(t, dpkgDeb, "-I", b.deb, "conffiles"); strings.TrimSpace(got) != "/etc/provbox/provbox.toml" {
		t.Errorf("conffiles = %q, want /etc/provbox/provbox.toml", got)
	}
	listing := map[string]string{} // path -> "perms owner/group"
	for _, l := range strings.Split(strings.TrimSpace(stdout(t, dpkgDeb, "-c", b.deb)), "\n") {
		f := strings.Fields(l)
		if len(f) < 6 {
			t.Fatalf("dpkg-deb -c line %q", l)
		}
		listing[strings.TrimSuffix(strings.TrimPrefix(f[5], "."), "/")] = f[0] + " " + f[1]
	}
	for _, f := range shippedFiles {
		if got, want := listing[f.path], f.perms+" "+f.owner+"/"+f.group; got != want {
			t.Errorf("deb %s: %q, want %q", f.path, got, want)
		}
	}
}
