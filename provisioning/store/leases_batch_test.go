package store

import (
	"context"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestPutLeasesBatchLastWins: an address given twice in one batch keeps
// the last lease (PostgreSQL writes a batch in one statement), and a
// lease without an expiry round-trips as one.
func TestPutLeasesBatchLastWins(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	exp := time.Unix(1_900_000_000, 0).UTC()
	batch := []provisioning.Lease{
		{IP: ipN(1), MAC: macN(1), Expires: exp, Hostname: "first"},
		{IP: ipN(2), MAC: macN(2)},
		{IP: ipN(1), MAC: macN(3), Expires: exp.Add(time.Hour), Hostname: "second", VendorClass: "yealink"},
	}
	if err := s.PutLeases(ctx, batch); err != nil {
		t.Fatal(err)
	}
	ls, err := s.Leases(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []provisioning.Lease{batch[2], batch[1]}
	if ipN(2).Less(ipN(1)) {
		want = []provisioning.Lease{batch[1], batch[2]}
	}
	checkEqual(t, "leases", ls, want)
}
