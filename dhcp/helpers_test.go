package dhcp

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/profile"
	"github.com/provbox/provbox/provisioning/provtest"
)

// testClasses are explicit vendor rules (as [[dhcp.class]] would give) so
// these tests do not depend on the built-in vendor data.
var testClasses = []provisioning.BootClass{
	{Vendor: "yealink", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"yealink"},
		OUIs:          []profile.OUI{{0x80, 0x5e, 0xc0}},
		Options:       []profile.BootOption{{Code: 66, Form: profile.FormURL}},
	}},
	{Vendor: "poly", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"\x00\x00\x36\x3d"},
		ClassContains: []string{"Polycom"},
		Options: []profile.BootOption{
			{Code: 66, Form: profile.FormURL},
			{Code: 160, Form: profile.FormURL, Force: true},
		},
	}},
	{Vendor: "cisco", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"Cisco", "CISCO"},
		ClassContains: []string{"-3PCC\x00"},
		Options: []profile.BootOption{
			{Code: 66, Form: profile.FormHost},
			{Code: 150, Form: profile.FormIPList, Force: true},
			{Code: 160, Form: profile.FormURL, Value: "$PSN.xml", Force: true},
		},
	}},
	{Vendor: "grandstream", DHCPRule: profile.DHCPRule{
		ClassPrefixes: []string{"Grandstream"},
		OUIs:          []profile.OUI{{0x00, 0x0b, 0x82}},
		Options:       []profile.BootOption{{Code: 66, Form: profile.FormHost, Force: true}},
	}},
}

// newService builds a real core on the SQLite store in dir.
func newService(t testing.TB, dir string, boot provisioning.BootConfig, now func() time.Time) *provisioning.Service {
	t.Helper()
	return provtest.Service(t, dir, provisioning.Config{Boot: boot, Now: now})
}

// testCore wraps a real core, records commits, and can fail them or
// stand in for the database's device reservations.
type testCore struct {
	*provisioning.Service
	mu        sync.Mutex
	commits   []provisioning.Lease
	fail      bool
	resv      map[provisioning.MAC]netip.Addr
	preleases []provisioning.Lease
	known     map[provisioning.MAC]bool // nil: the core's devices
	refused   []string                  // RefuseDHCP calls: "mac ip reason"
}

func (c *testCore) IsDevice(m provisioning.MAC) bool {
	if c.known != nil {
		return c.known[m]
	}
	return c.Service.IsDevice(m)
}

func (c *testCore) RefuseDHCP(ip netip.Addr, m provisioning.MAC, reason string) {
	c.mu.Lock()
	c.refused = append(c.refused, m.String()+" "+ip.String()+" "+reason)
	c.mu.Unlock()
	c.Service.RefuseDHCP(ip, m, reason)
}

// CommitLeaseAsync goes through CommitLease, so a failing or recording
// core fails or records the server's commits on either path.
func (c *testCore) CommitLeaseAsync(l provisioning.Lease, done func(error)) {
	go func() { done(c.CommitLease(context.Background(), l)) }()
}

func (c *testCore) CommitLease(ctx context.Context, l provisioning.Lease) error {
	c.mu.Lock()
	fail := c.fail
	c.mu.Unlock()
	if fail {
		return errors.New("disk on fire")
	}
	if err := c.Service.CommitLease(ctx, l); err != nil {
		return err
	}
	c.mu.Lock()
	c.commits = append(c.commits, l)
	c.mu.Unlock()
	return nil
}

func (c *testCore) Reservations() map[provisioning.MAC]netip.Addr {
	if c.resv != nil {
		return c.resv
	}
	return c.Service.Reservations()
}

func (c *testCore) Leases() []provisioning.Lease {
	if c.preleases != nil {
		return c.preleases
	}
	return c.Service.Leases()
}

func (c *testCore) takeCommits() []provisioning.Lease {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := c.commits
	c.commits = nil
	return out
}

var t0 = time.Date(2026, 5, 1, 8, 0, 0, 0, time.UTC)

// hw parses a test MAC constant.
func hw(s string) provisioning.MAC {
	m, err := provisioning.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

func pfx(s string) netip.Prefix { return netip.MustParsePrefix(s) }

func ip(s string) netip.Addr { return netip.MustParseAddr(s) }

func ipList(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = ip(s)
	}
	return out
}

// packet builds a client request.
func packet(t testing.TB, mt dhcpv4.MessageType, mac string, mods ...dhcpv4.Modifier) *dhcpv4.DHCPv4 {
	t.Helper()
	hw, err := net.ParseMAC(mac)
	if err != nil {
		t.Fatal(err)
	}
	p, err := dhcpv4.New(append([]dhcpv4.Modifier{dhcpv4.WithHwAddr(hw), dhcpv4.WithMessageType(mt)}, mods...)...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func withRequested(a string) dhcpv4.Modifier {
	return dhcpv4.WithOption(dhcpv4.OptRequestedIPAddress(net.ParseIP(a)))
}

func withServerID(a string) dhcpv4.Modifier {
	return dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.ParseIP(a)))
}

func withClass(c string) dhcpv4.Modifier {
	return dhcpv4.WithOption(dhcpv4.OptClassIdentifier(c))
}

func withPRL(codes ...uint8) dhcpv4.Modifier {
	oc := make([]dhcpv4.OptionCode, len(codes))
	for i, c := range codes {
		oc[i] = dhcpv4.GenericOptionCode(c)
	}
	return dhcpv4.WithRequestedOptions(oc...)
}
