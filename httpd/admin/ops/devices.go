package ops

import (
	"context"
	"fmt"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Devices lists every device as the core shows it.
func (o *Ops) Devices() []provisioning.DeviceView {
	out := []provisioning.DeviceView{}
	for _, d := range o.svc.Devices() {
		out = append(out, o.svc.View(d))
	}
	return out
}

// Device is the device mac.
func (o *Ops) Device(mac string) (provisioning.DeviceView, error) {
	return o.withMAC(mac, o.svc.Device)
}

// AddDevice creates the device in.
func (o *Ops) AddDevice(ctx context.Context, in DeviceInput) (provisioning.DeviceView, error) {
	d, err := in.device()
	if err == nil {
		d, err = o.svc.AddDevice(ctx, d)
	}
	o.audit(ctx, err, "device-added", d.MAC, "account "+d.Account+", vendor "+d.Vendor)
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	return o.svc.View(d), nil
}

// ImportDevices adds every device of in or none; an error names the
// device by its position (from 1).
func (o *Ops) ImportDevices(ctx context.Context, in []DeviceInput) ([]provisioning.DeviceView, error) {
	if len(in) == 0 {
		return nil, Badf("import: no devices")
	}
	ds := make([]provisioning.Device, len(in))
	for i := range in {
		d, err := in[i].device()
		if err != nil {
			return nil, Badf("device %d: %v", i+1, err)
		}
		ds[i] = d
	}
	ds, err := o.svc.ImportDevices(ctx, ds)
	o.audit(ctx, err, "imported", provisioning.MAC{}, fmt.Sprintf("%d device(s)", len(ds)))
	for _, d := range ds {
		o.audit(ctx, err, "device-added", d.MAC, "import, account "+d.Account+", vendor "+d.Vendor)
	}
	if err != nil {
		return nil, err
	}
	out := make([]provisioning.DeviceView, len(ds))
	for i, d := range ds {
		out[i] = o.svc.View(d)
	}
	return out, nil
}

// LockDevice closes the device's initial provisioning.
func (o *Ops) LockDevice(ctx context.Context, mac string) (provisioning.DeviceView, error) {
	return o.withMAC(mac, func(m provisioning.MAC) (provisioning.Device, error) { return o.svc.LockDevice(ctx, m) })
}

// UnlockDevice opens the device's initial provisioning for d (0: the
// configured unlock_window; see ParseFor).
func (o *Ops) UnlockDevice(ctx context.Context, mac string, d time.Duration) (provisioning.DeviceView, error) {
	return o.withMAC(mac, func(m provisioning.MAC) (provisioning.Device, error) { return o.svc.UnlockDevice(ctx, m, d) })
}

// RekeyDevice gives the device a new hash; noGrace ends the old secret
// URLs at once.
func (o *Ops) RekeyDevice(ctx context.Context, mac string, noGrace bool) (provisioning.DeviceView, error) {
	rekey := o.svc.RekeyDevice
	if noGrace {
		if o.noGrace == nil {
			return provisioning.DeviceView{}, errNoGrace
		}
		rekey = o.noGrace.RekeyDeviceNoGrace
	}
	// The core audits the rekey ("rekeyed", with the context's actor).
	return o.withMAC(mac, func(m provisioning.MAC) (provisioning.Device, error) { return rekey(ctx, m) })
}

// RemoveDevice removes the device and answers its MAC.
func (o *Ops) RemoveDevice(ctx context.Context, mac string) (provisioning.MAC, error) {
	m, err := ParseMAC(mac)
	if err == nil {
		err = o.svc.RemoveDevice(ctx, m)
		o.audit(ctx, err, "device-removed", m, "")
	}
	return m, err
}

// withMAC parses mac, runs do and answers with the view of the device it
// returns.
func (o *Ops) withMAC(mac string, do func(provisioning.MAC) (provisioning.Device, error)) (provisioning.DeviceView, error) {
	m, err := ParseMAC(mac)
	var d provisioning.Device
	if err == nil {
		d, err = do(m)
	}
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	return o.svc.View(d), nil
}
