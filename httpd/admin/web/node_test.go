package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/httpd/admin/ops"
)

type fakeNode struct{ st ops.NodeStatus }

func (f fakeNode) NodeStatus(context.Context) ops.NodeStatus { return f.st }

// TestDashboardNode: with a node status installed, the dashboard shows
// the DHCP role, the database's health and the peers; without, nothing.
func TestDashboardNode(t *testing.T) {
	e := newEnv(t)
	if r := e.get(t, "/"); strings.Contains(r.body, `id="node"`) {
		t.Errorf("node line without a node status")
	}
	e.srv.SetNode(fakeNode{ops.NodeStatus{Role: "standby", Name: "box-b", Backend: "postgres", Leader: "box-a",
		Database: ops.DatabaseHealth{OK: true},
		Peers:    []ops.PeerStatus{{Name: "box-a", Role: "active", LastHeartbeat: time.Now(), Alive: true}}}})
	r := e.get(t, "/")
	for _, want := range []string{`<strong>standby</strong> (node box-b)`, "leader box-a", "database postgres: ok", "peer box-a: active"} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
	e.srv.SetNode(fakeNode{ops.NodeStatus{Role: "active", Name: "box-b", Backend: "postgres",
		Database: ops.DatabaseHealth{Error: "connection refused"},
		Peers:    []ops.PeerStatus{{Name: "box-a", Role: "active", LastHeartbeat: time.Now().Add(-time.Minute)}}}})
	r = e.get(t, "/")
	for _, want := range []string{"down: connection refused", `peer box-a: <strong class="error">silent</strong>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("dashboard lacks %q", want)
		}
	}
}
