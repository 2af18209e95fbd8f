package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var updateGolden = flag.Bool("update", false, "rewrite testdata/cli/*.golden from the current output")

// goldenRuns are the help and usage-error command lines whose complete
// output (stdout, stderr, exit status) is pinned in testdata/cli. Every
// command's --help and `help COMMAND` are added by TestCLIGolden itself.
var goldenRuns = [][]string{
	{"help"},
	{"--help"},
	{},
	{"--bogus"},
	{"frobnicate"},
	{"help", "frobnicate"},
	{"device"},
	{"device", "frobnicate"},
	{"device", "add", "805ec0112233"},
	{"device", "add", "805ec0112233", "--account", "office"},
	{"device", "add", "--help"},
	{"device", "unlock", "805ec0112233", "--for", "24"},
	{"device", "list", "--acount", "office"},
	{"account", "add"},
	{"account", "add", "x", "--bogus"},
	{"ban", "add", "10.0.0.1", "--for", "1 day"},
	{"events", "--since", "yesterday"},
	{"lease"},
}

// TestCLIGolden compares the whole output of every --help and of the
// usage errors with testdata/cli; run with -update after a deliberate
// change and review the diff.
func TestCLIGolden(t *testing.T) {
	runs := append([][]string{}, goldenRuns...)
	var names []string
	for n := range commands() {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		runs = append(runs, []string{n, "--help"}, []string{"help", n})
	}
	for _, args := range runs {
		name := strings.Join(append([]string{"provbox"}, args...), "_")
		name = strings.NewReplacer(" ", "-", "/", "-").Replace(name)
		t.Run(name, func(t *testing.T) {
			var out, errb bytes.Buffer
			// No config or daemon is needed to print help or refuse a
			// command line; a missing socket keeps an accident harmless.
			err := run(t.Context(), append([]string{"--socket", filepath.Join(t.TempDir(), "none.sock")}, args...), &out, &errb)
			code := exitCode(err, &errb)
			got := fmt.Sprintf("$ provbox %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), code, out.String(), errb.String())
			path := filepath.Join("testdata", "cli", name+".golden")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -run TestCLIGolden -update)", err)
			}
			if got != string(want) {
				t.Errorf("output differs from %s (-update rewrites it):\ngot:\n%s\nwant:\n%s", path, got, want)
			}
		})
	}
}
