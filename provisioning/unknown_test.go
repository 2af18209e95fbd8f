package provisioning

import "testing"

// TestEventUnknown: the lines anyone can produce in bulk are Unknown
// (bounded apart, dropped first): refusals of unknown MACs, and refusals
// over the protocols whose source can be forged (TFTP; DHCP, where a
// forged REQUEST with an online phone's chaddr is refused as a lease move,
// one audit line per datagram), whatever MAC they name. A refusal over
// HTTP (a TCP source, banned after max_retry) of a known device, and what
// is served, stay with the real history.
func TestEventUnknown(t *testing.T) {
	known := MAC{0x80, 0x5e, 0xc0, 0x11, 0x22, 0x33}
	for _, c := range []struct {
		e    Event
		want bool
	}{
		{Event{Proto: "http", Outcome: "refused", Reason: "bad-path"}, true},
		{Event{Proto: "http", MAC: known, Outcome: "refused", Reason: "unknown-mac 80:5e:c0:11:22:33"}, true},
		{Event{Proto: "tftp", MAC: known, Outcome: "refused", Reason: "no-lease"}, true},
		{Event{Proto: "dhcp", MAC: known, Outcome: "refused", Reason: "lease-move refused"}, true},
		{Event{Proto: "http", MAC: known, Outcome: "refused", Reason: "locked"}, false},
		{Event{Proto: "tftp", MAC: known, Outcome: "redirect"}, false},
		{Event{Proto: "dhcp", MAC: known, Outcome: "adopted"}, false},
		{Event{Proto: "ban", MAC: known, Outcome: "banned", Reason: "locked: 5 strikes"}, false},
	} {
		if got := c.e.Unknown(); got != c.want {
			t.Errorf("%+v: Unknown() = %v, want %v", c.e, got, c.want)
		}
	}
}
