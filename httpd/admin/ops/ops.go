package ops

import (
	"context"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Core is what the admin surfaces need from the provisioning core;
// *provisioning.Service satisfies it.
type Core interface {
	AddAccount(ctx context.Context, a provisioning.Account) (provisioning.Account, error)
	Accounts() []provisioning.Account
	Account(name string) (provisioning.Account, error)
	RekeyAccount(ctx context.Context, name string) (provisioning.Account, error)

	AddDevice(ctx context.Context, d provisioning.Device) (provisioning.Device, error)
	ImportDevices(ctx context.Context, ds []provisioning.Device) ([]provisioning.Device, error)
	Devices() []provisioning.Device
	Device(m provisioning.MAC) (provisioning.Device, error)
	RemoveDevice(ctx context.Context, m provisioning.MAC) error
	LockDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	UnlockDevice(ctx context.Context, m provisioning.MAC, dur time.Duration) (provisioning.Device, error)
	RekeyDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	View(d provisioning.Device) provisioning.DeviceView

	Leases() []provisioning.Lease
	Events(ctx context.Context, f provisioning.EventFilter) ([]provisioning.Event, error)
}

// BanCore is the ban part of the core; *provisioning.Service
// satisfies it. It is optional: without it (a test fake) the ban
// operations fail with ErrUnavailable.
type BanCore interface {
	Bans() []provisioning.Ban
	Unban(ctx context.Context, ip netip.Addr) error
	AddBan(ctx context.Context, ip netip.Addr, d time.Duration, reason string) (provisioning.Ban, error)
}

// NoGraceCore rekeys without rotation grace; *provisioning.Service
// satisfies it. Optional, like BanCore: without it a rekey asking for
// no grace fails with ErrUnavailable.
type NoGraceCore interface {
	RekeyDeviceNoGrace(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	RekeyAccountNoGrace(ctx context.Context, name string) (provisioning.Account, error)
}

var (
	_ Core        = (*provisioning.Service)(nil)
	_ BanCore     = (*provisioning.Service)(nil)
	_ NoGraceCore = (*provisioning.Service)(nil)
)

// Ops runs admin operations against the core.
type Ops struct {
	svc     Core
	bans    BanCore     // nil when svc has no ban engine
	noGrace NoGraceCore // nil when svc cannot rekey without grace
	dhcp    dhcpHolder  // the DHCP server's operations, once installed
	node    nodeHolder  // the node's role and database health (node.go)
}

// New returns the operations over svc; the optional parts are found by
// asking svc.
func New(svc Core) *Ops {
	o := &Ops{svc: svc}
	o.bans, _ = svc.(BanCore)
	o.noGrace, _ = svc.(NoGraceCore)
	return o
}

// Summary counts what the daemon holds.
type Summary struct{ Accounts, Devices, Leases, Bans int }

// Summary counts accounts, devices, leases and (when there is a ban
// engine) bans.
func (o *Ops) Summary() Summary {
	s := Summary{Accounts: len(o.svc.Accounts()), Devices: len(o.svc.Devices()), Leases: len(o.svc.Leases())}
	if o.bans != nil {
		s.Bans = len(o.bans.Bans())
	}
	return s
}
