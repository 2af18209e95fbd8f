package lab

import (
	"context"
	"fmt"
	"strings"

	"github.com/provbox/provbox/cmd/internal/phone"
)

// account is the lab's one account.
const account = "lab"

// addDevices adds, through the CLI like an admin, one device per phone
// vendor and one open device per attacker that needs a target of its own
// (so one attacker's success cannot hide behind another's lock).
func (l *run) addDevices(ctx context.Context) error {
	if _, err := l.d.cli(ctx, "account", "add", account, "--sip-server", "pbx.lab.example"); err != nil {
		return err
	}
	for i, v := range l.o.Vendors {
		p, _ := phone.Lookup(v)
		l.devices = append(l.devices, &device{Role: "phone", Vendor: v, MAC: p.MAC(1, 0x10), Ext: fmt.Sprintf("2%02d", i+1)})
	}
	targets := []struct {
		role, vendor string
		n            int
	}{
		{phone.Walker, "grandstream", 2},
		{phone.UAReplay, "yealink", 3},
		{phone.UAForge, "yealink", 4},
		{phone.StaticClone, "yealink", 5},
		{phone.IPThief, "yealink", 6},
		{phone.IPv6Thief, "yealink", 7},
		{phone.TFTPHog, "yealink", 8},
		{phone.ConnHog, "yealink", 9},
		{phone.RelayForger, "yealink", 10},
	}
	for i, t := range targets {
		p, _ := phone.Lookup(t.vendor)
		l.devices = append(l.devices, &device{Role: t.role, Vendor: t.vendor, MAC: p.MAC(t.n, 0x20), Ext: fmt.Sprintf("9%02d", i+1)})
	}
	for _, d := range l.devices {
		d.Password = "pw-" + randomHex(10)
		p, _ := phone.Lookup(d.Vendor) // d.Vendor names the lab phone; provbox knows its family
		if _, err := l.d.cli(ctx, "device", "add", d.MAC.String(), "--account", account,
			"--vendor", p.ProvboxVendor(), "--line", d.Ext+":"+d.Password+":Lab "+d.Ext); err != nil {
			return err
		}
	}
	return nil
}

// targetOf is the device an attacker role attacks.
func (l *run) targetOf(role string) *device {
	for _, d := range l.devices {
		if d.Role == role {
			return d
		}
	}
	return nil
}

// afterLockTarget is the provisioned phone the after-lock attacker
// impersonates: the Yealink if there is one.
func (l *run) afterLockTarget() *device {
	var first *device
	for _, d := range l.devices {
		if d.Role != "phone" {
			continue
		}
		if d.Vendor == "yealink" {
			return d
		}
		if first == nil {
			first = d
		}
	}
	return first
}

// owner names the device a leaked secret belongs to.
func (l *run) owner(secret string) (*device, bool) {
	for _, d := range l.devices {
		if strings.Contains(secret, d.Password) {
			return d, true
		}
	}
	return nil, false
}

func (d *device) String() string {
	return fmt.Sprintf("%s %s (%s)", d.Vendor, d.MAC, d.Role)
}
