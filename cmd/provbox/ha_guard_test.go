package main

import (
	"context"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestHAUnfencedDHCPRefused: a node with DHCP on and [store] ha = false
// serves on a database no failover pair uses; once a pair's node is
// active on it, such a node refuses to start, naming store.ha, instead
// of allocating beside the leader.
func TestHAUnfencedDHCPRefused(t *testing.T) {
	l := newHALab(t)
	n2 := l.nodes["n2"]
	text, err := os.ReadFile(n2.cfg)
	if err != nil {
		t.Fatal(err)
	}
	noHA := strings.Replace(string(text), "ha = true\nnode = \"n2\"", "ha = false", 1)
	if err := os.WriteFile(n2.cfg, []byte(noHA), 0o600); err != nil {
		t.Fatal(err)
	}

	// No pair on the database yet: it serves.
	alone := l.start(t, "n2")
	if st := alone.status(t); st.Role != "single" {
		t.Fatalf("n2 alone: role %q", st.Role)
	}
	stop(t, alone.proc)

	n1 := l.start(t, "n1")
	n1.waitRole(t, "active", 10*time.Second)
	p := launch(t, []string{"ip", "netns", "exec", n2.host.NS, l.bin, "serve", "-c", n2.cfg})
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if code := p.wait(t, ctx); code == 0 {
		t.Fatalf("n2 without failover started beside the active n1\n%s", p.stderr)
	}
	if log := p.stderr.String(); !strings.Contains(log, "store.ha") || !strings.Contains(log, `node "n1"`) {
		t.Errorf("the refusal does not name store.ha and n1:\n%s", log)
	}
	if st := n1.status(t); st.Role != "active" {
		t.Errorf("n1 after the refused start: %q", st.Role)
	}
}

// stop ends p with SIGTERM and waits (bounded) for a clean exit.
func stop(t *testing.T, p *process) {
	t.Helper()
	p.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if code := p.wait(t, ctx); code != 0 {
		t.Fatalf("exited %d\n%s", code, p.stderr)
	}
}
