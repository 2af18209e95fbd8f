package main

import (
	"context"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin"
)

// TestStatusSingleNode: without failover, status says the node is alone
// (role single) and that its SQLite database answers.
func TestStatusSingleNode(t *testing.T) {
	cfg := newConfig(t, loopbackConfig)
	startDaemon(t, cfg)
	st := decodeJSON[admin.Status](t, mustCLI(t, cfg, "status", "--json"))
	if st.Node == nil || st.Node.Role != "single" || st.Node.Backend != "sqlite" || !st.Node.Database.OK || len(st.Node.Peers) != 0 {
		t.Fatalf("status node: %+v", st.Node)
	}
	out := mustCLI(t, cfg, "status")
	for _, want := range []string{"dhcp role:", "single", "database:", "sqlite, ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "dhcp leader:") {
		t.Errorf("a single node shows a leader:\n%s", out)
	}
}

// TestHACleanStopHandsOver: the active node stopped with SIGTERM hands
// the leadership back as it stops, so the standby takes over at its next
// try instead of after the lease time.
func TestHACleanStopHandsOver(t *testing.T) {
	l := newHALab(t)
	n1 := l.start(t, "n1")
	n1.waitRole(t, "active", 10*time.Second)
	n2 := l.start(t, "n2")
	n2.waitRole(t, "standby", 5*time.Second)
	n1.proc.cmd.Process.Signal(syscall.SIGTERM)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if code := n1.proc.wait(t, ctx); code != 0 {
		t.Fatalf("n1 exited %d\n%s", code, n1.proc.stderr)
	}
	stopped := time.Now()
	st := n2.waitRole(t, "active", 3*time.Second)
	t.Logf("n2 active %.2f s after n1 stopped (token %d)", time.Since(stopped).Seconds(), st.Token)
	if !strings.Contains(n1.proc.stderr.String(), "DHCP leadership handed back") {
		t.Errorf("n1 did not hand the leadership back:\n%s", n1.proc.stderr)
	}
}
