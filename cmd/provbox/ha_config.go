package main

import (
	"os"
	"strings"
)

// storeHA checks [store] ha and node (backend = "postgres").
func (k *checker) storeHA() {
	s := k.c.Store
	if s.Node != "" && !s.HA {
		k.failf("store.node", "names a node of a failover pair: set ha = true too, or remove it")
	}
	if !s.HA {
		return
	}
	if !k.c.DHCP.Enabled {
		k.failf("store.ha", "needs dhcp.enabled = true: failover elects which node answers DHCP, and a node that serves no DHCP must not take the role (leave ha off on it)")
	}
	if s.Node != "" && (len(s.Node) > 63 || strings.ContainsFunc(s.Node, func(r rune) bool { return r <= ' ' || r > '~' })) {
		k.failf("store.node", "%q: want up to 63 printable ASCII characters without spaces", s.Node)
	}
}

// nodeName is this node's name in the failover pair: store.node, else
// the host name.
func (c *fileConfig) nodeName() string {
	if c.Store.Node != "" {
		return c.Store.Node
	}
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "provbox"
	}
	return h
}
