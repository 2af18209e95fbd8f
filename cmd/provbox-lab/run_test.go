package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Bad arguments exit 2 with the problem named, before any namespace is
// made (the full lab runs in cmd/internal/lab's tests, through this
// command's --emulate).
func TestRunBadArguments(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--break", "bans"}, "--break"},
		{[]string{"--nope"}, "-nope"},
		{[]string{"extra"}, `unexpected argument "extra"`},
		{[]string{"--provbox", filepath.Join(t.TempDir(), "missing")}, "--provbox"},
		{[]string{"--emulate", "-role", "phone", "-vendor", "yealink", "-iface", "no-such-if0"}, "no-such-if0"},
		{[]string{"--phones", "-5"}, "--phones -5"},
		{[]string{"--phones", "10", "--per-namespace", "0"}, "--per-namespace"},
		{[]string{"--phones", "10", "--goal", "-1s"}, "--goal"},
		{[]string{"--phones", "10", "--break", "lock"}, "--break and --phones"},
		{[]string{"--emulate-storm", "-phone", "ph0=nokia"}, "nokia"},
		{[]string{"--emulate-storm", "-phone", "no-such-if0=yealink"}, "no-such-if0"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), tc.args, &stdout, &stderr); code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", tc.args, code, stderr.String())
		}
		if !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%q: stderr %q does not name %q", tc.args, stderr.String(), tc.want)
		}
	}
}

// The daemon binary is found beside provbox-lab (as `make demo` builds
// them), an explicit --provbox wins, and none at all is a clear error.
func TestFindProvbox(t *testing.T) {
	dir := t.TempDir()
	self := filepath.Join(dir, "provbox-lab")
	t.Setenv("PATH", t.TempDir())
	if _, err := findProvbox("", self); err == nil || !strings.Contains(err.Error(), "--provbox") {
		t.Fatalf("no provbox anywhere: %v", err)
	}
	beside := filepath.Join(dir, "provbox")
	if err := os.WriteFile(beside, []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findProvbox("", self); err != nil || got != beside {
		t.Fatalf("beside: %q, %v", got, err)
	}
	other := filepath.Join(t.TempDir(), "pb")
	if err := os.WriteFile(other, nil, 0o755); err != nil {
		t.Fatal(err)
	}
	if got, err := findProvbox(other, self); err != nil || got != other {
		t.Fatalf("given: %q, %v", got, err)
	}
}
