package dhcp

import (
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func poolFor(t *testing.T) *pool {
	t.Helper()
	return newPool(testConfig().Subnets[0]) // range 10.0.0.100-103
}

// TestPoolOfferHoldAndDecline: offers hold an address for a while, a
// declined address stays out until its quarantine ends, and an offer the
// client turned down goes back at once.
func TestPoolOfferHoldAndDecline(t *testing.T) {
	p := poolFor(t)
	a, b := hw(macA), hw(macB)
	ipA, _ := p.pick(cl(a), ip("10.0.0.100"), t0)
	p.hold(ipA, cl(a), t0, 30*time.Second)
	if got, _ := p.pick(cl(b), ip("10.0.0.100"), t0); got == ipA {
		t.Fatalf("held address %s offered to another client", got)
	}
	// After the hold, another client may take it if it insists (REQUEST),
	// but DISCOVER keeps it for its last holder while others are free.
	if why := p.refusal(cl(b), ipA, t0.Add(31*time.Second)); why != "" {
		t.Errorf("after the hold ended: refusal %q", why)
	}
	if got, _ := p.pick(cl(b), ip("10.0.0.100"), t0.Add(31*time.Second)); got == ipA {
		t.Errorf("last holder's address %s offered to another while others are free", got)
	}
	p.dropOffer(ipA, cl(a), t0)
	if p.byIP[ipA].active(t0) {
		t.Error("turned-down offer still held")
	}
	p.bind(ipA, cl(a), t0, time.Hour, "", "")
	p.dropOffer(ipA, cl(a), t0)
	if !p.byIP[ipA].active(t0) {
		t.Error("dropOffer ended a bound lease")
	}
	if _, ok := p.decline(ipA, cl(b), t0, time.Minute); ok {
		t.Error("a client declined an address it does not hold")
	}
	if _, ok := p.decline(ipA, cl(a), t0, time.Minute); !ok {
		t.Fatal("holder could not decline")
	}
	if why := p.refusal(cl(a), ipA, t0.Add(59*time.Second)); why != "address in use" {
		t.Errorf("quarantined address: refusal %q", why)
	}
	if why := p.refusal(cl(b), ipA, t0.Add(61*time.Second)); why != "" {
		t.Errorf("after quarantine: refusal %q", why)
	}
}

// TestPoolExhaustionAndReuse: a full pool refuses, then hands out the
// first address whose lease ended.
func TestPoolExhaustionAndReuse(t *testing.T) {
	p := poolFor(t)
	for i := range 4 {
		m := hw("02:00:00:00:01:0" + string(rune('0'+i)))
		a, ok := p.pick(cl(m), ip("0.0.0.0"), t0)
		if !ok {
			t.Fatalf("client %d: pool full early", i)
		}
		p.bind(a, cl(m), t0, time.Duration(i+1)*time.Minute, "", "")
	}
	if a, ok := p.pick(cl(hw(macA)), ip("0.0.0.0"), t0); ok {
		t.Fatalf("full pool offered %s", a)
	}
	if a, ok := p.pick(cl(hw(macA)), ip("0.0.0.0"), t0.Add(90*time.Second)); !ok || a != ip("10.0.0.100") {
		t.Errorf("after the first lease ended: %s %v, want 10.0.0.100", a, ok)
	}
}

// cl is a client known by its MAC only (no option 61).
func cl(m provisioning.MAC) ident { return ident{mac: m} }
