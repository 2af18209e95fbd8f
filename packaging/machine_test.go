package packaging

import (
	"bytes"
	"os/exec"
	"strings"
	"testing"
)

// machine runs commands on the system under test: this one (enter is
// empty) or a booted container, through the nsenter prefix in enter.
type machine struct {
	enter []string
}

func (m machine) command(argv ...string) *exec.Cmd {
	full := append(append([]string{}, m.enter...), argv...)
	return exec.Command(full[0], full[1:]...)
}

// run returns the combined output, failing the test on a non-zero exit.
func (m machine) run(t *testing.T, argv ...string) string {
	t.Helper()
	out, err := m.command(argv...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
	}
	return string(out)
}

// output returns only the standard output.
func (m machine) output(t *testing.T, argv ...string) string {
	t.Helper()
	var errb bytes.Buffer
	cmd := m.command(argv...)
	cmd.Stderr = &errb
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, errb.String())
	}
	return string(out)
}

// write creates path (and its directory) with content, mode 0644, on m:
// a container's /run is its own tmpfs, out of the host's reach.
func (m machine) write(t *testing.T, path, content string) {
	t.Helper()
	cmd := m.command("sh", "-c", `mkdir -p "${1%/*}" && cat > "$1" && chmod 0644 "$1"`, "sh", path)
	cmd.Stdin = strings.NewReader(content)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("writing %s: %v\n%s", path, err, out)
	}
}
