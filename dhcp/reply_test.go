package dhcp

import (
	"net"
	"net/netip"
	"reflect"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
)

const (
	macA   = "02:00:00:00:00:01"
	macB   = "02:00:00:00:00:02"
	macR   = "02:00:00:00:00:aa" // TOML reservation
	macDev = "02:00:00:00:00:dd" // database reservation
)

func testConfig() Config {
	return Config{
		Authoritative: true,
		LeaseTime:     time.Hour,
		DeclineHold:   10 * time.Minute,
		Subnets: []Subnet{
			{CIDR: pfx("10.0.0.0/24"), Range: Range{ip("10.0.0.100"), ip("10.0.0.103")},
				Router: ipList("10.0.0.1"), DNS: ipList("10.0.0.1"), NTP: ipList("10.0.0.2"), Domain: "office.lan"},
			{CIDR: pfx("10.1.0.0/24"), Range: Range{ip("10.1.0.100"), ip("10.1.0.199")},
				Router: ipList("10.1.0.1"), LeaseTime: 2 * time.Hour},
		},
		Reservations: []Reservation{{MAC: hw(macR), IP: ip("10.0.0.50"), Hostname: "desk"}},
	}
}

func lease(ipS, mac string, exp time.Time) provisioning.Lease {
	return provisioning.Lease{IP: ip(ipS), MAC: hw(mac), Expires: exp}
}

// replyCase is one request against a server restored from leases.
type replyCase struct {
	name      string
	leases    []provisioning.Lease
	nonAuth   bool
	arpBusy   bool             // the ARP check of an INIT-REBOOT address finds another host
	setup     []*dhcpv4.DHCPv4 // requests decided first, replies ignored
	req       *dhcpv4.DHCPv4
	relayDst  string // relayed: our address the relay sent to
	wantType  dhcpv4.MessageType
	wantIP    string
	wantOpts  map[uint8]string
	absent    []uint8
	wantLease []provisioning.Lease
}

func TestDecide(t *testing.T) {
	boot := provisioning.BootConfig{Proto: "http", Host: "10.0.0.5", Classes: testClasses}
	svc := newService(t, t.TempDir(), boot, func() time.Time { return t0 })
	for _, tc := range append(replyCases(t), clientIDCases(t)...) {
		t.Run(tc.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.Authoritative = !tc.nonAuth
			core := &testCore{Service: svc, preleases: append([]provisioning.Lease{}, tc.leases...),
				resv: map[provisioning.MAC]netip.Addr{hw(macDev): ip("10.0.0.60")}}
			s, err := New(cfg, core, nil, WithClock(func() time.Time { return t0 }))
			if err != nil {
				t.Fatal(err)
			}
			in := ingress{pool: s.pools[0], serverID: ip("10.0.0.1")}
			if tc.relayDst != "" {
				in = s.resolve(tc.req, 0, ip(tc.relayDst))
			}
			for _, r := range tc.setup {
				if d := s.decide(r, in, t0); d.reply == nil || d.reply.MessageType() != dhcpv4.MessageTypeAck {
					t.Fatalf("setup %s: no ACK", r.MessageType())
				}
			}
			d := s.decide(tc.req, in, t0)
			if d.probe.IsValid() { // as handle does: check with ARP, decide again
				in.probed, in.probeBusy = d.probe, tc.arpBusy
				if d = s.decide(tc.req, in, t0); d.probe.IsValid() {
					t.Fatal("asked for the same ARP check twice")
				}
			}
			checkDecision(t, d, tc)
		})
	}
}

func checkDecision(t *testing.T, d decision, tc replyCase) {
	t.Helper()
	if !reflect.DeepEqual(d.commit, tc.wantLease) {
		t.Errorf("commit = %v, want %v", d.commit, tc.wantLease)
	}
	if tc.wantType == dhcpv4.MessageTypeNone {
		if d.reply != nil {
			t.Fatalf("reply %s, want silence", d.reply.MessageType())
		}
		return
	}
	if d.reply == nil {
		t.Fatalf("silent, want %s", tc.wantType)
	}
	r, err := dhcpv4.FromBytes(d.reply.ToBytes()) // what goes on the wire
	if err != nil {
		t.Fatal(err)
	}
	if r.MessageType() != tc.wantType || r.TransactionID != tc.req.TransactionID || r.OpCode != dhcpv4.OpcodeBootReply {
		t.Errorf("reply %s xid %s, want %s xid %s", r.MessageType(), r.TransactionID, tc.wantType, tc.req.TransactionID)
	}
	want := net.IPv4zero
	if tc.wantIP != "" {
		want = net.ParseIP(tc.wantIP)
	}
	if !r.YourIPAddr.Equal(want) {
		t.Errorf("yiaddr %s, want %s", r.YourIPAddr, want)
	}
	for code, v := range tc.wantOpts {
		if got := r.Options.Get(dhcpv4.GenericOptionCode(code)); string(got) != v {
			t.Errorf("option %d = %q, want %q", code, got, v)
		}
	}
	for _, code := range tc.absent {
		if r.Options.Has(dhcpv4.GenericOptionCode(code)) {
			t.Errorf("option %d present, want absent", code)
		}
	}
}
