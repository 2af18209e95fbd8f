package dhcp

import (
	"net"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// Explain offers what a real DISCOVER then gets, with the class and the
// options' bytes, and holds nothing: asking twice, the pool is untouched
// and no lease is committed.
func TestExplainDHCPAgreesAndAllocatesNothing(t *testing.T) {
	cfg := testConfig()
	cfg.Subnets[1].Relays = ipList("10.1.0.1")
	core := &testCore{Service: newService(t, t.TempDir(), netBoot, nil)}
	s, err := New(cfg, core, nil, WithClock(func() time.Time { return t0 }))
	if err != nil {
		t.Fatal(err)
	}
	const phone = "80:5e:c0:11:22:33"
	var first Explanation
	for i := range 2 {
		ex := s.Explain(hw(phone), "yealink SIP-T46U", ip("10.1.0.1"))
		if !ex.Offer.IsValid() || ex.Subnet != pfx("10.1.0.0/24") || ex.Class != "yealink" {
			t.Fatalf("explain %d: %+v", i, ex)
		}
		if i == 1 && ex.Offer != first.Offer {
			t.Fatalf("explain held an address: %s then %s", first.Offer, ex.Offer)
		}
		first = ex
	}
	if st := s.Stats(); st[1].Offered != 0 || st[1].Bound != 0 || len(core.takeCommits()) != 0 {
		t.Fatalf("explain allocated: %+v", st)
	}
	var o66 *OptionInfo
	for i, o := range first.Options {
		if o.Code == 66 {
			o66 = &first.Options[i]
		}
	}
	if o66 == nil || !strings.HasPrefix(o66.Value, "http://192.0.2.1") || string(o66.Bytes) != o66.Value || o66.Name == "" {
		t.Fatalf("option 66 = %+v in %+v", o66, first.Options)
	}
	req := packet(t, dhcpv4.MessageTypeDiscover, phone, dhcpv4.WithGatewayIP(net.IPv4(10, 1, 0, 1)), withClass("yealink SIP-T46U"))
	d := s.decide(req, s.resolve(req, 0, ip("10.0.0.1")), t0)
	if d.reply == nil || addr4(d.reply.YourIPAddr) != first.Offer {
		t.Fatalf("real DISCOVER got %v, explain said %s", d.reply, first.Offer)
	}
	if got := d.reply.Options.Get(dhcpv4.GenericOptionCode(66)); string(got) != o66.Value {
		t.Fatalf("real option 66 %q, explain said %q", got, o66.Value)
	}
	if ex := s.Explain(hw(phone), "", ip("10.1.0.9")); ex.Offer.IsValid() || ex.Steps[0].OK {
		t.Fatalf("an unlisted relay got %+v", ex)
	}
	if ex := s.Explain(hw(phone), "", ip("172.16.0.1")); ex.Offer.IsValid() || ex.Reason == "" {
		t.Fatalf("a relay outside every subnet got %+v", ex)
	}
}
