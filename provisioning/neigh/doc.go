// Package neigh reads the kernel's neighbour table (ARP for IPv4, NDP for
// IPv6) over rtnetlink, for the provisioning core's neighbour check. It
// lives apart from the core because it needs golang.org/x/sys/unix, and
// the core imports only the standard library; cmd/provbox injects Lookup.
package neigh
