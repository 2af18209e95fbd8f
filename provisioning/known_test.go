package provisioning

import (
	"net/netip"
	"testing"
	"time"
)

func TestKnownAddress(t *testing.T) {
	other := MAC{0x80, 0x5e, 0xc0, 0x44, 0x55, 0x66}
	neighIP := netip.MustParseAddr("192.0.2.60")
	strangerIP := netip.MustParseAddr("192.0.2.61")
	f := newFixture(t, func(c *Config) {
		c.Neighbours = func(ip netip.Addr) (MAC, bool) {
			switch ip {
			case neighIP:
				return phoneMAC, true
			case strangerIP:
				return other, true
			}
			return MAC{}, false
		}
	})
	reserved := netip.MustParseAddr("192.0.2.70")
	if _, err := f.s.AddDevice(t.Context(), Device{MAC: MAC{0x80, 0x5e, 0xc0, 0, 0, 1}, Account: "office", Vendor: "yealink",
		IP: reserved, Lines: []Line{{Extension: "202", Password: "x"}}}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		ip   netip.Addr
		want bool
	}{
		{phoneIP, true},  // lease
		{reserved, true}, // reservation
		{neighIP, true},  // neighbour entry carries a device's MAC
		{strangerIP, false},
		{netip.MustParseAddr("192.0.2.99"), false},
		{netip.MustParseAddr("::ffff:192.0.2.50"), true},
	} {
		if got := f.s.KnownAddress(c.ip); got != c.want {
			t.Errorf("KnownAddress(%s) = %t, want %t", c.ip, got, c.want)
		}
	}
	f.clk.Add(13 * time.Hour) // the lease expired
	if f.s.KnownAddress(phoneIP) {
		t.Error("an expired lease still makes its address known")
	}
}

// The reserved-address index follows every change of a device: a new
// reservation is known at once, the old one and a removed device's no
// longer.
func TestKnownAddressFollowsReservations(t *testing.T) {
	f := newFixture(t, nil)
	m := MAC{0x80, 0x5e, 0xc0, 0, 0, 2}
	first, second := netip.MustParseAddr("192.0.2.71"), netip.MustParseAddr("192.0.2.72")
	if _, err := f.s.AddDevice(t.Context(), Device{MAC: m, Account: "office", Vendor: "yealink",
		IP: first, Lines: []Line{{Extension: "203", Password: "x"}}}); err != nil {
		t.Fatal(err)
	}
	if !f.s.KnownAddress(first) {
		t.Fatal("a new reservation is not known")
	}
	if _, err := f.s.EditDevice(t.Context(), m, DeviceChange{IP: &second}); err != nil {
		t.Fatal(err)
	}
	if f.s.KnownAddress(first) || !f.s.KnownAddress(second) {
		t.Fatalf("after moving the reservation: old %t, new %t", f.s.KnownAddress(first), f.s.KnownAddress(second))
	}
	if err := f.s.RemoveDevice(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	if f.s.KnownAddress(second) {
		t.Error("a removed device's reservation is still known")
	}
}
