package packaging

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// rootfs is one debootstrap minbase of this host's release, built once per
// run: each test that needs a clean machine gets a copy of it, so two such
// tests cost one download and unpack.
var rootfs struct {
	once sync.Once
	dir  string
	err  error
	skip string
}

// cleanMachine returns a private copy of a minimal Debian rootfs (minbase
// plus systemd, dbus and the .deb's declared dependencies): a freshly
// installed machine with nothing of provbox's or of its tests' on it.
func cleanMachine(t *testing.T) string {
	t.Helper()
	needRoot(t)
	needTool(t, "debootstrap", "debootstrap")
	needTool(t, "dpkg-deb", "dpkg")
	extra := debDepends(t, packages(t, testVersion).deb)
	rootfs.once.Do(func() {
		suite, mirror, why := hostMirror()
		if why != "" {
			rootfs.skip = why
			return
		}
		rootfs.dir = filepath.Join(scratch, "rootfs")
		rootfs.err = bootstrap(rootfs.dir, suite, mirror, extra)
	})
	if rootfs.skip != "" {
		t.Skip(rootfs.skip)
	}
	if rootfs.err != nil {
		t.Fatal(rootfs.err)
	}
	root := filepath.Join(t.TempDir(), "root")
	run(t, "cp", "-a", rootfs.dir, root)
	return root
}

// bootstrap builds a minimal rootfs with systemd and the given packages:
// nothing else a test could silently rely on.
func bootstrap(root, suite, mirror string, extra []string) error {
	// A loaded machine takes several minutes; a killed debootstrap leaves
	// its /proc mount behind, which the scratch cleanup cannot remove.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	defer unmountAll(root)
	include := strings.Join(append([]string{"systemd", "dbus"}, extra...), ",")
	cmd := exec.CommandContext(ctx, "debootstrap", "--variant=minbase", "--include="+include,
		suite, root, mirror)
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("debootstrap %s %s: %v\n%s", suite, mirror, err, tail(out, 3000))
	}
	return nil
}

// unmountAll lazily unmounts what a chroot step may have left mounted.
func unmountAll(root string) {
	for _, m := range []string{"proc", "sys", "dev/pts", "dev"} {
		if _, err := os.Stat(filepath.Join(root, m)); err == nil {
			exec.Command("umount", "-l", filepath.Join(root, m)).Run()
		}
	}
}

func tail(b []byte, n int) []byte {
	if len(b) > n {
		return b[len(b)-n:]
	}
	return b
}
