package store

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/provbox/provbox/provisioning"
)

func TestDevicesRoundTrip(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	full := device(t, mac(t, "80:5e:c0:11:22:33"), "acme")
	full.IP = netip.MustParseAddr("10.20.0.50")
	full.Lines = append(full.Lines, provisioning.Line{Extension: "203"}) // three, in order
	locked := device(t, mac(t, "00:04:f2:aa:bb:cc"), "acme")
	locked.OpenUntil, locked.LockedAt = time.Time{}, t0.Add(2*time.Hour)
	locked.IP = netip.MustParseAddr("fd00::1234")
	bare := provisioning.Device{MAC: mac(t, "000b82010203"), Account: "acme", Hash: mustHash(t)}
	if err := s.CreateDevices(ctx, []provisioning.Device{full, locked, bare}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Devices(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Ordered by MAC.
	want := []provisioning.Device{wantDevice(locked), wantDevice(bare), wantDevice(full)}
	checkEqual(t, "Devices", got, want)
	if got[0].OpenUntil != (time.Time{}) || got[1].LastSeen != (time.Time{}) || got[1].IP.IsValid() {
		t.Error("zero times and the absent reservation must come back as zero values")
	}
}

func TestCreateDevicesAllOrNothing(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	existing := device(t, macN(1), "acme")
	existing.IP = netip.MustParseAddr("10.0.0.7")
	if err := s.CreateDevices(ctx, []provisioning.Device{existing}); err != nil {
		t.Fatal(err)
	}
	dupMAC := device(t, macN(1), "acme")
	dupHash := device(t, macN(3), "acme")
	dupHash.Hash = existing.Hash
	dupIP := device(t, macN(4), "acme")
	dupIP.IP = existing.IP
	noAcct := device(t, macN(5), "ghost")
	sameTwice := device(t, macN(6), "acme")
	sameTwiceNewHash := sameTwice
	sameTwiceNewHash.Hash = mustHash(t)
	farFuture := device(t, macN(7), "acme")
	farFuture.OpenUntil = time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)

	for _, tc := range []struct {
		name  string
		batch []provisioning.Device
		is    error
		want  string
	}{
		{"duplicate MAC", []provisioning.Device{device(t, macN(2), "acme"), dupMAC},
			provisioning.ErrExists, "device 02:00:00:00:00:01: already exists (devices.mac)"},
		{"duplicate hash", []provisioning.Device{device(t, macN(2), "acme"), dupHash},
			provisioning.ErrExists, "device 02:00:00:00:00:03: already exists (devices.hash)"},
		{"duplicate reservation", []provisioning.Device{device(t, macN(2), "acme"), dupIP},
			provisioning.ErrExists, "device 02:00:00:00:00:04: already exists (devices.ip)"},
		{"unknown account", []provisioning.Device{device(t, macN(2), "acme"), noAcct},
			provisioning.ErrNotFound, `device 02:00:00:00:00:05: account "ghost": not found`},
		{"same MAC twice in the batch", []provisioning.Device{device(t, macN(2), "acme"), sameTwice, sameTwiceNewHash},
			provisioning.ErrExists, "device 02:00:00:00:00:06: already exists (devices.mac)"},
		{"time out of range", []provisioning.Device{device(t, macN(2), "acme"), farFuture},
			nil, "device 02:00:00:00:00:07: open_until 2300-01-01T00:00:00Z is outside the storable range"},
		{"MAC missing", []provisioning.Device{device(t, macN(2), "acme"), {Account: "acme"}},
			nil, "device: MAC missing"},
	} {
		err := s.CreateDevices(ctx, tc.batch)
		if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: CreateDevices = %v, want %q (%v)", tc.name, err, tc.want, tc.is)
		}
		if n, l := count(t, s, "devices"), count(t, s, "lines"); n != 1 || l != 2 {
			t.Fatalf("%s: %d devices and %d lines stored, want only the first device's 1 and 2", tc.name, n, l)
		}
	}
	if err := s.CreateDevices(ctx, nil); err != nil {
		t.Errorf("CreateDevices(nil) = %v", err)
	}
}

