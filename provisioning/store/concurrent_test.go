package store

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestConcurrentUse runs writers of every kind against readers; under
// -race it checks the Store's own synchronisation, and the final counts
// check no write was lost or doubled.
func TestConcurrentUse(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	const writers, each = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each+16)
	for w := range writers {
		wg.Go(func() {
			for i := range each {
				if err := concurrentWrite(ctx, t, s, w*each+i); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	for range 2 {
		readers.Go(func() { readUntil(ctx, s, stop, errs) })
	}
	wg.Wait()
	close(stop)
	readers.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	n := writers * each
	for table, want := range map[string]int{"devices": n, "lines": 2 * n, "leases": n, "events": n, "bans": n} {
		if got := count(t, s, table); got != want {
			t.Errorf("%s: %d rows, want %d", table, got, want)
		}
	}
	for m, d := range deviceMap(t, s) {
		if d.LockedAt.IsZero() {
			t.Errorf("device %s: lock lost", m)
		}
	}
}

func concurrentWrite(ctx context.Context, t *testing.T, s *Store, n int) error {
	d := device(t, macN(n), "acme")
	if err := s.CreateDevices(ctx, []provisioning.Device{d}); err != nil {
		return err
	}
	d.OpenUntil, d.LockedAt = time.Time{}, t0
	if err := s.UpdateDevice(ctx, d); err != nil {
		return err
	}
	l := provisioning.Lease{IP: ipN(n), MAC: d.MAC, Expires: t0}
	if err := s.PutLeases(ctx, []provisioning.Lease{l}); err != nil {
		return err
	}
	e := provisioning.Event{Time: t0, Proto: "http", MAC: d.MAC, Outcome: "config"}
	if err := s.AddEvents(ctx, []provisioning.Event{e}); err != nil {
		return err
	}
	return s.PutBan(ctx, provisioning.Ban{Prefix: netipPrefix(n), Count: 1, Since: t0})
}

// readUntil reads everything in a loop; counts may only grow while the
// writers run.
func readUntil(ctx context.Context, s *Store, stop chan struct{}, errs chan<- error) {
	lastDevices := 0
	for {
		select {
		case <-stop:
			return
		default:
		}
		ds, err := s.Devices(ctx)
		if err == nil && len(ds) < lastDevices {
			err = fmt.Errorf("devices went from %d to %d", lastDevices, len(ds))
		}
		lastDevices = len(ds)
		if err == nil {
			_, err = s.Leases(ctx)
		}
		if err == nil {
			_, err = s.Events(ctx, provisioning.EventFilter{MAC: macN(1)})
		}
		if err == nil {
			_, err = s.Bans(ctx)
		}
		if err != nil {
			errs <- err
			return
		}
	}
}
