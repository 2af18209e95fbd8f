package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// -trace leaves provbox's runtime/trace of the run in the named file.
func TestRunTrace(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root (network namespaces)")
	}
	for _, bin := range []string{"ip", "nginx"} {
		if !have(bin) {
			t.Skipf("needs %s", bin)
		}
	}
	out, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	tr := filepath.Join(t.TempDir(), "provbox.trace")
	stdout := os.Stdout
	os.Stdout = out
	err = run([]string{"-phones", "4", "-rounds", "1", "-duration", "300ms", "-no-dhcp",
		"-measures", "http-keepalive", "-trace", tr})
	os.Stdout = stdout
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(tr)
	if err != nil {
		t.Fatalf("no trace: %v", err)
	}
	// A runtime/trace file opens with its format header.
	if !bytes.HasPrefix(b, []byte("go 1.")) || !bytes.Contains(b[:16], []byte(" trace")) || len(b) < 4096 {
		t.Errorf("not a runtime trace of a run: %d bytes, starts %q", len(b), b[:min(len(b), 16)])
	}
}