func TestUpdateDevice(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	mustCreateAccount(t, s, account(t, "branch"))
	d, other := device(t, macN(1), "acme"), device(t, macN(2), "acme")
	other.IP = netip.MustParseAddr("10.0.0.2")
	if err := s.CreateDevices(ctx, []provisioning.Device{d, other}); err != nil {
		t.Fatal(err)
	}

	// Lock, rekey, move, reserve, and replace three lines by one.
	d.OpenUntil, d.LockedAt, d.Hash = time.Time{}, t0.Add(time.Hour), mustHash(t)
	d.Account, d.Model, d.IP = "branch", "T46U", netip.MustParseAddr("10.0.0.1")
	d.Lines = []provisioning.Line{{Extension: "300", AuthUser: "300", Password: "new"}}
	if err := s.UpdateDevice(ctx, d); err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "after update", deviceMap(t, s)[d.MAC], wantDevice(d))

	// Failed updates change nothing, lines included.
	for _, tc := range []struct {
		name   string
		change func(*provisioning.Device)
		is     error
		want   string
	}{
		{"absent", func(x *provisioning.Device) { x.MAC = macN(9) },
			provisioning.ErrNotFound, "device 02:00:00:00:00:09: not found"},
		{"unknown account", func(x *provisioning.Device) { x.Account = "ghost" },
			provisioning.ErrNotFound, `device 02:00:00:00:00:01: account "ghost": not found`},
		{"hash of another device", func(x *provisioning.Device) { x.Hash = other.Hash },
			provisioning.ErrExists, "device 02:00:00:00:00:01: already exists (devices.hash)"},
		{"reservation of another device", func(x *provisioning.Device) { x.IP = other.IP },
			provisioning.ErrExists, "device 02:00:00:00:00:01: already exists (devices.ip)"},
	} {
		x := d
		x.Lines = []provisioning.Line{{Extension: "999"}}
		tc.change(&x)
		err := s.UpdateDevice(ctx, x)
		if !errors.Is(err, tc.is) || err.Error() != tc.want {
			t.Errorf("%s: UpdateDevice = %v, want %q", tc.name, err, tc.want)
		}
		got := deviceMap(t, s)
		checkEqual(t, tc.name+": device", got[d.MAC], wantDevice(d))
		checkEqual(t, tc.name+": other device", got[other.MAC], wantDevice(other))
	}

	// No lines at all.
	d.Lines = nil
	if err := s.UpdateDevice(ctx, d); err != nil {
		t.Fatal(err)
	}
	checkEqual(t, "no lines", deviceMap(t, s)[d.MAC], wantDevice(d))
}

func TestDeleteDevice(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	mustCreateAccount(t, s, account(t, "acme"))
	a, b := device(t, macN(1), "acme"), device(t, macN(2), "acme")
	if err := s.CreateDevices(ctx, []provisioning.Device{a, b}); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDevice(ctx, a.MAC); err != nil {
		t.Fatal(err)
	}
	got := deviceMap(t, s)
	if _, ok := got[a.MAC]; ok || len(got) != 1 {
		t.Errorf("after delete: %v", got)
	}
	if n := count(t, s, "lines"); n != len(b.Lines) {
		t.Errorf("%d lines left, want %d: the deleted device's lines must go with it", n, len(b.Lines))
	}
	err := s.DeleteDevice(ctx, a.MAC)
	if !errors.Is(err, provisioning.ErrNotFound) || err.Error() != "device 02:00:00:00:00:01: not found" {
		t.Errorf("deleting again = %v, want ErrNotFound naming the MAC", err)
	}
	// The MAC and hash are free again.
	if err := s.CreateDevices(ctx, []provisioning.Device{a}); err != nil {
		t.Errorf("re-adding a deleted device: %v", err)
	}
}
