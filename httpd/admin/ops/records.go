package ops

import (
	"context"
	"fmt"
	"net/netip"
	"time"

	"github.com/provbox/provbox/provisioning"
)

// Leases lists the DHCP leases; [] when none.
func (o *Ops) Leases() []provisioning.Lease {
	ls := o.svc.Leases()
	if ls == nil {
		ls = []provisioning.Lease{}
	}
	return ls
}

// Events answers the audit trail q selects, newest first; [] when none.
func (o *Ops) Events(ctx context.Context, q EventQuery) ([]provisioning.Event, error) {
	f, err := q.filter()
	if err != nil {
		return nil, err
	}
	es, err := o.svc.Events(ctx, f)
	if err == nil && es == nil {
		es = []provisioning.Event{}
	}
	return es, err
}

// Bans lists the bans in force; [] when none.
func (o *Ops) Bans() ([]provisioning.Ban, error) {
	if o.bans == nil {
		return nil, errNoBans
	}
	bs := o.bans.Bans()
	if bs == nil {
		bs = []provisioning.Ban{}
	}
	return bs, nil
}

// AddBan bans ip by hand for d (0: the configured ban_time).
func (o *Ops) AddBan(ctx context.Context, ip string, d time.Duration, reason string) (provisioning.Ban, error) {
	if o.bans == nil {
		return provisioning.Ban{}, errNoBans
	}
	addr, err := ParseIP(ip)
	if err != nil {
		return provisioning.Ban{}, err
	}
	b, err := o.bans.AddBan(ctx, addr, d, reason)
	o.audit(ctx, err, "ban-added", provisioning.MAC{}, fmt.Sprintf("%s until %s: %s", b.Prefix, b.Until.UTC().Format(time.RFC3339), reason))
	return b, err
}

// Unban lifts the ban on ip (for IPv6, its /64) and answers the address.
func (o *Ops) Unban(ctx context.Context, ip string) (netip.Addr, error) {
	if o.bans == nil {
		return netip.Addr{}, errNoBans
	}
	addr, err := ParseIP(ip)
	if err == nil {
		err = o.bans.Unban(ctx, addr)
		o.audit(ctx, err, "ban-lifted", provisioning.MAC{}, addr.String())
	}
	return addr, err
}
