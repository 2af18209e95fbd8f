package packaging

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// scratch holds what the tests build once per run (binary, packages); it
// is removed after all tests.
var scratch string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "provbox-packaging-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	scratch = dir
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// repoRoot is the module root: tests run in packaging/.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("repository root not found from %s: %v", root, err)
	}
	return root
}

// needTool skips the test when an external program is missing.
func needTool(t *testing.T, name, debPkg string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s not found: install the Debian package %s", name, debPkg)
	}
	return p
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

// run runs a command and returns its combined output, failing the test on
// a non-zero exit.
func run(t *testing.T, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// stdout runs a command and returns only its standard output.
func stdout(t *testing.T, name string, args ...string) string {
	t.Helper()
	var errb bytes.Buffer
	cmd := exec.Command(name, args...)
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, errb.String())
	}
	return string(out)
}

var binary struct {
	once sync.Once
	path string
	err  error
}

// provboxBinary builds cmd/provbox once per test run.
func provboxBinary(t *testing.T) string {
	t.Helper()
	root := repoRoot(t)
	binary.once.Do(func() {
		p := filepath.Join(scratch, "bin", "provbox")
		// The flags of `make packages`, so both builds share the cache.
		cmd := exec.Command("go", "build", "-trimpath", "-o", p, "./cmd/provbox")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			binary.err = fmt.Errorf("go build ./cmd/provbox: %v\n%s", err, out)
			return
		}
		binary.path = p
	})
	if binary.err != nil {
		t.Fatal(binary.err)
	}
	return binary.path
}

// built is the output of one `make packages` run.
type built struct {
	version, deb, rpm string
	err               error
}

var (
	pkgMu    sync.Mutex
	pkgBuilt = map[string]*built{}
)

// packages runs `make packages` (the documented one command) once per
// version, into a scratch DIST, and returns the two package paths.
func packages(t *testing.T, version string) *built {
	t.Helper()
	needTool(t, "make", "make")
	root := repoRoot(t)
	pkgMu.Lock()
	defer pkgMu.Unlock()
	b, ok := pkgBuilt[version]
	if !ok {
		b = makePackages(root, version)
		pkgBuilt[version] = b
	}
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b
}

func makePackages(root, version string) *built {
	dist := filepath.Join(scratch, "dist-"+version)
	arch := runtime.GOARCH
	b := &built{
		version: version,
		deb:     filepath.Join(dist, fmt.Sprintf("provbox_%s_%s.deb", version, arch)),
		rpm:     filepath.Join(dist, fmt.Sprintf("provbox-%s.%s.rpm", version, rpmArch(arch))),
	}
	cmd := exec.Command("make", "-C", root, "packages",
		"VERSION="+version, "DIST="+dist, "PKG_ARCH="+arch)
	cmd.Env = withoutMake(os.Environ())
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.err = fmt.Errorf("make packages: %v\n%s", err, out)
		return b
	}
	for _, p := range []string{b.deb, b.rpm} {
		if _, err := os.Stat(p); err != nil {
			b.err = fmt.Errorf("make packages did not produce %s: %v\n%s", p, err, out)
		}
	}
	return b
}

// withoutMake drops what an enclosing `make test` exports, so the inner
// make neither inherits its variables nor its jobserver.
func withoutMake(env []string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" && k != "MAKEOVERRIDES" {
			out = append(out, kv)
		}
	}
	return out
}

func rpmArch(goarch string) string {
	switch goarch {
	case "amd64":
		return "x86_64"
	case "arm64":
		return "aarch64"
	case "386":
		return "i386"
	}
	return goarch
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
