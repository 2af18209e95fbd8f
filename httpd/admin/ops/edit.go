package ops

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/provbox/provbox/provisioning"
)

// EditCore is the editing part of the core; *provisioning.Service
// satisfies it. Optional: without it the edits fail with ErrUnavailable.
type EditCore interface {
	UpdateAccount(ctx context.Context, name string, c provisioning.AccountChange) (provisioning.Account, error)
	RemoveAccount(ctx context.Context, name string, force bool) ([]provisioning.MAC, error)
	EditDevice(ctx context.Context, m provisioning.MAC, c provisioning.DeviceChange) (provisioning.Device, error)
	ReplaceDevice(ctx context.Context, old, mac provisioning.MAC) (provisioning.Device, error)
	Preview(m provisioning.MAC) (provisioning.Preview, error)
}

var _ EditCore = (*provisioning.Service)(nil)

var errNoEdit = unavailable("this server cannot edit accounts and devices")

func (o *Ops) editSvc() (EditCore, error) {
	e, ok := o.svc.(EditCore)
	if !ok {
		return nil, errNoEdit
	}
	return e, nil
}

// unsupported maps a store that cannot do an edit to ErrUnavailable.
func unsupported(err error) error {
	if errors.Is(err, provisioning.ErrUnsupported) {
		return unavailable(err.Error())
	}
	return err
}

// AccountEdit is an edit of an account as an admin entered it; nil
// fields stay as they are.
type AccountEdit struct {
	SIPServer    *string // host name or address
	SIPPort      *int    // 0: the transport's default
	SIPTransport *string // udp, tcp or tls
	NTPServer    *string
	TimeZone     *string // IANA name
	Language     *string
}

// UpdateAccount changes account name's settings; the core validates
// them (a SIP server, a known time zone, each device's vendor limits).
func (o *Ops) UpdateAccount(ctx context.Context, name string, in AccountEdit) (Account, error) {
	e, err := o.editSvc()
	if err != nil {
		return Account{}, err
	}
	c := provisioning.AccountChange{SIPServer: in.SIPServer, SIPPort: in.SIPPort, NTPServer: in.NTPServer,
		TimeZone: in.TimeZone, Language: in.Language}
	if in.SIPTransport != nil {
		t := provisioning.Transport(*in.SIPTransport)
		c.SIPTransport = &t
	}
	before, _ := o.svc.Account(name)
	a, err := e.UpdateAccount(ctx, name, c)
	o.audit(ctx, err, "account-changed", provisioning.MAC{}, "account "+name+": "+accountChanges(before, a))
	if err != nil {
		return Account{}, accountField(name, err)
	}
	return o.counted(a), nil
}

// RemoveAccount deletes account name; while devices use it, only with
// force, which removes them too. It answers the devices removed.
func (o *Ops) RemoveAccount(ctx context.Context, name string, force bool) ([]provisioning.MAC, error) {
	e, err := o.editSvc()
	if err != nil {
		return nil, err
	}
	macs, err := e.RemoveAccount(ctx, name, force)
	o.audit(ctx, err, "account-removed", provisioning.MAC{}, fmt.Sprintf("account %s, %d device(s) removed", name, len(macs)))
	if macs == nil {
		macs = []provisioning.MAC{}
	}
	return macs, unsupported(err)
}

// DeviceEdit is an edit of a device as an admin entered it; nil fields
// stay. Lines, when not nil, replace the device's lines; a line without a
// password keeps the password of the current line with its extension.
// IP "" removes the reservation.
type DeviceEdit struct {
	Account, Model, IP *string
	Lines              []provisioning.Line
}

// EditDevice changes device mac.
func (o *Ops) EditDevice(ctx context.Context, mac string, in DeviceEdit) (provisioning.DeviceView, error) {
	e, err := o.editSvc()
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	m, err := ParseMAC(mac)
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	c := provisioning.DeviceChange{Account: in.Account, Model: in.Model, Lines: in.Lines}
	if in.IP != nil {
		var ip netip.Addr
		if *in.IP != "" {
			if ip, err = netip.ParseAddr(*in.IP); err != nil || !ip.Is4() {
				return provisioning.DeviceView{}, Badf("device %s: ip %q is not an IPv4 address", m, *in.IP)
			}
		}
		c.IP = &ip
	}
	before, _ := o.svc.Device(m)
	d, err := e.EditDevice(ctx, m, c)
	o.audit(ctx, err, "device-changed", m, deviceChanges(before, d))
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	return o.svc.View(d), nil
}

// ReplaceDevice moves device oldMAC to newMAC (a replaced phone): same
// lines and settings, new hash, open provisioning window.
func (o *Ops) ReplaceDevice(ctx context.Context, oldMAC, newMAC string) (provisioning.DeviceView, error) {
	e, err := o.editSvc()
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	old, err := ParseMAC(oldMAC)
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	m, err := ParseMAC(newMAC)
	if err != nil {
		return provisioning.DeviceView{}, err
	}
	d, err := e.ReplaceDevice(ctx, old, m)
	o.audit(ctx, err, "device-replaced", m, "replaces "+old.String())
	if err != nil {
		return provisioning.DeviceView{}, unsupported(err)
	}
	return o.svc.View(d), nil
}

// Preview is what device mac's phone would get now, passwords masked;
// nothing is locked, struck or audited.
func (o *Ops) Preview(mac string) (provisioning.Preview, error) {
	e, err := o.editSvc()
	if err != nil {
		return provisioning.Preview{}, err
	}
	m, err := ParseMAC(mac)
	if err != nil {
		return provisioning.Preview{}, err
	}
	return e.Preview(m)
}

func sortedJoin(f []string) string {
	slices.Sort(f)
	if len(f) == 0 {
		return "nothing"
	}
	return "changed " + strings.Join(f, ", ")
}
