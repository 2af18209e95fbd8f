package main

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/provbox/provbox/dhcp"
)

// TestRelayNotes: a subnet on no served interface and with no relays
// listed is named (its relayed requests will be dropped); listing a relay
// or serving the subnet on an interface silences the note.
func TestRelayNotes(t *testing.T) {
	cfg := &fileConfig{}
	cfg.DHCP.Enabled = true
	cfg.DHCP.Interfaces = []string{"lo"}
	cfg.DHCP.Subnets = []dhcp.Subnet{
		{CIDR: netip.MustParsePrefix("10.77.0.0/24")},
		{CIDR: netip.MustParsePrefix("10.78.0.0/24"), Relays: []netip.Addr{netip.MustParseAddr("10.78.0.1")}},
		{CIDR: netip.MustParsePrefix("127.0.0.0/8")}, // on lo
	}
	notes := relayNotes(cfg)
	if len(notes) != 1 || !strings.Contains(notes[0], "dhcp.subnet[0] (10.77.0.0/24): no relays listed") {
		t.Fatalf("notes = %q, want one about dhcp.subnet[0]", notes)
	}
	cfg.DHCP.Interfaces = []string{"pbnosuchif0"}
	if notes := relayNotes(cfg); len(notes) != 0 {
		t.Errorf("interfaces not on this host: notes %q", notes)
	}
	cfg.DHCP.Enabled, cfg.DHCP.Interfaces = false, []string{"lo"}
	if notes := relayNotes(cfg); len(notes) != 0 {
		t.Errorf("DHCP off: notes %q", notes)
	}
}
