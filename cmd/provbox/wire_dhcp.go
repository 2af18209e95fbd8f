package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/netip"

	"github.com/provbox/provbox/dhcp"
	"github.com/provbox/provbox/provisioning"
)

// dhcpRunner is the DHCP server with its sockets bound.
type dhcpRunner interface {
	serve(ctx context.Context) error
	close()
}

type dhcpServer struct {
	srv     *dhcp.Server
	conns   []net.PacketConn
	watches []*dhcp.RogueWatch // rogue DHCP detection, one per watched interface
}

// bindDHCP builds the DHCP server (restoring the leases the core holds)
// and binds port 67 on every configured interface.
func bindDHCP(cfg *fileConfig, svc *provisioning.Service, log *slog.Logger, opts ...dhcp.Option) (dhcpRunner, error) {
	srv, err := dhcp.New(dhcpSettings(cfg), svc, log, opts...)
	if err != nil {
		return nil, err
	}
	d := &dhcpServer{srv: srv}
	for _, name := range cfg.DHCP.Interfaces {
		c, err := dhcp.Bind(name, 0)
		if err != nil {
			d.close()
			return nil, fmt.Errorf("dhcp.interfaces: %w", err)
		}
		d.conns = append(d.conns, c)
		warnUnservedInterface(name, cfg.DHCP.Subnets, log)
	}
	for _, n := range relayNotes(cfg) {
		log.Warn(n)
	}
	d.watches = openRogueWatches(cfg, log)
	return d, nil
}

// warnUnservedInterface says so when an interface has no address inside
// any [[dhcp.subnet]]: the server cannot pick a subnet for phones asking
// there directly (relayed requests still work), which an admin would
// otherwise only notice as silence.
func warnUnservedInterface(name string, subnets []dhcp.Subnet, log *slog.Logger) {
	ifc, err := net.InterfaceByName(name)
	if err != nil {
		return
	}
	addrs, _ := ifc.Addrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok {
			continue
		}
		ip, _ := netip.AddrFromSlice(ipn.IP)
		for _, s := range subnets {
			if s.CIDR.Contains(ip.Unmap()) {
				return
			}
		}
	}
	log.Warn("dhcp interface has no address in any [[dhcp.subnet]]: only relayed requests will be answered there",
		"interface", name)
}

func (d *dhcpServer) serve(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	watched := make(chan struct{})
	go func() { defer close(watched); d.srv.WatchRogues(ctx, d.watches...) }()
	err := d.srv.Serve(ctx, d.conns...)
	cancel()
	<-watched
	return err
}

func (d *dhcpServer) close() {
	for _, c := range d.conns {
		c.Close()
	}
	for _, w := range d.watches {
		w.Close()
	}
}

// dhcpSettings is [dhcp] as the DHCP server takes it. The bootstrap and
// the classes are the core's (Boot), not the server's.
func dhcpSettings(c *fileConfig) dhcp.Config { return c.DHCP.Config }
