package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// TestLockOpenDeviceOnce: many concurrent LockOpenDevice calls on an open
// device, through two Store handles on one database: exactly one takes
// the lock, and the others get its time.
func TestLockOpenDeviceOnce(t *testing.T) {
	ctx := context.Background()
	loc := NewTestLocation(t)
	s1, err := OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer s1.Close()
	s2, err := OpenTestLocation(ctx, loc)
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	mustCreateAccount(t, s1, account(t, "acme"))
	d := device(t, macN(1), "acme")
	if err := s1.CreateDevices(ctx, []provisioning.Device{d}); err != nil {
		t.Fatal(err)
	}
	var took atomic.Int64
	var mu sync.Mutex
	seen := map[time.Time]bool{}
	var wg sync.WaitGroup
	for i := range 32 {
		s := []*Store{s1, s2}[i%2]
		wg.Go(func() {
			ok, at, err := s.LockOpenDevice(ctx, d.MAC, t0.Add(time.Duration(i+1)*time.Second))
			if err != nil {
				t.Error(err)
				return
			}
			if ok {
				took.Add(1)
			}
			mu.Lock()
			seen[at] = true
			mu.Unlock()
		})
	}
	wg.Wait()
	if took.Load() != 1 || len(seen) != 1 {
		t.Fatalf("%d calls took the lock, %d distinct lock times; want 1 and 1", took.Load(), len(seen))
	}
	got := deviceMap(t, s2)[d.MAC]
	if !got.OpenUntil.IsZero() || !seen[got.LockedAt] {
		t.Errorf("stored device open_until %v locked_at %v, want closed at the lock time", got.OpenUntil, got.LockedAt)
	}
	// A window that ended is not locked by a fetch, and a missing device is
	// ErrNotFound.
	d2 := device(t, macN(2), "acme")
	if err := s1.CreateDevices(ctx, []provisioning.Device{d2}); err != nil {
		t.Fatal(err)
	}
	if ok, at, err := s1.LockOpenDevice(ctx, d2.MAC, d2.OpenUntil.Add(time.Second)); ok || !at.IsZero() || err != nil {
		t.Errorf("after the window: took %v at %v err %v, want nothing", ok, at, err)
	}
	if _, _, err := s1.LockOpenDevice(ctx, macN(3), t0); !errors.Is(err, provisioning.ErrNotFound) {
		t.Errorf("missing device: %v, want ErrNotFound", err)
	}
}
