// Package metrics exposes provbox's counts in the Prometheus exposition
// format (github.com/prometheus/client_golang) on a listener of its own.
//
// The core and the servers know nothing of Prometheus: each defines a
// small stdlib-only Observer (provisioning.Observer, dhcp.Observer,
// httpd.Observer, tftp.Observer) that *Metrics implements, and the gauges
// are read at scrape time through Sources. Only cmd/provbox wires them.
//
// No label carries a MAC, an address or a hash: labels are vendor names
// of the profile registry, fixed outcome and reason words, DHCP message
// type names and the configured subnets' prefixes (bounded by the
// configuration). That keeps cardinality bounded whatever the LAN sends
// and keeps the inventory out of the monitoring system.
package metrics
