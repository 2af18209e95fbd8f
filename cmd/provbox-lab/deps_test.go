package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestDemoInstallsOnlyWhatItNeeds: `make demo`'s install step
// (.ci/deps demo) installs exactly the packages in
// testdata/demo-packages.txt, the lab's own needs (it runs only `ip`),
// and the test tools are not among them. A dry run, so it runs anywhere;
// packaging's TestDemoInstallOnCleanMachine runs the same step for real on
// a freshly bootstrapped Debian and checks what it installed.
func TestDemoInstallsOnlyWhatItNeeds(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	list := func(what string) []string {
		out, err := exec.Command(bash, "../../.ci/deps", "--dry-run", what).Output()
		if err != nil {
			t.Fatalf(".ci/deps --dry-run %s: %v", what, err)
		}
		return strings.Fields(string(out))
	}
	want, err := os.ReadFile("testdata/demo-packages.txt")
	if err != nil {
		t.Fatal(err)
	}
	demo := list("demo")
	if got := strings.Join(demo, "\n") + "\n"; got != string(want) {
		t.Errorf("make demo installs:\n%swant exactly:\n%s", got, want)
	}
	test := list("test")
	for _, p := range demo {
		if !strings.Contains(" "+strings.Join(test, " ")+" ", " "+p+" ") {
			t.Errorf("%s: the demo needs it, so make test (which runs the lab) does too", p)
		}
	}
	for _, tool := range []string{"kea-dhcp4-server", "busybox", "curl"} {
		if strings.Contains(" "+strings.Join(demo, " ")+" ", " "+tool+" ") {
			t.Errorf("the demo installs the test tool %s", tool)
		}
	}
	makefile, err := os.ReadFile("../../Makefile")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(makefile), "demo:\n\tbash .ci/deps demo\n") {
		t.Error("Makefile: the demo target must install with `bash .ci/deps demo`")
	}
}
