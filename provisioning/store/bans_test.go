package store

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func TestBans(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	v4 := provisioning.Ban{Prefix: netip.MustParsePrefix("10.0.0.66/32"), Reason: "unknown-mac",
		Strikes: 15, Count: 1, Since: t0, Until: t0.Add(time.Hour)}
	v4b := provisioning.Ban{Prefix: netip.MustParsePrefix("10.0.0.7/32"), Reason: "bad-hash", Forgeable: true}
	v6 := provisioning.Ban{Prefix: netip.MustParsePrefix("2001:db8:1:2:aaaa::1/64"), Reason: "scan",
		Strikes: 40, Count: 3, Since: t0, Until: t0.Add(8 * time.Hour)}
	for _, b := range []provisioning.Ban{v6, v4, v4b} {
		if err := s.PutBan(ctx, b); err != nil {
			t.Fatal(err)
		}
	}
	want := func(bs ...provisioning.Ban) []provisioning.Ban {
		for i := range bs {
			bs[i].Prefix = bs[i].Prefix.Masked()
			bs[i].Since, bs[i].Until = utc(bs[i].Since), utc(bs[i].Until)
		}
		return bs
	}
	got, err := s.Bans(ctx)
	if err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "Bans", got, want(v4b, v4, v6))
	if got[2].Prefix.String() != "2001:db8:1:2::/64" {
		t.Errorf("IPv6 ban stored as %s, want the masked /64", got[2].Prefix)
	}

	// A repeat offender: the same key, replaced.
	v4.Count, v4.Strikes, v4.Until = 2, 30, t0.Add(4*time.Hour)
	if err := s.PutBan(ctx, v4); err != nil {
		t.Fatal(err)
	}
	// Lifting by any address of the /64 finds the ban.
	if err := s.DeleteBan(ctx, netip.MustParsePrefix("2001:db8:1:2::99/64")); err != nil {
		t.Fatal(err)
	}
	got, _ = s.Bans(ctx)
	checkEqual(t, "after replace and delete", got, want(v4b, v4))

	err = s.DeleteBan(ctx, v6.Prefix)
	if !errors.Is(err, provisioning.ErrNotFound) || err.Error() != "ban 2001:db8:1:2::/64: not found" {
		t.Errorf("DeleteBan(absent) = %v, want ErrNotFound naming the prefix", err)
	}
	if err := s.PutBan(ctx, provisioning.Ban{Reason: "x"}); err == nil {
		t.Error("PutBan accepted a ban without a prefix")
	}
}
