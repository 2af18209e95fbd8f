package ops

import (
	"context"

	"github.com/provbox/provbox/provisioning"
)

// PendingCore is the pending-phone part of the core;
// *provisioning.Service satisfies it. Optional: without it the pending
// operations fail with ErrUnavailable.
type PendingCore interface {
	PendingPhones() []provisioning.Pending
	PendingPhone(m provisioning.MAC) (provisioning.Pending, error)
	DropPending(m provisioning.MAC)
}

var _ PendingCore = (*provisioning.Service)(nil)

var errNoPending = unavailable("this server keeps no pending phones")

func (o *Ops) pendingSvc() (PendingCore, error) {
	p, ok := o.svc.(PendingCore)
	if !ok {
		return nil, errNoPending
	}
	return p, nil
}

// Pending lists the unknown phones that asked, most recently seen
// first; [] when none.
func (o *Ops) Pending() ([]provisioning.Pending, error) {
	p, err := o.pendingSvc()
	if err != nil {
		return nil, err
	}
	out := p.PendingPhones()
	if out == nil {
		out = []provisioning.Pending{}
	}
	return out, nil
}

// PendingPhone is the sighting of mac (to pre-fill an add form).
func (o *Ops) PendingPhone(mac string) (provisioning.Pending, error) {
	p, err := o.pendingSvc()
	if err != nil {
		return provisioning.Pending{}, err
	}
	m, err := ParseMAC(mac)
	if err != nil {
		return provisioning.Pending{}, err
	}
	return p.PendingPhone(m)
}

// Adopt adds the pending phone in.MAC as a device: vendor and model come
// from its sighting unless in gives them. The device's provisioning
// window opens, so the phone, still retrying, provisions by itself; it
// leaves the pending list. A MAC that is not pending is refused (404):
// add it with AddDevice.
func (o *Ops) Adopt(ctx context.Context, in DeviceInput) (provisioning.DeviceView, error) {
	p, err := o.PendingPhone(in.MAC)
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	if in.Vendor == "" {
		in.Vendor = p.Vendor
	}
	if in.Model == "" {
		in.Model = p.Model
	}
	d, err := in.device()
	if err == nil {
		d, err = o.svc.AddDevice(ctx, d)
	}
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	ps, _ := o.pendingSvc()
	ps.DropPending(d.MAC)
	o.audit(ctx, nil, "adopted", d.MAC, "account "+d.Account+", vendor "+d.Vendor)
	return o.svc.View(d), nil
}
