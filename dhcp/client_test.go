package dhcp

import (
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// TestUnidentifiedCounted: a request that nothing identifies (all-zero
// chaddr, no option 61) is dropped and counted; with option 61 it is
// served and not counted.
func TestUnidentifiedCounted(t *testing.T) {
	s, err := New(testConfig(), &testCore{Service: newService(t, t.TempDir(), netBoot, nil)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	in := ingress{pool: s.pools[0], serverID: ip("10.0.0.1")}
	zero := "00:00:00:00:00:00"
	for range 2 {
		if d := s.decide(packet(t, dhcpv4.MessageTypeDiscover, zero), in, t0); d.reply != nil {
			t.Fatal("zero chaddr without option 61 answered")
		}
	}
	if d := s.decide(packet(t, dhcpv4.MessageTypeDiscover, zero, cid("\x00id")), in, t0); d.reply == nil {
		t.Fatal("zero chaddr with option 61 not answered")
	}
	if n := s.Unidentified(); n != 2 {
		t.Errorf("Unidentified() = %d, want 2", n)
	}
}
