package main

import (
	"fmt"
	"io"
	"runtime"
	"slices"
	"strings"
	"time"
)

// peerName is each measure's peer, and what it serves.
var peerName = map[string]string{
	mHTTPKeep: "nginx", mHTTPPaced: "nginx", mHTTPClose: "nginx", mTFTPSmall: "dnsmasq", mTFTPBig: "dnsmasq",
}

func describe(m string, o options, size int) string {
	switch m {
	case mHTTPKeep:
		return fmt.Sprintf("full config at the secret URL, every check on (%d B), %d keep-alive connections", size, o.phones)
	case mHTTPPaced:
		return fmt.Sprintf("same, paced: %d req/s in all offered (open loop; p99 counted from when each request was due)", o.pacedRate)
	case mHTTPClose:
		return fmt.Sprintf("same, one TCP connection per request, %d clients", o.phones)
	case mTFTPSmall:
		return fmt.Sprintf("TFTP full config (%d B), blksize %d, %d clients", size, tftpBlock, o.phones)
	case mTFTPBig:
		return fmt.Sprintf("TFTP %d KiB file, blksize %d, %d clients", bigSize>>10, tftpBlock, o.phones)
	}
	return m
}

// printReport prints the table: each side's range over the rounds, the
// range of the per-round ratios (provbox / peer), and DHCP's summary.
func printReport(w io.Writer, o options, size int, rows []row, dhcp *dhcpResult) {
	fmt.Fprintf(w, "\n%d rounds of %v per server and measure, alternating; %d phones, each its own address and MAC; %d CPUs (server and load generator share them)\n\n",
		o.rounds, o.duration, o.phones, runtime.NumCPU())
	fmt.Fprintln(w, "| measure | provbox | peer | rate ratio | server CPU per answer, provbox/peer |")
	fmt.Fprintln(w, "|---|---|---|---|---|")
	for _, r := range rows {
		unit := "req/s"
		if strings.HasPrefix(r.measure, "tftp") {
			unit = "transfers/s"
		}
		var ratios, costs []float64
		for i := range r.prov {
			if pr := r.peer[i].rate(); pr > 0 {
				ratios = append(ratios, r.prov[i].rate()/pr)
			}
			if pc := r.peer[i].cpuPerK(); pc > 0 {
				costs = append(costs, float64(r.prov[i].cpuPerK())/float64(pc))
			}
		}
		fmt.Fprintf(w, "| %s | %s | %s: %s | %s× | %s× |\n", describe(r.measure, o, size), side(r.prov, unit),
			peerName[r.measure], side(r.peer, unit), span(ratios, "%.2f"), span(costs, "%.2f"))
	}
	if dhcp != nil {
		pc, kc := dhcp.clean["provbox"], dhcp.clean["kea"]
		pp, kp := dhcp.peak["provbox"], dhcp.peak["kea"]
		fmt.Fprintf(w, "| DHCP DORA/s, perfdhcp as relay, leases durable before ACK (cmd/dhcpbench, steps %s/s × %d s): best with <0.1%% failed | %s | Kea memfile: %s | %s× | |\n",
			o.dhcpRates, o.dhcpPeriod, clean(pc), clean(kc), ratio(pc, kc))
		fmt.Fprintf(w, "| same, peak | %.0f | Kea memfile: %.0f | %s× | |\n", pp, kp, ratio(pp, kp))
		fmt.Fprintf(w, "\ncmd/dhcpbench steps:\n%s\n", dhcp.steps)
	}
}

// side is one server's rates over the rounds, its p99 range, and its
// errors if any.
func side(rs []result, unit string) string {
	var rates, p99, cpu []float64
	errs := 0
	for _, r := range rs {
		rates = append(rates, r.rate())
		p99 = append(p99, float64(r.P99)/float64(time.Millisecond))
		cpu = append(cpu, float64(r.cpuPerK())/float64(time.Millisecond))
		errs += r.Errors
	}
	s := fmt.Sprintf("%s %s, p99 %s ms, CPU %s ms per 1000", span(rates, "%.0f"), unit, span(p99, "%.1f"), span(cpu, "%.0f"))
	if errs > 0 {
		s += fmt.Sprintf(", %d errors", errs)
	}
	return s
}

// span is "min–max" of vs (one value if they agree in print).
func span(vs []float64, format string) string {
	if len(vs) == 0 {
		return "n/a"
	}
	lo, hi := fmt.Sprintf(format, slices.Min(vs)), fmt.Sprintf(format, slices.Max(vs))
	if lo == hi {
		return lo
	}
	return lo + "–" + hi
}

// clean is a best clean rate, or says there was none.
func clean(r float64) string {
	if r == 0 {
		return "no step clean"
	}
	return fmt.Sprintf("%.0f", r)
}

func ratio(a, b float64) string {
	if b == 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", a/b)
}
