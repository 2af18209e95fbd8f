package ops

import (
	"context"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Service is what the admin surfaces need from the provisioning core;
// *provisioning.Service satisfies it.
type Service interface {
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

// BanService is the ban part of the core; *provisioning.Service
// satisfies it. It is optional: without it (a test fake) the ban
// operations fail with ErrUnavailable.
type BanService interface {
	Bans() []provisioning.Ban
	Unban(ctx context.Context, ip netip.Addr) error
	AddBan(ctx context.Context, ip netip.Addr, d time.Duration, reason string) (provisioning.Ban, error)
}

// NoGraceService rekeys without rotation grace; *provisioning.Service
// satisfies it. Optional, like BanService: without it a rekey asking for
// no grace fails with ErrUnavailable.
type NoGraceService interface {
	RekeyDeviceNoGrace(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	RekeyAccountNoGrace(ctx context.Context, name string) (provisioning.Account, error)
}

var (
	_ Service        = (*provisioning.Service)(nil)
	_ BanService     = (*provisioning.Service)(nil)
	_ NoGraceService = (*provisioning.Service)(nil)
)

// Ops runs admin operations against the core.
type Ops struct {
	svc     Service
	bans    BanService     // nil when svc has no ban engine
	noGrace NoGraceService // nil when svc cannot rekey without grace
	dhcp    dhcpHolder     // the DHCP server's operations, once installed
	node    nodeHolder     // the node's role and database health (node.go)
}

// New returns the operations over svc; the optional parts are found by
// asking svc.
func New(svc Service) *Ops {
	o := &Ops{svc: svc}
	o.bans, _ = svc.(BanService)
	o.noGrace, _ = svc.(NoGraceService)
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
