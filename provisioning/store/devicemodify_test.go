package store

import (
	"context"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestModifyDeviceAppliesToStoredRow: the change sees the row as stored
// (here locked and seen by the serving path after the caller last read
// it), and what it did not change stays.
func TestModifyDeviceAppliesToStoredRow(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	d := device(t, macN(1), "acme")
	if err := s.CreateDevices(ctx, []provisioning.Device{d}); err != nil {
		t.Fatal(err)
	}
	lockAt, seen := t0.Add(time.Hour), t0.Add(2*time.Hour)
	if _, err := s.WriteDevices(ctx, []provisioning.DeviceWrite{{MAC: d.MAC, Lock: true, LockAt: lockAt, Seen: seen}}); err != nil {
		t.Fatal(err)
	}
	got, err := s.ModifyDevice(ctx, d.MAC, func(cur *provisioning.Device) error {
		if !cur.LockedAt.Equal(lockAt) || len(cur.Lines) != 2 {
			t.Errorf("change saw %+v, want the stored row (locked at %v, two lines)", cur, lockAt)
		}
		cur.Model, cur.Lines = "T57W", cur.Lines[:1]
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := d
	want.Model, want.Lines = "T57W", d.Lines[:1]
	want.OpenUntil, want.LockedAt, want.LastSeen = time.Time{}, lockAt, seen
	checkEqual(t, "ModifyDevice's answer", got, wantDevice(want))
	checkEqual(t, "stored", deviceMap(t, s)[d.MAC], wantDevice(want))
}

// TestModifyDeviceRefusals: an absent device, a failing change, a change
// of the MAC and a reservation another device holds each write nothing.
func TestModifyDeviceRefusals(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	d, other := device(t, macN(1), "acme"), device(t, macN(2), "acme")
	other.IP = netip.MustParseAddr("10.0.0.9")
	if err := s.CreateDevices(ctx, []provisioning.Device{d, other}); err != nil {
		t.Fatal(err)
	}
	before := deviceMap(t, s)
	called := false
	if _, err := s.ModifyDevice(ctx, macN(3), func(*provisioning.Device) error { called = true; return nil }); !errors.Is(err, provisioning.ErrNotFound) || called {
		t.Errorf("absent device: err %v, change called %v; want ErrNotFound, not called", err, called)
	}
	boom := errors.New("invalid edit")
	if _, err := s.ModifyDevice(ctx, d.MAC, func(c *provisioning.Device) error { c.Model = "X"; return boom }); err != boom {
		t.Errorf("failing change: err %v, want its own error", err)
	}
	if _, err := s.ModifyDevice(ctx, d.MAC, func(c *provisioning.Device) error { c.MAC = macN(4); return nil }); err == nil {
		t.Error("a change of the MAC was accepted")
	}
	if _, err := s.ModifyDevice(ctx, d.MAC, func(c *provisioning.Device) error { c.IP = other.IP; return nil }); !errors.Is(err, provisioning.ErrExists) {
		t.Errorf("taken reservation: err %v, want ErrExists", err)
	}
	checkEqual(t, "devices after the refusals", deviceMap(t, s), before)
}

// TestModifyDeviceHoldsRow: a serving-path write that arrives while the
// change runs waits for the commit and lands on top of it; it is never
// overwritten by the change's row. (Without the row held, the write
// commits during the wait below and the modified row drops it.)
func TestModifyDeviceHoldsRow(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	d := device(t, macN(1), "acme")
	d.OpenUntil = time.Now().Add(time.Hour)
	if err := s.CreateDevices(ctx, []provisioning.Device{d}); err != nil {
		t.Fatal(err)
	}
	lockAt := time.Now().UTC()
	landed := make(chan error, 1)
	_, err := s.ModifyDevice(ctx, d.MAC, func(cur *provisioning.Device) error {
		go func() {
			_, err := s.WriteDevices(ctx, []provisioning.DeviceWrite{{MAC: d.MAC, Lock: true, LockAt: lockAt}})
			landed <- err
		}()
		// Give the write time to commit if it could; it must not.
		select {
		case err := <-landed:
			t.Errorf("a lock committed while the row was held (err %v)", err)
			landed <- err
		case <-time.After(300 * time.Millisecond):
		}
		cur.Model = "T57W"
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-landed:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the waiting lock never landed")
	}
	got := deviceMap(t, s)[d.MAC]
	if got.Model != "T57W" || !got.LockedAt.Equal(utc(lockAt)) || !got.OpenUntil.IsZero() {
		t.Errorf("stored %+v; want the edit and the lock both", got)
	}
}
