// Command provbench measures provbox against the daemons it replaces, in
// one run, under the same load, on the same machine, and prints one
// table of rates, latencies and ratios:
//
//   - full-config fetch at the secret URL with every check on (User-Agent,
//     MAC in the User-Agent, lease, neighbour entry), against nginx
//     serving a static file of the same size: keep-alive connections, and
//     a fixed offered rate (open loop: the latency of a server that is
//     not saturated); and one connection per request;
//   - TFTP, the same full config and a 200 KiB file at blksize 1468,
//     against dnsmasq's TFTP server;
//   - DHCP DORA/s against Kea, by running cmd/dhcpbench.
//
// It installs the missing Debian packages (apt-get), builds a LAN of two
// network namespaces joined by a veth pair (the servers on one side; on
// the other one macvlan per emulated phone, with the phone's MAC and
// address, so every phone is a distinct source with its own neighbour
// entry), starts provbox (this program's "serve" child: the real core and
// servers), nginx and dnsmasq there by PID, and drives them from a load
// child in the client namespace (a minimal HTTP/1.1 client and a TFTP
// client, one per phone, each bound to its phone's macvlan). Measures
// alternate between provbox and its peer in several short rounds; the
// table gives each side's range over the rounds and the range of the
// per-round ratios. Everything is removed on exit.
//
//	provbench [-phones 50] [-rounds 3] [-duration 3s] [-measures ...] [-paced-rate 2000] [-dhcp-rates 2000,4000,6000,8000]
//	          [-dhcp-period 5] [-no-dhcp] [-tftp-single-port] [-cpuprofile file] [-trace file]
//
// Linux, root. Run from the repository's root (DHCP builds ./cmd/dhcpbench).
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"time"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "serve":
		err = serve(os.Args[2:])
	case len(os.Args) > 1 && os.Args[1] == "load":
		err = loadMain(os.Args[2:])
	default:
		err = run(os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "provbench:", err)
		os.Exit(1)
	}
}

// options size one run.
type options struct {
	phones     int
	rounds     int
	duration   time.Duration
	measures   []string
	dhcp       bool
	dhcpRates  string
	dhcpPeriod int
	cpuprofile string // provbox's CPU profile over the whole run
	trace      string // provbox's runtime/trace over the whole run (scheduling latency, GC, syscalls)
	singlePort bool   // provbox's TFTP: every transfer from its listening port
	pacedRate  int    // the offered rate of the paced HTTP measure
}

func parseFlags(args []string) (options, error) {
	fs := flag.NewFlagSet("provbench", flag.ContinueOnError)
	var o options
	fs.IntVar(&o.phones, "phones", 50, "emulated phones: concurrent clients, each on its own address and MAC")
	fs.IntVar(&o.rounds, "rounds", 3, "rounds per measure, alternating provbox and its peer")
	fs.DurationVar(&o.duration, "duration", 3*time.Second, "load time per round and server")
	measures := fs.String("measures", strings.Join(allMeasures, ","), "HTTP and TFTP measures to run")
	noDHCP := fs.Bool("no-dhcp", false, "skip the DHCP measure")
	fs.StringVar(&o.dhcpRates, "dhcp-rates", "2000,4000,6000,8000", "offered DORA/s steps for cmd/dhcpbench")
	fs.IntVar(&o.dhcpPeriod, "dhcp-period", 5, "seconds per DHCP step")
	fs.IntVar(&o.pacedRate, "paced-rate", 2000, "requests per second in all offered by the paced HTTP measure")
	fs.BoolVar(&o.singlePort, "tftp-single-port", false, "provbox serves TFTP transfers from its listening port ([tftp] single_port; dnsmasq stays in its default mode: its --tftp-single-port answered nothing here)")
	fs.StringVar(&o.cpuprofile, "cpuprofile", "", "write provbox's CPU profile (the whole run) to this file")
	fs.StringVar(&o.trace, "trace", "", "write provbox's runtime/trace (the whole run; go tool trace reads it) to this file")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	o.dhcp = !*noDHCP
	if *measures != "" {
		for _, m := range strings.Split(*measures, ",") {
			if !contains(allMeasures, m) {
				return o, fmt.Errorf("-measures: unknown %q (%s)", m, strings.Join(allMeasures, ", "))
			}
			o.measures = append(o.measures, m)
		}
	}
	switch {
	case o.phones < 1 || o.phones > 1000:
		return o, fmt.Errorf("-phones %d: want 1..1000", o.phones)
	case o.rounds < 1 || o.duration <= 0 || o.dhcpPeriod < 1 || o.pacedRate < 1:
		return o, fmt.Errorf("-rounds, -duration, -dhcp-period and -paced-rate must be positive")
	}
	return o, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
