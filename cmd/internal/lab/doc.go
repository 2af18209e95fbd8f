// Package lab builds a throw-away LAN of network namespaces on one machine
// and runs provbox and emulated phones and attackers on it: a switch
// namespace holding a bridge, a server namespace running `provbox serve`
// on its veth, and one namespace per emulated host. Nothing touches the
// machine's own interfaces; every name carries a per-run id and everything
// is removed at the end, also on failure or interrupt. It needs root.
package lab
