package packaging

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDemoInstallOnCleanMachine runs `make demo`'s install step
// (.ci/deps demo) as root in a chroot of a freshly bootstrapped Debian and
// checks what it did to that machine: the packages it asked for are
// exactly the demo list, every package it brought in is a dependency of
// those, no service was enabled, and its policy-rc.d guard is gone.
func TestDemoInstallOnCleanMachine(t *testing.T) {
	root := cleanMachine(t)
	chroot := func(args ...string) string {
		return stdout(t, "chroot", append([]string{root}, args...)...)
	}
	want := strings.Fields(readFile(t, filepath.Join(repoRoot(t), "cmd/provbox-lab/testdata/demo-packages.txt")))
	run(t, "cp", "/etc/resolv.conf", filepath.Join(root, "etc/resolv.conf"))
	run(t, "cp", filepath.Join(repoRoot(t), ".ci/deps"), filepath.Join(root, "tmp/deps"))
	run(t, "mount", "-t", "proc", "proc", filepath.Join(root, "proc"))
	t.Cleanup(func() { unmountAll(root) })

	before, manualBefore := fields(chroot("dpkg-query", "-W", "-f=${Package}\n")), fields(chroot("apt-mark", "showmanual"))
	enabledBefore := enabledUnits(t, root)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "chroot", root, "bash", "/tmp/deps", "demo").CombinedOutput()
	if err != nil {
		t.Fatalf(".ci/deps demo on a clean machine: %v\n%s", err, tail(out, 3000))
	}
	after, manualAfter := fields(chroot("dpkg-query", "-W", "-f=${Package}\n")), fields(chroot("apt-mark", "showmanual"))

	var asked []string
	for _, p := range want {
		if !slices.Contains(before, p) {
			asked = append(asked, p)
		}
		if !slices.Contains(after, p) {
			t.Errorf("%s: asked for but not installed", p)
		}
	}
	slices.Sort(asked)
	if got := minus(manualAfter, manualBefore); !slices.Equal(got, asked) {
		t.Errorf("packages installed on request: %v, want exactly %v", got, asked)
	}
	closure := fields(chroot(append([]string{"apt-cache", "depends", "--recurse", "--no-recommends",
		"--no-suggests", "--no-conflicts", "--no-breaks", "--no-replaces", "--no-enhances"}, want...)...))
	added := minus(after, before)
	for _, p := range added {
		if !slices.Contains(closure, p) {
			t.Errorf("%s was installed but no demo package depends on it", p)
		}
	}
	t.Logf("make demo's install step on a clean Debian added %d packages: %s",
		len(added), strings.Join(added, " "))
	if got := minus(enabledUnits(t, root), enabledBefore); len(got) > 0 {
		t.Errorf("the install enabled services: %v", got)
	}
	if _, err := os.Stat(filepath.Join(root, "usr/sbin/policy-rc.d")); err == nil {
		t.Error("the install left /usr/sbin/policy-rc.d behind: no service on that machine would start")
	}
}

// fields splits command output into sorted words, dropping apt-cache's
// dependency lines ("  Depends: x") and virtual packages ("<x>").
func fields(out string) []string {
	var words []string
	for _, l := range strings.Split(out, "\n") {
		w := strings.TrimSpace(l)
		if w == "" || strings.HasPrefix(l, " ") || strings.HasPrefix(w, "<") {
			continue
		}
		words = append(words, w)
	}
	slices.Sort(words)
	return slices.Compact(words)
}

// minus is the sorted words of a that are not in b.
func minus(a, b []string) []string {
	var out []string
	for _, w := range a {
		if !slices.Contains(b, w) {
			out = append(out, w)
		}
	}
	return out
}

// enabledUnits lists the unit symlinks under the machine's
// /etc/systemd/system (what `systemctl enable` creates).
func enabledUnits(t *testing.T, root string) []string {
	t.Helper()
	var units []string
	base := filepath.Join(root, "etc/systemd/system")
	filepath.WalkDir(base, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type()&os.ModeSymlink != 0 {
			rel, _ := filepath.Rel(base, p)
			units = append(units, rel)
		}
		return nil
	})
	slices.Sort(units)
	return units
}
