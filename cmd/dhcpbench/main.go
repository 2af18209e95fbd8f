// Command dhcpbench measures DHCPv4 servers with Kea's perfdhcp: provbox's
// own server (the dhcp package on the SQLite store, every lease durable
// before its ACK), dnsmasq and kea-dhcp4 (memfile leases; "kea" single-
// threaded, "kea-mt" with 2 packet threads), one after the other in the
// same network-namespace topology, stepping the offered rate. It prints,
// per server and rate, the achieved DORA/s, the share of exchanges that
// failed, the latency, the server's CPU time per completed exchange, and
// the ratios against Kea.
//
//	dhcpbench [-rates 1000,2500,5000,7500,10000,12500] [-period 10] [-clients 50000]
//	          [-targets provbox,kea,kea-mt,dnsmasq] [-cpuprofile DIR]
//
// -targets also takes provbox-pg and provbox-ha: the same server on the
// PostgreSQL back-end, without and with failover fencing (targets_pg.go).
//
// It needs root, iproute2 and perfdhcp (Debian: kea-admin), plus
// kea-dhcp4-server and dnsmasq for those targets. The topology: namespace
// <stem>s holds the server on a veth with 10.64.0.1/16; namespace <stem>c
// holds perfdhcp at 10.64.0.2, which acts as a relay (giaddr = its address,
// replies unicast to it on port 67). Both are removed on exit.
//
// "dhcpbench serve -dir D -iface I" is the provbox server child.
//
// "dhcpbench rss [-devices 10000] [-leases 10000] [-provbox BIN]" measures
// the daemon's resident memory on a state database of that size (rss.go).
package main

import (
	"flag"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

type netipAddr = netip.Addr

const (
	subnet    = "10.64.0.0/16"
	serverIP  = "10.64.0.1"
	clientIP  = "10.64.0.2"
	poolRange = "10.64.1.0-10.64.255.250"
)

func mustPrefix(s string) netip.Prefix { return netip.MustParsePrefix(s) }
func mustAddr(s string) netip.Addr     { return netip.MustParseAddr(s) }

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "serve":
		err = serve(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "rss":
		err = rss(os.Args[2:])
	default:
		err = run(os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "dhcpbench:", err)
		os.Exit(1)
	}
}

type options struct {
	rates   []int
	period  int
	clients int
	targets []string
	profile string // directory for provbox CPU profiles, one per step
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("dhcpbench", flag.ContinueOnError)
	rates := fs.String("rates", "1000,2500,5000,7500,10000,12500", "offered DORA/s, comma-separated")
	period := fs.Int("period", 10, "seconds per step")
	clients := fs.Int("clients", 50000, "distinct client MACs (perfdhcp -R)")
	targets := fs.String("targets", "provbox,kea,dnsmasq", "servers to measure")
	profile := fs.String("cpuprofile", "", "directory for provbox's CPU profiles (provbox-RATE.pprof per step)")
	if err := fs.Parse(args); err != nil {
		return options{}, err
	}
	o := options{period: *period, clients: *clients, targets: strings.Split(*targets, ","), profile: *profile}
	for _, r := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n <= 0 {
			return options{}, fmt.Errorf("-rates: %q is not a positive number", r)
		}
		o.rates = append(o.rates, n)
	}
	for _, t := range o.targets {
		if _, ok := servers[t]; !ok {
			return options{}, fmt.Errorf("-targets: unknown server %q (provbox, provbox-pg, provbox-ha, kea, kea-mt, dnsmasq)", t)
		}
	}
	return o, nil
}
