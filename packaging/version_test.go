package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestVersionScript runs version.sh in a scratch repository through the
// states a build meets: untagged, dirty, tagged, commits after a tag.
// Every answer must be a version dpkg accepts.
func TestVersionScript(t *testing.T) {
	git := needTool(t, "git", "git")
	script, err := filepath.Abs("version.sh")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	gitIn := func(args ...string) {
		t.Helper()
		cmd := exec.Command(git, args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@localhost",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@localhost", "GIT_CONFIG_GLOBAL=/dev/null")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	version := func() string {
		t.Helper()
		cmd := exec.Command("sh", script)
		cmd.Dir = dir
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("version.sh: %v", err)
		}
		return strings.TrimSpace(string(out))
	}
	write := func(s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "f"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	gitIn("init", "-q")
	write("1")
	gitIn("add", "f")
	gitIn("commit", "-q", "-m", "one")
	steps := []struct {
		name string
		do   func()
		want string // regexp
	}{
		{"untagged", func() {}, `^0\.0\.0\+git[0-9]{14}\.[0-9a-f]{7,}$`},
		{"untagged dirty", func() { write("2") }, `^0\.0\.0\+git[0-9]{14}\.[0-9a-f]{7,}\.dirty$`},
		{"tagged", func() { gitIn("commit", "-q", "-am", "two"); gitIn("tag", "v1.2.3") }, `^1\.2\.3$`},
		{"after tag", func() { write("3"); gitIn("commit", "-q", "-am", "three") }, `^1\.2\.3\+1\.g[0-9a-f]{7,}$`},
		{"after tag dirty", func() { write("4") }, `^1\.2\.3\+1\.g[0-9a-f]{7,}\.dirty$`},
	}
	for _, s := range steps {
		s.do()
		v := version()
		if !regexp.MustCompile(s.want).MatchString(v) {
			t.Errorf("%s: version %q, want %s", s.name, v, s.want)
		}
		if dpkg, err := exec.LookPath("dpkg"); err == nil {
			if out, err := exec.Command(dpkg, "--validate-version", v).CombinedOutput(); err != nil {
				t.Errorf("%s: dpkg rejects %q: %s", s.name, v, out)
			}
		}
	}
}
