package dhcp

import (
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

// TestLeaseMoveGuard: a known device's live lease is not moved to another
// address while the device is online (renewed within half its lease);
// the request is NAKed "lease-move refused" and audited. Unknown clients,
// devices gone quiet, and moves onto the device's reservation are not
// held back.
func TestLeaseMoveGuard(t *testing.T) {
	const phone = "02:00:00:00:00:77"
	R := dhcpv4.MessageTypeRequest
	sid := withServerID("10.0.0.1")
	ciaddr := func(a string) dhcpv4.Modifier { return dhcpv4.WithClientIP(net.ParseIP(a)) }
	svc := newService(t, t.TempDir(), provisioning.BootConfig{Proto: "http", Host: "10.0.0.5"}, func() time.Time { return t0 })
	cases := []struct {
		name    string
		mac     string
		at      time.Duration // after the phone's last ACK at t0
		req     *dhcpv4.DHCPv4
		want    dhcpv4.MessageType
		refused bool
		arp     bool // the phone's old address answers ARP
	}{
		{"selecting another address while online", phone, time.Minute, packet(t, R, phone, sid, withRequested("10.0.0.102")), dhcpv4.MessageTypeNak, true, false},
		{"renewing from another address while online", phone, time.Minute, packet(t, R, phone, ciaddr("10.0.0.102")), dhcpv4.MessageTypeNak, true, false},
		{"init-reboot to another address while online", phone, time.Minute, packet(t, R, phone, withRequested("10.0.0.102")), dhcpv4.MessageTypeNak, true, false},
		{"with a forged client identifier", phone, time.Minute, packet(t, R, phone, cid("\x01forged"), sid, withRequested("10.0.0.102")), dhcpv4.MessageTypeNak, true, false},
		{"renewing its own address", phone, time.Minute, packet(t, R, phone, ciaddr("10.0.0.101")), dhcpv4.MessageTypeAck, false, false},
		{"device quiet for over half its lease, gone from its address, may move", phone, 31 * time.Minute, packet(t, R, phone, sid, withRequested("10.0.0.102")), dhcpv4.MessageTypeAck, false, false},
		{"device quiet for over half its lease but answering ARP", phone, 31 * time.Minute, packet(t, R, phone, sid, withRequested("10.0.0.102")), dhcpv4.MessageTypeNak, true, true},
		{"device whose lease ended may move", phone, 61 * time.Minute, packet(t, R, phone, sid, withRequested("10.0.0.102")), dhcpv4.MessageTypeAck, false, false},
		{"unknown client may move", macA, time.Minute, packet(t, R, macA, sid, withRequested("10.0.0.102")), dhcpv4.MessageTypeAck, false, false},
		{"device may move onto its reservation", phone, time.Minute, packet(t, R, phone, sid, withRequested("10.0.0.60")), dhcpv4.MessageTypeAck, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			core := &testCore{Service: svc,
				preleases: []provisioning.Lease{lease("10.0.0.101", tc.mac, t0.Add(time.Hour))},
				known:     map[provisioning.MAC]bool{hw(phone): true}, resv: map[provisioning.MAC]netip.Addr{}}
			if tc.want == dhcpv4.MessageTypeAck && tc.req.RequestedIPAddress().Equal(net.ParseIP("10.0.0.60")) {
				core.resv = map[provisioning.MAC]netip.Addr{hw(phone): ip("10.0.0.60")}
			}
			now := t0.Add(tc.at)
			s, err := New(testConfig(), core, nil, WithClock(func() time.Time { return now }))
			if err != nil {
				t.Fatal(err)
			}
			in := ingress{pool: s.pools[0], serverID: ip("10.0.0.1"), probed: ip("10.0.0.102")}
			d := s.decide(tc.req, in, now)
			if d.probe.IsValid() { // as handle does: ARP for the old address, decide again
				if d.probe != ip("10.0.0.101") || !d.probeAny {
					t.Fatalf("probe of %s (any answer %v), want the phone's address 10.0.0.101", d.probe, d.probeAny)
				}
				in.probed, in.probeBusy = d.probe, tc.arp
				d = s.decide(tc.req, in, now)
			}
			if d.reply == nil || d.reply.MessageType() != tc.want {
				t.Fatalf("reply %v, want %s", d.reply, tc.want)
			}
			if tc.refused {
				if msg := string(d.reply.Options.Get(dhcpv4.OptionMessage)); msg != moveRefusal {
					t.Errorf("NAK message %q, want %q", msg, moveRefusal)
				}
				ok := s.commit(d)
				s.record(tc.req, d) // as reply does once the leases are durable
				if !ok || len(core.refused) != 1 || core.refused[0] != phone+" 10.0.0.102 "+moveRefusal {
					t.Errorf("audited %q, want one %q line", core.refused, moveRefusal)
				}
				if e := s.pools[0].byIP[ip("10.0.0.101")]; e == nil || !e.active(now) || e.mac != hw(phone) {
					t.Errorf("the phone's lease moved: %+v", e)
				}
			}
		})
	}
}
