package web

import (
	"context"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/vendor"
)

// Service is what the web UI needs from the provisioning core: the
// methods the JSON admin API uses, plus the vendor registry for the
// add-device form. *provisioning.Service satisfies it.
type Service interface {
	Accounts() []provisioning.Account
	AddAccount(ctx context.Context, a provisioning.Account) (provisioning.Account, error)

	Devices() []provisioning.Device
	Device(m provisioning.MAC) (provisioning.Device, error)
	AddDevice(ctx context.Context, d provisioning.Device) (provisioning.Device, error)
	View(d provisioning.Device) provisioning.DeviceView
	LockDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	UnlockDevice(ctx context.Context, m provisioning.MAC, dur time.Duration) (provisioning.Device, error)
	RekeyDevice(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	RekeyDeviceNoGrace(ctx context.Context, m provisioning.MAC) (provisioning.Device, error)
	RemoveDevice(ctx context.Context, m provisioning.MAC) error

	Leases() []provisioning.Lease
	Events(ctx context.Context, f provisioning.EventFilter) ([]provisioning.Event, error)
	Bans() []provisioning.Ban
	Unban(ctx context.Context, ip netip.Addr) error

	Registry() *vendor.Registry
}

var _ Service = (*provisioning.Service)(nil)
