package tftp

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Interop with the TFTP clients Debian ships (packages tftp-hpa and
// atftp); each test skips when its client is not installed.

func lookTool(t *testing.T, tool, pkg string) string {
	t.Helper()
	p, err := exec.LookPath(tool)
	if err != nil {
		t.Skipf("%s not installed (Debian package %s): skipping interop test", tool, pkg)
	}
	return p
}

func runTool(t *testing.T, bin string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, args...).CombinedOutput()
	return string(out), err
}

func interopServer(t *testing.T) (*fakeCore, string, string) {
	core := newFakeCore()
	core.files["/spa504G.cfg"] = payload(70_000)
	core.files["001565aabbcc.cfg"] = []byte("#!version:1.0.0.1\n")
	r := start(t, newServer(t, Config{}, core))
	host, port, _ := net.SplitHostPort(r.addr)
	return core, host, port
}

func TestInteropTFTPHPA(t *testing.T) {
	bin := lookTool(t, "tftp", "tftp-hpa")
	core, host, port := interopServer(t)
	dir := t.TempDir()
	for _, name := range []string{"/spa504G.cfg", "001565aabbcc.cfg"} {
		local := filepath.Join(dir, "got")
		out, err := runTool(t, bin, "-m", "binary", host, port, "-c", "get", name, local)
		if err != nil {
			t.Fatalf("tftp get %s: %v\n%s", name, err, out)
		}
		if got, _ := os.ReadFile(local); !bytes.Equal(got, core.files[name]) {
			t.Errorf("%s: got %d bytes, want %d\n%s", name, len(got), len(core.files[name]), out)
		}
	}
	out, _ := runTool(t, bin, "-m", "binary", host, port, "-c", "get", "../etc/passwd", filepath.Join(dir, "x"))
	if !strings.Contains(out, "file not found") {
		t.Errorf("refusal shown as %q", out)
	}
}

func TestInteropATFTP(t *testing.T) {
	bin := lookTool(t, "atftp", "atftp")
	core, host, port := interopServer(t)
	dir := t.TempDir()
	for _, name := range []string{"/spa504G.cfg", "001565aabbcc.cfg"} {
		local := filepath.Join(dir, "got")
		out, err := runTool(t, bin, "--get", "--remote-file", name, "--local-file", local,
			"--option", "blksize 1428", "--option", "tsize", "--trace", host, port)
		if err != nil {
			t.Fatalf("atftp get %s: %v\n%s", name, err, out)
		}
		if got, _ := os.ReadFile(local); !bytes.Equal(got, core.files[name]) {
			t.Errorf("%s: got %d bytes, want %d\n%s", name, len(got), len(core.files[name]), out)
		}
		// pin/tftp orders OACK options at random: check each.
		oack := oackLine(out)
		for _, want := range []string{fmt.Sprintf("tsize: %d,", len(core.files[name])), "blksize: 1428,"} {
			if !strings.Contains(oack, want) {
				t.Errorf("%s: atftp saw OACK %q, want %q in it", name, oack, want)
			}
		}
	}
	out, _ := runTool(t, bin, "--get", "--remote-file", "missing.cfg", "--local-file", filepath.Join(dir, "x"), host, port)
	if !strings.Contains(out, "file not found") {
		t.Errorf("refusal shown as %q", out)
	}
}

func oackLine(trace string) string {
	for l := range strings.SplitSeq(trace, "\n") {
		if strings.HasPrefix(l, "received OACK") {
			return l
		}
	}
	return ""
}
