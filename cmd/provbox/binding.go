package main

import (
	"fmt"
	"log/slog"
	"net/netip"
	"sync"

	"github.com/provbox/provbox/provisioning"
	"github.com/provbox/provbox/provisioning/neigh"
)

// Network binding (fail closed): a device file is served only when the
// lease check or the neighbour check vouched for the requester, or the
// requester is inside [provisioning] unverified_networks. A check that is
// off vouches for nobody: with check_lease off (or no DHCP) and
// check_neighbor = false, only unverified networks are served.

// kernelNeighbours is the kernel's neighbour table (ARP and NDP), kept
// in memory from rtnetlink notifications (neigh.Table: as fresh as a
// dump, at a fraction of its cost); if the subscription cannot be made,
// every lookup dumps the tables.
func kernelNeighbours(ip netip.Addr) (provisioning.MAC, bool) {
	if t := neighTable(); t != nil {
		m, ok := t.Lookup(ip)
		return provisioning.MAC(m), ok
	}
	m, ok := neigh.Lookup(ip)
	return provisioning.MAC(m), ok
}

// neighTable is the process's table, made on first use.
var neighTable = sync.OnceValue(func() *neigh.Table {
	t, err := neigh.NewTable()
	if err != nil {
		slog.Warn("neighbour table: no rtnetlink subscription, reading the kernel's tables on every request", "err", err)
		return nil
	}
	return t
})

// neighbours is the table the core's neighbour check reads.
func (c *fileConfig) neighbours() provisioning.NeighbourFunc {
	if !c.Provisioning.InsecureFailOpen {
		return kernelNeighbours
	}
	// The old check: ARP only, so an IPv6 requester is not judged.
	return func(ip netip.Addr) (provisioning.MAC, bool) {
		if !ip.Unmap().Is4() {
			return provisioning.MAC{}, false
		}
		return kernelNeighbours(ip)
	}
}

// everywhere is every address: what insecure_fail_open serves unjudged.
var everywhere = []netip.Prefix{netip.MustParsePrefix("0.0.0.0/0"), netip.MustParsePrefix("::/0")}

// unverified are the networks served without a positive verdict.
func (c *fileConfig) unverified() []netip.Prefix {
	if c.Provisioning.InsecureFailOpen {
		return everywhere
	}
	return c.Provisioning.Unverified
}

// bindingWarnings are what `provbox check` and every start and reload
// warn about: each unverified network, a configuration that can vouch
// for nobody, and the lab's insecure switch.
func (c *fileConfig) bindingWarnings() []string {
	var ws []string
	p := c.Provisioning
	if p.InsecureFailOpen {
		ws = append(ws, "provisioning.insecure_fail_open = true: IPv6 requesters are not checked and any requester no check can judge "+
			"gets device configs and SIP credentials; this exists for the lab's sabotage test only, remove it")
	}
	for _, n := range p.Unverified {
		ws = append(ws, fmt.Sprintf("provisioning.unverified_networks: requesters in %s get device configs without a lease or neighbour-table match: "+
			"anyone there who knows a device's MAC and vendor can fetch its SIP credentials", n))
	}
	lease := c.DHCP.Enabled
	if p.CheckLease != nil {
		lease = *p.CheckLease
	}
	if !lease && !p.Neighbour && !p.InsecureFailOpen {
		ws = append(ws, "provisioning: no network-binding check is on (no lease check, check_neighbor = false): "+
			"only requesters in unverified_networks can get a device config")
	}
	return ws
}

// warnBinding logs bindingWarnings, at every start and reload.
func warnBinding(c *fileConfig, log *slog.Logger) {
	for _, w := range c.bindingWarnings() {
		log.Warn(w)
	}
}
