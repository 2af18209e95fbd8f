package provisioning_test

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestUncountedSightingSaysWhy: a real phone behind a MAC-rewriting
// bridge (a Wi-Fi client bridge, a NAT'ing router) has the bridge's MAC
// in the neighbour table. Its bootstrap request is no pending sighting
// (the network contradicts it, as it would refuse it once adopted), and
// the admin must learn why from the refusal's audit line and from
// `provbox explain fetch`, not only see an unknown-mac refusal.
func TestUncountedSightingSaysWhy(t *testing.T) {
	phone := provisioning.MAC{0x80, 0x5e, 0xc0, 0xaa, 0xbb, 0xcc}
	bridge := provisioning.MAC{0x02, 0xb0, 0xb0, 0, 0, 1}
	ip := netip.MustParseAddr("192.0.2.50")
	neigh := func(a netip.Addr) (provisioning.MAC, bool) { return bridge, a == ip }
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://192.0.2.1", Checks: provisioning.DefaultChecks(true),
		Neighbours: neigh, Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}})
	req := provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: "/805ec0aabbcc.cfg", RemoteIP: ip,
		UserAgent: "Yealink SIP-T46U 108.86.0.20 80:5e:c0:aa:bb:cc"}
	ex := svc.Explain(t.Context(), req)
	var steps []string
	for _, s := range ex.Steps {
		steps = append(steps, s.Check+": "+s.Detail)
	}
	if !strings.Contains(strings.Join(steps, "\n"), "pending: not a sighting of 80:5e:c0:aa:bb:cc: the neighbour table has 02:b0:b0:00:00:01") {
		t.Errorf("explain does not say why the request is no sighting:\n%s", strings.Join(steps, "\n"))
	}
	if _, err := svc.PendingPhone(phone); err == nil {
		t.Fatal("the explain run recorded a sighting")
	}
	svc.Fetch(t.Context(), req)
	if _, err := svc.PendingPhone(phone); err == nil {
		t.Fatal("a contradicted request was recorded as pending")
	}
	es, err := svc.Events(t.Context(), provisioning.EventFilter{MAC: phone})
	if err != nil || len(es) != 1 {
		t.Fatalf("%d events, %v; want the refusal", len(es), err)
	}
	want := "unknown-mac 80:5e:c0:aa:bb:cc (the neighbour table has 02:b0:b0:00:00:01 at 192.0.2.50)"
	if es[0].Reason != want || !es[0].Unknown() {
		t.Errorf("audit reason %q (unknown %v), want %q in the unknown bucket", es[0].Reason, es[0].Unknown(), want)
	}
}
