package provisioning

import (
	"context"
	"fmt"
	"slices"
)

// DeviceModifier is the optional store part admin edits of a device go
// through. ModifyDevice applies change to device m as the store holds it
// now and writes the result in the same transaction, with the row held
// from the read to the commit; it returns the device as written, and
// change's error unchanged. A store several nodes share must have it: a
// node's memory view lags the others' commits (a first-fetch lock, a
// last-seen time), and writing the whole row from that view would undo
// them. provisioning/store implements it; a store without it (a test
// fake, which one process owns) gets the memory view's row stored with
// UpdateDevice.
type DeviceModifier interface {
	ModifyDevice(ctx context.Context, m MAC, change func(d *Device) error) (Device, error)
}

// modifyDevice applies change to device m, stores it and publishes it.
// It returns the device change was applied to (the stored row, or the
// memory view's without a DeviceModifier) and the device as stored. A
// change's error reads "device m: err", a store's "storing device m:
// err". The caller holds s.wmu.
func (s *Service) modifyDevice(ctx context.Context, m MAC, change func(d *Device) error) (before, after Device, err error) {
	cur, ok := s.devices[m]
	if !ok {
		return Device{}, Device{}, notFoundf("device %s", m)
	}
	var changeErr error
	apply := func(d *Device) error {
		before = *d
		before.Lines = slices.Clone(d.Lines)
		changeErr = change(d)
		return changeErr
	}
	if mod, ok := s.st.(DeviceModifier); ok {
		after, err = mod.ModifyDevice(ctx, m, apply)
	} else {
		after = *cur
		after.Lines = slices.Clone(cur.Lines)
		if err = apply(&after); err == nil {
			err = s.st.UpdateDevice(ctx, after)
		}
	}
	switch {
	case changeErr != nil:
		return Device{}, Device{}, fmt.Errorf("device %s: %w", m, changeErr)
	case err != nil:
		return Device{}, Device{}, fmt.Errorf("storing device %s: %w", m, err)
	}
	s.mu.Lock()
	if s.devHash[cur.Hash] == m {
		delete(s.devHash, cur.Hash)
	}
	s.putDevice(&after)
	s.devHash[after.Hash] = m
	s.mu.Unlock()
	return before, after, nil
}
