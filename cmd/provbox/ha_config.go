package main

import "os"

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
