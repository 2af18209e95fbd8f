package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestCompletionShipped: the bash completion the packages install is
// what `provbox completion bash` prints (regenerate it with that command
// after adding a command or verb).
func TestCompletionShipped(t *testing.T) {
	var out, errb bytes.Buffer
	if err := run(t.Context(), []string{"completion", "bash"}, &out, &errb); err != nil {
		t.Fatal(err, errb.String())
	}
	shipped, err := os.ReadFile("../../packaging/completion/provbox.bash")
	if err != nil {
		t.Fatal(err)
	}
	if out.String() != string(shipped) {
		t.Errorf("packaging/completion/provbox.bash is stale: run provbox completion bash > packaging/completion/provbox.bash")
	}
}

// TestCompletionBash runs the script in bash the way the shell does on
// TAB: a command, a family's verb, the shells, past global flags.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{"completion", "bash"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	script := out.String() + `
try() { COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); COMPREPLY=(); _provbox; echo "${COMPREPLY[*]}"; }
try provbox de
try provbox -c ./x.toml device un
try provbox account ""
try provbox completion f
try provbox help ba
`
	got, err := exec.Command(bash, "-c", script).CombinedOutput()
	if err != nil {
		t.Fatalf("%v\n%s", err, got)
	}
	want := "device\nunlock\nadd list rekey rm set show\nfish\nban\n"
	if string(got) != want {
		t.Errorf("completions:\n%s\nwant:\n%s", got, want)
	}
	for _, shell := range []string{"zsh", "fish"} {
		var o bytes.Buffer
		if err := run(t.Context(), []string{"completion", shell}, &o, &o); err != nil || !strings.Contains(o.String(), "device") {
			t.Errorf("completion %s: %v\n%s", shell, err, o.String())
		}
	}
}
