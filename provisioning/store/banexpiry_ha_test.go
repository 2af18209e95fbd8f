package store_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// banEnds are the audit lines of the end of ip's bans, as a node reads
// the shared trail.
func banEnds(t *testing.T, svc *provisioning.Service, ip netip.Addr) []provisioning.Event {
	t.Helper()
	es, err := svc.Events(t.Context(), provisioning.EventFilter{IP: ip, Outcome: "unbanned", Reason: "expired"})
	if err != nil {
		t.Fatal(err)
	}
	return es
}

// TestDeadNodesBanExpiryAudited: node a bans an attacker and stops (dies);
// when the ban runs out, node b, which adopted it from the shared
// database, puts its end in the audit trail as a's own expiry would have
// been: one line at the ban's end.
func TestDeadNodesBanExpiryAudited(t *testing.T) {
	a, b, clk := banNodes(t)
	attacker := netip.MustParseAddr("198.51.100.17")
	strikeUntilBanned(t, a, attacker, 10)
	until := a.Bans()[0].Until
	eventually(t, "a's ban enforced on b", func() bool { return b.Banned(attacker) })
	a.Close()
	clk.Add(2 * time.Hour)
	if err := b.SweepBans(t.Context()); err != nil {
		t.Fatal(err)
	}
	es := banEnds(t, b, attacker)
	if len(es) != 1 || !es[0].Time.Equal(until) || es[0].Proto != "ban" {
		t.Fatalf("the end of the dead node's ban in the trail: %+v; want one line at %s", es, until)
	}
}

// TestLiveNodesBanExpiryAuditedOnce: with both nodes alive, each sees the
// ban run out and audits it; the trail holds one line.
func TestLiveNodesBanExpiryAuditedOnce(t *testing.T) {
	a, b, clk := banNodes(t)
	attacker := netip.MustParseAddr("198.51.100.18")
	strikeUntilBanned(t, a, attacker, 10)
	eventually(t, "a's ban enforced on b", func() bool { return b.Banned(attacker) })
	clk.Add(2 * time.Hour)
	for _, svc := range []*provisioning.Service{b, a, b} {
		if err := svc.SweepBans(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	a.Events(t.Context(), provisioning.EventFilter{Limit: 1}) // flushes a's audit queue
	if es := banEnds(t, b, attacker); len(es) != 1 {
		t.Fatalf("the end of the ban in the trail: %d lines %+v; want one", len(es), es)
	}
}
