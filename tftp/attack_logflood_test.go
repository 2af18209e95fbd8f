package tftp

import (
	"fmt"
	"log/slog"
	"net/netip"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// TestForgedRefusalFloodLogBounded: TFTP sources can be forged, so a ban
// never catches a flood of read requests from ever new addresses, and
// each refusal was a WARN "request refused" line: 1,200 forged requests,
// 1,200 lines. At journald's default rate limit (10,000 lines in 30 s)
// such a flood silences every provbox line of the unit, those about the
// attack included. The log keeps a bounded number of refusal lines per
// window and then says how many it left out; the audit trail (and the
// metrics) still count every refusal.
func TestForgedRefusalFloodLogBounded(t *testing.T) {
	var buf provtest.LogBuffer
	cfg := provisioning.Config{BaseURL: "http://127.0.0.1:8080", Checks: provisioning.DefaultChecks(true),
		Bans: provisioning.BanConfig{MaxRetry: 1000, ScanMACs: -1}}
	svc, _ := provtest.ServiceWith(t, "", cfg, slog.New(slog.NewTextHandler(&buf, nil)))
	r := start(t, newServer(t, Config{}, svc))

	const sources, each = 300, 4
	for i := range sources {
		c := dialFrom(t, netip.AddrFrom4([4]byte{127, 0, 3 + byte(i/250), byte(1 + i%250)}).String())
		for j := range each {
			c.send(r.addr, request(1, fmt.Sprintf("805ec0%06x.cfg", i*each+j), "octet"))
			if code, _ := parseError(t, c.recv()); code != 1 {
				t.Fatalf("want file not found, got code %d", code)
			}
		}
	}
	es, err := svc.Events(t.Context(), provisioning.EventFilter{Limit: 5000})
	if err != nil {
		t.Fatal(err)
	}
	audited := 0
	for _, e := range es {
		audited += e.Times()
	}
	if audited != sources*each {
		t.Errorf("the audit trail holds %d refusals, want every one of %d", audited, sources*each)
	}
	log := buf.String()
	lines := strings.Count(log, `msg="request refused"`)
	if lines > 250 {
		t.Errorf("%d request refused lines for %d forged requests: the log is the attacker's", lines, sources*each)
	}
	if lines == 0 || !strings.Contains(log, `msg="request refusals not logged"`) {
		t.Errorf("%d refusal lines, and no line saying how many were left out:\n%.3000s", lines, log)
	}
}
