package main

import (
	"fmt"
	"net"
	"net/netip"
)

// relayNotes names the subnets whose relayed requests will be dropped:
// relayed DHCP is accepted only from the relay agents a [[dhcp.subnet]]
// lists in relays, and a subnet with none listed takes no relayed
// requests. Subnets on an address of a served interface are left out
// (their phones ask directly), and so is everything when no configured
// interface exists on this host (provbox check run on another machine
// cannot tell); a configuration written before relays existed and served
// through a relay is named here, at start and by provbox check.
func relayNotes(cfg *fileConfig) []string {
	if !cfg.DHCP.Enabled {
		return nil
	}
	if !anyInterface(cfg.DHCP.Interfaces) {
		return nil
	}
	var out []string
	for i, s := range cfg.DHCP.Subnets {
		if len(s.Relays) > 0 || onServedInterface(s.CIDR, cfg.DHCP.Interfaces) {
			continue
		}
		out = append(out, fmt.Sprintf("dhcp.subnet[%d] (%s): no relays listed, so relayed requests for it are dropped; "+
			"name the relay agents' addresses in relays = [\"IP\", ...]", i, s.CIDR))
	}
	return out
}

// onServedInterface reports whether one of the named interfaces has an
// address in p on this host.
func onServedInterface(p netip.Prefix, ifaces []string) bool {
	for _, name := range ifaces {
		ifc, err := net.InterfaceByName(name)
		if err != nil {
			continue
		}
		addrs, _ := ifc.Addrs()
		for _, a := range addrs {
			if ipn, ok := a.(*net.IPNet); ok {
				if ip, ok := netip.AddrFromSlice(ipn.IP); ok && p.Contains(ip.Unmap()) {
					return true
				}
			}
		}
	}
	return false
}

// anyInterface reports whether one of the named interfaces exists here.
func anyInterface(names []string) bool {
	for _, name := range names {
		if _, err := net.InterfaceByName(name); err == nil {
			return true
		}
	}
	return false
}
