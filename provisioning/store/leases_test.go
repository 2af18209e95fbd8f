package store

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func TestLeases(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	l9 := provisioning.Lease{IP: netip.MustParseAddr("10.0.0.9"), MAC: macN(9), Expires: t0,
		Hostname: "SIP-T54W", VendorClass: "yealink"}
	l10 := provisioning.Lease{IP: netip.MustParseAddr("10.0.0.10"), MAC: macN(10)} // zero expiry
	// A client may send a chaddr with the multicast bit; it must still load.
	odd := provisioning.Lease{IP: netip.MustParseAddr("fd00::10"),
		MAC: provisioning.MAC{0x01, 0x00, 0x5e, 1, 2, 3}, Expires: t0.Add(time.Hour)}
	if err := s.PutLeases(ctx, []provisioning.Lease{l10, odd, l9}); err != nil {
		t.Fatal(err)
	}
	want := func(ls ...provisioning.Lease) []provisioning.Lease {
		for i := range ls {
			ls[i].Expires = utc(ls[i].Expires)
		}
		return ls
	}
	got, err := s.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "Leases (address order)", got, want(l9, l10, odd))

	// Replace by address: a new holder, every field updated.
	l9b := provisioning.Lease{IP: l9.IP, MAC: macN(99), Expires: t0.Add(12 * time.Hour)}
	if err := s.PutLeases(ctx, []provisioning.Lease{l9b}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Leases(ctx)
	checkEqual(t, "after replace", got, want(l9b, l10, odd))

	// Delete, ignoring an address that holds no lease.
	if err := s.DeleteLeases(ctx, []netip.Addr{l10.IP, netip.MustParseAddr("10.9.9.9")}); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Leases(ctx)
	checkEqual(t, "after delete", got, want(l9b, odd))
	if err := s.PutLeases(ctx, nil); err != nil {
		t.Errorf("PutLeases(nil) = %v", err)
	}
	if err := s.DeleteLeases(ctx, nil); err != nil {
		t.Errorf("DeleteLeases(nil) = %v", err)
	}
}

func TestLeasesBatchIsAtomic(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	ok := provisioning.Lease{IP: ipN(1), MAC: macN(1), Expires: t0}
	for _, tc := range []struct {
		bad  provisioning.Lease
		want string
	}{
		{provisioning.Lease{MAC: macN(2)}, "lease for 02:00:00:00:00:02: address missing"},
		{provisioning.Lease{IP: ipN(2), MAC: macN(2), Expires: time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)},
			"lease 10.0.0.2: expires 1600-01-01T00:00:00Z is outside the storable range"},
	} {
		err := s.PutLeases(ctx, []provisioning.Lease{ok, tc.bad})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("PutLeases = %v, want %q", err, tc.want)
		}
	}
	if err := s.DeleteLeases(ctx, []netip.Addr{ipN(1), {}}); err == nil {
		t.Error("DeleteLeases accepted an invalid address")
	}
	if n := count(t, s, "leases"); n != 0 {
		t.Errorf("%d leases stored by refused batches, want 0", n)
	}
}

func TestPutLeasesLargeBatch(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	const n = 2000
	ls := make([]provisioning.Lease, n)
	for i := range ls {
		ls[i] = provisioning.Lease{IP: ipN(i), MAC: macN(i), Expires: t0}
	}
	if err := s.PutLeases(ctx, ls); err != nil {
		t.Fatal(err)
	}
	got, err := s.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "count", len(got), n)
	ips := make([]netip.Addr, n/2)
	for i := range ips {
		ips[i] = ipN(2 * i)
	}
	if err := s.DeleteLeases(ctx, ips); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Leases(ctx)
	for i, l := range got {
		if l.IP != ipN(2*i+1) || l.MAC != macN(2*i+1) {
			t.Fatalf("lease %d = %v, want %v held by %v", i, l, ipN(2*i+1), macN(2*i+1))
		}
	}
}

// TestCorruptRowReported: a row this code could not have written is an
// error naming it, not a panic or a silently wrong value.
func TestCorruptRowReported(t *testing.T) {
	s := openTest(t)
	if _, err := s.w.Exec(`INSERT INTO leases (ip, mac) VALUES ('10.0.0.1', 'zz')`); err != nil {
		t.Fatal(err)
	}
	_, err := s.Leases(context.Background())
	if want := `reading leases: lease 10.0.0.1: stored MAC "zz" is not 12 hex digits`; err == nil || err.Error() != want {
		t.Errorf("Leases = %v, want %q", err, want)
	}
}
