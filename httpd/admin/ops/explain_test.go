package ops

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/provtest"
)

// A refused request, replayed from its audit line, is explained with the
// verdict it got; a redacted secret path cannot be replayed; typed input
// is checked; without a DHCP server its operations are unavailable.
func TestExplainOperations(t *testing.T) {
	svc := provtest.Service(t, "", provisioning.Config{BaseURL: "http://192.0.2.1", Checks: provisioning.DefaultChecks(false),
		Unverified: []netip.Prefix{netip.MustParsePrefix("192.0.2.0/24")}})
	o, ctx := New(svc), t.Context()
	if _, err := o.AddAccount(ctx, provisioning.Account{Name: "office", SIPServer: "pbx"}); err != nil {
		t.Fatal(err)
	}
	if _, err := o.AddDevice(ctx, DeviceInput{MAC: "805ec0112233", Account: "office", Vendor: "yealink"}); err != nil {
		t.Fatal(err)
	}
	svc.Fetch(ctx, provisioning.FetchRequest{Proto: provisioning.ProtoHTTP, Path: "/805ec0112233.cfg",
		RemoteIP: netip.MustParseAddr("192.0.2.7"), UserAgent: "curl/8.5.0"})
	es, err := o.Events(ctx, EventQuery{})
	if err != nil || len(es) == 0 || es[0].Outcome != "refused" {
		t.Fatalf("events %+v %v", es, err)
	}
	ex, err := o.ExplainEvent(ctx, es[0])
	if err != nil || ex.Outcome != "refused" || ex.Reason != "user-agent" || ex.Device != "80:5e:c0:11:22:33" {
		t.Fatalf("why: %+v %v", ex, err)
	}
	secret := provisioning.Event{Proto: "http", IP: netip.MustParseAddr("192.0.2.7"), File: "abcd…/wxyz…/805ec0112233.cfg"}
	if _, err := o.ExplainEvent(ctx, secret); !errors.Is(err, ErrBadInput) || !strings.Contains(err.Error(), "redacted") {
		t.Errorf("redacted secret path: %v", err)
	}
	for _, q := range []FetchQuery{{IP: "x", Path: "/a"}, {IP: "192.0.2.7", Proto: "ftp", Path: "/a"}, {IP: "192.0.2.7"}} {
		if _, err := o.ExplainFetch(ctx, q); !errors.Is(err, ErrBadInput) {
			t.Errorf("%+v: %v, want bad input", q, err)
		}
	}
	if ex, err := o.ExplainFetch(ctx, FetchQuery{IP: "192.0.2.7", Path: "805ec0112233.cfg",
		UA: "Yealink SIP-T46U 108.86.0.20 80:5e:c0:11:22:33"}); err != nil || ex.Outcome != "redirect" {
		t.Errorf("explain without a leading slash: %+v %v", ex, err)
	}
	if _, err := o.ExplainDHCP(ctx, DHCPQuery{MAC: "805ec0112233"}); !errors.Is(err, ErrUnavailable) {
		t.Errorf("explain dhcp without DHCP: %v", err)
	}
	if _, err := o.RogueServers(); !errors.Is(err, ErrUnavailable) {
		t.Errorf("rogues without DHCP: %v", err)
	}
}
