package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestWriteDevices: one batch of serving-path writes, in no particular
// MAC order, with a duplicate lock, a closed window, absent devices and
// invalid writes, on top of an admin edit made before it: each write gets
// its own result, only the lock and last-seen columns change, and
// last_seen never moves back.
func TestWriteDevices(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	var ds []provisioning.Device
	for i := 1; i <= 5; i++ {
		ds = append(ds, device(t, macN(i), "acme"))
	}
	if err := s.CreateDevices(ctx, ds); err != nil {
		t.Fatal(err)
	}
	edited := ds[0]
	edited.Model, edited.Lines = "edited by the admin", edited.Lines[:1]
	if err := s.UpdateDevice(ctx, edited); err != nil {
		t.Fatal(err)
	}
	ws := []provisioning.DeviceWrite{
		{MAC: macN(3), Lock: true, LockAt: t0.Add(1 * time.Second)},
		{MAC: macN(1), Lock: true, LockAt: t0.Add(2 * time.Second), Seen: t0.Add(2 * time.Hour)},
		{MAC: macN(1), Lock: true, LockAt: t0.Add(3 * time.Second)}, // lost the race
		{MAC: macN(2), Seen: t0.Add(time.Hour)},
		{MAC: macN(4), Seen: t0}, // older than the stored t0+1m: kept
		{MAC: macN(99), Lock: true, LockAt: t0},
		{MAC: macN(98), Seen: t0},
		{MAC: macN(5), Lock: true, LockAt: t0.Add(25 * time.Hour)}, // window over
		{Lock: true, LockAt: t0},
		{MAC: macN(2), Lock: true},
	}
	out, err := s.WriteDevices(ctx, ws)
	if err != nil {
		t.Fatal(err)
	}
	want := []provisioning.DeviceWriteResult{
		{Took: true, LockedAt: utc(t0.Add(time.Second))},
		{Took: true, LockedAt: utc(t0.Add(2 * time.Second))},
		{LockedAt: utc(t0.Add(2 * time.Second))},
		{}, {}, {}, {}, {}, {}, {},
	}
	for i := range want {
		if out[i].Took != want[i].Took || !out[i].LockedAt.Equal(want[i].LockedAt) {
			t.Errorf("write %d %+v: got %+v, want %+v", i, ws[i], out[i], want[i])
		}
	}
	if !errors.Is(out[5].Err, provisioning.ErrNotFound) {
		t.Errorf("lock of an absent device: %v, want ErrNotFound", out[5].Err)
	}
	for i, e := range []error{out[0].Err, out[1].Err, out[2].Err, out[3].Err, out[4].Err, out[6].Err, out[7].Err} {
		if e != nil {
			t.Errorf("result %d: unexpected error %v", i, e)
		}
	}
	if out[8].Err == nil || out[9].Err == nil {
		t.Errorf("a write without MAC or lock time was accepted: %v, %v", out[8].Err, out[9].Err)
	}
	got := deviceMap(t, s)
	w1 := wantDevice(edited)
	w1.OpenUntil, w1.LockedAt, w1.LastSeen = time.Time{}, utc(t0.Add(2*time.Second)), utc(t0.Add(2*time.Hour))
	checkEqual(t, "device 1 (edited, then locked)", got[macN(1)], w1)
	w2 := wantDevice(ds[1])
	w2.LastSeen = utc(t0.Add(time.Hour))
	checkEqual(t, "device 2 (seen)", got[macN(2)], w2)
	w3 := wantDevice(ds[2])
	w3.OpenUntil, w3.LockedAt = time.Time{}, utc(t0.Add(time.Second))
	checkEqual(t, "device 3 (locked)", got[macN(3)], w3)
	checkEqual(t, "device 4 (older sighting)", got[macN(4)], wantDevice(ds[3]))
	checkEqual(t, "device 5 (window over)", got[macN(5)], wantDevice(ds[4]))
}

// TestWriteDevicesAllOrNothing: a batch whose transaction fails writes
// nothing, and says so with one error.
func TestWriteDevicesAllOrNothing(t *testing.T) {
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	d := device(t, macN(1), "acme")
	if err := s.CreateDevices(context.Background(), []provisioning.Device{d}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.WriteDevices(ctx, []provisioning.DeviceWrite{{MAC: d.MAC, Lock: true, LockAt: t0}}); err == nil {
		t.Fatal("a batch on a cancelled context reported success")
	}
	checkEqual(t, "device", deviceMap(t, s)[d.MAC], wantDevice(d))
}
